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
