import path from 'node:path';
import test from 'ava';
import { loadDaemonConfig } from '../../../src/config/index.js';
import { defaultDetectFilter } from '../../../src/detector/filters.js';
import { FrameDetector } from '../../../src/detector/frame-detector.js';
import { modelMinScore } from '../../../src/detector/model-dir.js';
import { getRuntime } from '../../../src/detector/runtimes/registry.js';
import { boxIou as iou, demoFrames, ROOT, STUDENT_DIR } from './demo-frames.js';

// A person must come out as one box: the tracker and the counts take two heavily overlapping
// boxes of one label for two objects. The shipped model with the shipped config's decoder
// settings (NMS IoU, max_det, default min_score) on frames spread over the whole demo clip
// (crowded stretches included): no two person boxes of one frame overlap at IoU >= 0.7,
// measured on the boxes as published (source pixels, after clipping to the frame).
test('shipped model and config: no two person boxes of one demo-clip frame overlap at IoU >= 0.7', async (t) => {
  const cfg = loadDaemonConfig(path.join(ROOT, 'config/lookout.json'), {});
  t.is(path.basename(String(cfg.detector.model)), path.basename(STUDENT_DIR), 'the shipped config runs the student');
  const model = await getRuntime(cfg.detector.runtime).load(STUDENT_DIR, { threads: 1 });
  t.teardown(() => model.dispose());
  const det = new FrameDetector(model, { iouThreshold: cfg.detector.iou, maxDet: cfg.detector.max_det, agnostic: cfg.detector.agnostic_nms });
  const minScore = modelMinScore(STUDENT_DIR, defaultDetectFilter.min_score);
  const indices = Array.from({ length: 40 }, (_, i) => i * 20);
  const frames = await demoFrames(model.inputWidth, indices);
  t.is(frames.length, indices.length, 'all frames decoded');
  let people = 0;
  let over50 = 0;
  const over70: string[] = [];
  for (const f of frames) {
    const p = (await det.detect(f.rgb, f.lb, minScore)).detections.filter((d) => d.label === 'person');
    people += p.length;
    for (let i = 0; i < p.length; i++) {
      for (let j = i + 1; j < p.length; j++) {
        const v = iou(p[i]!.box, p[j]!.box);
        if (v >= 0.5) over50++;
        if (v >= 0.7) over70.push(`frame ${f.index}: ${JSON.stringify(p[i]!.box)} and ${JSON.stringify(p[j]!.box)} at IoU ${v.toFixed(2)}`);
      }
    }
  }
  t.log(`${people} person boxes on ${frames.length} frames; pairs at IoU >= 0.5: ${over50}; at >= 0.7: ${over70.length}`);
  t.true(people > frames.length, `people are found (${people})`);
  t.deepEqual(over70, [], 'no pair of person boxes at IoU >= 0.7');
});
