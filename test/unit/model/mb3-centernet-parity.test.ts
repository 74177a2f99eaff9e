import test from 'ava';
import { FrameDetector } from '../../../src/detector/frame-detector.js';
import { getRuntime } from '../../../src/detector/runtimes/registry.js';
import { demoFrames, TEACHER_DIR } from './demo-frames.js';

// models/mb3-centernet ships the package's tfjs graph (model.json, with lookout's I/O wrapper)
// and the same network exported from its PyTorch port (model.onnx, training/export_teacher_onnx.py:
// backbone, CenterNet head and the graph's peak decoding). They must report the same objects.
const FRAMES = [0, 200, 400, 600, 790];
const MIN_SCORE = 0.2; // below the model's default 0.4, so that more (and weaker) peaks are compared

test('mb3-centernet: onnx and tfjs give the same detections on demo-clip frames (labels equal, boxes within 0.5 px, scores within 1e-3)', async (t) => {
  const onnx = await getRuntime('onnx').load(TEACHER_DIR, { threads: 1 });
  const tfjs = await getRuntime('tfjs').load(TEACHER_DIR);
  t.teardown(async () => { await onnx.dispose(); await tfjs.dispose(); });
  t.deepEqual([onnx.inputWidth, onnx.inputHeight, onnx.layout], [512, 512, 'nchw'], 'onnx: images [1,3,512,512]');
  t.deepEqual([tfjs.inputWidth, tfjs.inputHeight, tfjs.layout], [512, 512, 'nhwc'], 'tfjs: images [1,512,512,3]');
  t.deepEqual(onnx.labels, tfjs.labels, 'same labels');
  const frames = await demoFrames(512, FRAMES);
  t.is(frames.length, FRAMES.length, 'all frames decoded');
  const da = new FrameDetector(onnx);
  const db = new FrameDetector(tfjs);
  let total = 0;
  let worstBox = 0;
  let worstScore = 0;
  for (const f of frames) {
    const a = (await da.detect(f.rgb, f.lb, MIN_SCORE)).detections;
    const b = (await db.detect(f.rgb, f.lb, MIN_SCORE)).detections;
    total += a.length;
    t.deepEqual(a.map((x) => x.label), b.map((x) => x.label), `frame ${f.index}: same labels in the same order`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      worstBox = Math.max(worstBox, ...a[i]!.box.map((v, k) => Math.abs(v - b[i]!.box[k]!)));
      worstScore = Math.max(worstScore, Math.abs(a[i]!.score - b[i]!.score));
    }
  }
  t.log(`${total} detections on ${frames.length} frames; max |box diff| ${worstBox.toFixed(4)} px (source pixels), max |score diff| ${worstScore.toExponential(2)}`);
  t.true(total > 0, `the frames give detections to compare (${total})`);
  t.true(worstBox <= 0.5, `boxes within 0.5 px (worst ${worstBox})`);
  t.true(worstScore <= 1e-3, `scores within 1e-3 (worst ${worstScore})`);
});
