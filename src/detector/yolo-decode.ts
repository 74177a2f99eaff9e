/**
 * YOLOv8 detection head decoding, independent of the runtime. The output is
 * [1,4+nc,N] (Ultralytics default) or [1,N,4+nc]: per anchor cx,cy,w,h in
 * input pixels then nc sigmoid class scores, no objectness. Decoding keeps
 * each anchor's best class (Ultralytics' multi_label=False), rejects anchors
 * under the threshold before touching anything else, then applies NMS.
 */
import type { ModelOutput } from './model.js';
import { nms, type Candidates } from './nms.js';

export type OutputLayout = 'channels-first' | 'anchors-first';

/** Which layout `dims` has for nc classes, or null if it fits neither. */
export function outputLayout(dims: readonly number[], nc: number): OutputLayout | null {
  if (dims.length !== 3 || dims[0] !== 1) return null;
  // [1,4+nc,N] is tried first: if N happens to equal 4+nc too, Ultralytics'
  // own layout is the likelier one.
  if (dims[1] === 4 + nc) return 'channels-first';
  if (dims[2] === 4 + nc) return 'anchors-first';
  return null;
}

export interface DecodeOptions {
  /** Minimum class score kept (Ultralytics conf). */
  scoreThreshold: number;
  iouThreshold: number;
  maxDet: number;
  /** NMS across classes instead of within each class. */
  agnostic: boolean;
}

export const defaultDecodeOptions: DecodeOptions = { scoreThreshold: 0.25, iouThreshold: 0.7, maxDet: 300, agnostic: false };

/** A decoded box in model-input pixels. */
export interface InputBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  classId: number;
}

export function decodeYolo(out: ModelOutput, nc: number, options: Partial<DecodeOptions> = {}): InputBox[] {
  const opts = { ...defaultDecodeOptions, ...options };
  const layout = outputLayout(out.dims, nc);
  if (layout === null) throw new Error(`output [${out.dims.join(',')}] is neither [1,${4 + nc},N] nor [1,N,${4 + nc}]`);
  const { data } = out;
  const channelsFirst = layout === 'channels-first';
  const n = channelsFirst ? out.dims[2]! : out.dims[1]!;
  const rows = 4 + nc;
  // Element (row r, anchor i) lives at r*rowStride + i*anchorStride.
  const rowStride = channelsFirst ? n : 1;
  const anchorStride = channelsFirst ? 1 : rows;
  const thr = opts.scoreThreshold;

  const c: Candidates = { count: 0, x1: [], y1: [], x2: [], y2: [], score: [], classId: [] };
  for (let i = 0; i < n; i++) {
    const base = i * anchorStride;
    let best = -Infinity;
    let bestClass = 0;
    for (let k = 0, at = base + 4 * rowStride; k < nc; k++, at += rowStride) {
      const s = data[at]!;
      if (s > best) {
        best = s;
        bestClass = k;
      }
    }
    if (!(best >= thr)) continue; // also rejects NaN
    const cx = data[base]!;
    const cy = data[base + rowStride]!;
    const hw = data[base + 2 * rowStride]! / 2;
    const hh = data[base + 3 * rowStride]! / 2;
    c.x1.push(cx - hw);
    c.y1.push(cy - hh);
    c.x2.push(cx + hw);
    c.y2.push(cy + hh);
    c.score.push(best);
    c.classId.push(bestClass);
    c.count++;
  }
  if (c.count === 0) return [];
  return nms(c, opts).map((i) => ({ x1: c.x1[i]!, y1: c.y1[i]!, x2: c.x2[i]!, y2: c.y2[i]!, score: c.score[i]!, classId: c.classId[i]! }));
}
