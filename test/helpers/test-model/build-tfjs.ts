/**
 * Writes the test network (see spec.ts) as a tfjs graph model: a hand-written
 * model.json holding TensorFlow GraphDef nodes, plus one weights shard. The
 * input is NHWC [1,S,S,3] like an Ultralytics `format=tfjs` export.
 */
import { anchorCount, outputRows, type TestModelSpec } from './spec.js';

type Dtype = 'float32' | 'int32';
interface Weight { name: string; shape: number[]; dtype: Dtype; values: ArrayLike<number> }
interface GraphNode { name: string; op: string; input?: string[]; attr?: Record<string, unknown> }

const tfType = (d: Dtype | 'bool') => ({ float32: 'DT_FLOAT', int32: 'DT_INT32', bool: 'DT_BOOL' })[d];
const shapeAttr = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });

export interface TfjsGraphFiles {
  modelJson: string;
  /** File name the manifest points at, and its bytes. */
  shardName: string;
  shard: Uint8Array;
}

export function buildTfjsModel(spec: TestModelSpec): TfjsGraphFiles {
  const s = spec.size;
  const rows = outputRows(spec);
  const n = anchorCount(s);
  const range = Array.from({ length: s }, (_, i) => i);
  const extraScores = rows - 5;

  const weights: Weight[] = [];
  const nodes: GraphNode[] = [
    { name: 'images', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shapeAttr([1, s, s, 3]) } } },
  ];
  const constant = (name: string, dtype: Dtype, shape: number[], values: ArrayLike<number>) => {
    weights.push({ name, shape, dtype, values });
    nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: tfType(dtype), tensorShape: shapeAttr(shape) } }, dtype: { type: tfType(dtype) } } });
  };
  const op = (name: string, opName: string, input: string[], attr: Record<string, unknown> = {}) => {
    nodes.push({ name, op: opName, input, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
  };
  const reduce = (name: string, opName: 'Max' | 'Mean', x: string, axes: string, keep: boolean) =>
    op(name, opName, [x, axes], { keep_dims: { b: keep }, Tidx: { type: 'DT_INT32' } });

  constant('half', 'float32', [], [0.5]);
  constant('x_plus_1', 'float32', [s], range.map((i) => i + 1));
  constant('size_minus_x', 'float32', [s], range.map((i) => s - i));
  constant('size', 'float32', [1], [s]);
  constant('zeros_tail', 'float32', [1, rows, n - 1], new Float32Array(rows * (n - 1)));
  if (extraScores > 0) constant('zeros_scores', 'float32', [extraScores], new Float32Array(extraScores));
  constant('axis_c', 'int32', [1], [3]);
  constant('axes_cols', 'int32', [2], [0, 1]);
  constant('axes_rows', 'int32', [2], [0, 2]);
  constant('axis_0', 'int32', [], [0]);
  constant('axis_0v', 'int32', [1], [0]);
  constant('axis_2', 'int32', [], [2]);
  constant('shape_col', 'int32', [3], [1, rows, 1]);
  constant('perm', 'int32', [3], [0, 2, 1]);

  reduce('mean', 'Mean', 'images', 'axis_c', false); // [1,S,S]
  op('is_bright', 'Greater', ['mean', 'half']);
  nodes.push({ name: 'mask', op: 'Cast', input: ['is_bright'], attr: { SrcT: { type: 'DT_BOOL' }, DstT: { type: 'DT_FLOAT' } } });
  reduce('cols', 'Max', 'mask', 'axes_cols', false);
  reduce('rows', 'Max', 'mask', 'axes_rows', false);
  reduce('score', 'Max', 'cols', 'axis_0v', true);
  for (const [axis, lo, hi] of [['cols', 'x1', 'x2'], ['rows', 'y1', 'y2']] as const) {
    op(`${hi}_cand`, 'Mul', [axis, 'x_plus_1']);
    reduce(hi, 'Max', `${hi}_cand`, 'axis_0v', true);
    op(`${lo}_cand`, 'Mul', [axis, 'size_minus_x']);
    reduce(`${lo}_rev`, 'Max', `${lo}_cand`, 'axis_0v', true);
    op(lo, 'Sub', ['size', `${lo}_rev`]);
  }
  op('x_sum', 'AddV2', ['x1', 'x2']);
  op('cx', 'Mul', ['x_sum', 'half']);
  op('y_sum', 'AddV2', ['y1', 'y2']);
  op('cy', 'Mul', ['y_sum', 'half']);
  op('w', 'Sub', ['x2', 'x1']);
  op('h', 'Sub', ['y2', 'y1']);
  const parts = ['cx', 'cy', 'w', 'h', 'score', ...(extraScores > 0 ? ['zeros_scores'] : [])];
  op('anchor0', 'ConcatV2', [...parts, 'axis_0'], { N: { i: String(parts.length) }, Tidx: { type: 'DT_INT32' } });
  op('anchor0_col', 'Reshape', ['anchor0', 'shape_col'], { Tshape: { type: 'DT_INT32' } });
  op('channels_first', 'ConcatV2', ['anchor0_col', 'zeros_tail', 'axis_2'], { N: { i: '2' }, Tidx: { type: 'DT_INT32' } });
  const anchorsFirst = spec.outputLayout === 'anchors-first';
  if (anchorsFirst) op('transposed', 'Transpose', ['channels_first', 'perm'], { Tperm: { type: 'DT_INT32' } });
  op('Identity', 'Identity', [anchorsFirst ? 'transposed' : 'channels_first']);

  const outDims = anchorsFirst ? [1, n, rows] : [1, rows, n];
  const shardName = 'group1-shard1of1.bin';
  const modelJson = JSON.stringify({
    format: 'graph-model',
    generatedBy: 'lookout test/helpers/test-model',
    convertedBy: null,
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    signature: {
      inputs: { 'images:0': { name: 'images:0', dtype: 'DT_FLOAT', tensorShape: shapeAttr([1, s, s, 3]) } },
      outputs: { 'Identity:0': { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: shapeAttr(outDims) } },
    },
    weightsManifest: [{ paths: [shardName], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
  });

  const total = weights.reduce((sum, w) => sum + w.values.length * 4, 0);
  const shard = new Uint8Array(total);
  let offset = 0;
  for (const w of weights) {
    const bytes = w.dtype === 'float32' ? new Float32Array(Array.from(w.values)) : new Int32Array(Array.from(w.values));
    shard.set(new Uint8Array(bytes.buffer), offset);
    offset += bytes.byteLength;
  }
  return { modelJson, shardName, shard };
}
