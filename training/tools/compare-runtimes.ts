/**
 * Runs one model directory in both runtimes (onnx, tfjs) on the same inputs and
 * prints the max abs output difference: npx tsx training/tools/compare-runtimes.ts DIR
 */
import { getRuntime } from '../../src/detector/runtimes/registry.js';

const dir = process.argv[2]!;
const onnx = await getRuntime('onnx').load(dir, { threads: 1 });
const tfjs = await getRuntime('tfjs').load(dir);
const S = onnx.inputWidth;
for (let t = 0; t < 2; t++) {
  const nhwc = new Float32Array(S * S * 3);
  for (let i = 0; i < nhwc.length; i++) nhwc[i] = (Math.sin(i * 0.37 + t) + 1) / 2;
  const nchw = new Float32Array(S * S * 3);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) for (let c = 0; c < 3; c++) nchw[c * S * S + y * S + x] = nhwc[(y * S + x) * 3 + c]!;
  const a = await onnx.run(nchw);
  const b = await tfjs.run(nhwc);
  let d = 0; let m = 0;
  for (let i = 0; i < a.data.length; i++) { d = Math.max(d, Math.abs(a.data[i]! - b.data[i]!)); m = Math.max(m, Math.abs(a.data[i]!)); }
  console.log(JSON.stringify({ onnx: a.dims, tfjs: b.dims, maxAbsDiff: d, maxAbs: m, layouts: [onnx.layout, tfjs.layout] }));
}
