/**
 * Reads ModelProto.metadata_props (field 14) from ONNX bytes. onnxruntime-node
 * does not expose custom metadata, and a protobuf library at run time for two
 * strings would not earn its place, so this walks the wire format directly:
 * only varint and length-delimited fields matter at the top level.
 *
 * Walking the whole top level also catches truncated files: a field whose
 * length runs past the end throws, so the loader can name the file.
 */

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('varint runs past the end of the file');
    const byte = buf[pos++]!;
    // Multiplication keeps values above 2^31 exact (lengths of big models).
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7;
    if (shift > 63) throw new Error('malformed varint');
  }
}

interface Field { field: number; wire: number; start: number; end: number }

function* fields(buf: Uint8Array, from = 0, to = buf.length): Generator<Field> {
  let pos = from;
  while (pos < to) {
    const [key, afterKey] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let start = afterKey;
    let end: number;
    if (wire === 0) {
      end = readVarint(buf, afterKey)[1];
    } else if (wire === 1) {
      end = afterKey + 8;
    } else if (wire === 2) {
      const [len, afterLen] = readVarint(buf, afterKey);
      start = afterLen;
      end = afterLen + len;
    } else if (wire === 5) {
      end = afterKey + 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire} at byte ${pos}`);
    }
    if (field === 0 || end > to) throw new Error(`field ${field} at byte ${pos} runs past the end (file truncated?)`);
    yield { field, wire, start, end };
    pos = end;
  }
}

const decoder = new TextDecoder();

/**
 * Returns metadata_props as a plain object. Throws if the bytes are not a
 * well-formed protobuf or contain no graph (field 7).
 */
export function readOnnxMetadata(buf: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  let hasGraph = false;
  for (const f of fields(buf)) {
    if (f.field === 7 && f.wire === 2) hasGraph = true;
    if (f.field !== 14 || f.wire !== 2) continue;
    let key = '';
    let value = '';
    for (const inner of fields(buf, f.start, f.end)) {
      const text = decoder.decode(buf.subarray(inner.start, inner.end));
      if (inner.field === 1) key = text;
      else if (inner.field === 2) value = text;
    }
    props[key] = value;
  }
  if (!hasGraph) throw new Error('no graph in the file (not an ONNX model?)');
  return props;
}

/** A graph input or output: its name and dims (a number, a symbolic name, or null when unknown). */
export interface OnnxValueInfo {
  name: string;
  dims: Array<number | string | null> | null;
}

/**
 * The graph's inputs (initializers excluded: older exports list weights as
 * inputs too) and outputs with their declared shapes, read from the wire
 * format without loading the model: ModelProto.graph (7) -> GraphProto.input
 * (11) / output (12) / initializer (5) -> ValueInfoProto.type (2) ->
 * TypeProto.tensor_type (1) -> shape (2) -> dim (1) = dim_value (1) | dim_param (2).
 */
export function readOnnxGraphIO(buf: Uint8Array): { inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[] } {
  const graph = [...fields(buf)].find((f) => f.field === 7 && f.wire === 2);
  if (!graph) throw new Error('no graph in the file (not an ONNX model?)');
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const initializers = new Set<string>();
  for (const f of fields(buf, graph.start, graph.end)) {
    if (f.wire !== 2) continue;
    if (f.field === 11) inputs.push(valueInfo(buf, f));
    else if (f.field === 12) outputs.push(valueInfo(buf, f));
    else if (f.field === 5) {
      const name = [...fields(buf, f.start, f.end)].find((g) => g.field === 8 && g.wire === 2);
      if (name) initializers.add(decoder.decode(buf.subarray(name.start, name.end)));
    }
  }
  return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
}

function valueInfo(buf: Uint8Array, f: Field): OnnxValueInfo {
  let name = '';
  let dims: Array<number | string | null> | null = null;
  for (const g of fields(buf, f.start, f.end)) {
    if (g.wire !== 2) continue;
    if (g.field === 1) name = decoder.decode(buf.subarray(g.start, g.end));
    if (g.field !== 2) continue;
    const tensor = [...fields(buf, g.start, g.end)].find((h) => h.field === 1 && h.wire === 2);
    const shape = tensor ? [...fields(buf, tensor.start, tensor.end)].find((h) => h.field === 2 && h.wire === 2) : undefined;
    if (!shape) continue;
    dims = [];
    for (const dim of fields(buf, shape.start, shape.end)) {
      if (dim.field !== 1 || dim.wire !== 2) continue;
      let value: number | string | null = null;
      for (const d of fields(buf, dim.start, dim.end)) {
        if (d.field === 1 && d.wire === 0) value = readVarint(buf, d.start)[0];
        else if (d.field === 2 && d.wire === 2) value = decoder.decode(buf.subarray(d.start, d.end));
      }
      dims.push(value);
    }
  }
  return { name, dims };
}
