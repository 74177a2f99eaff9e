/**
 * npm run eval -- --model DIR[,DIR...] --data DIR [--teacher DIR] [--list FILE] [--out FILE] [--iou 0.7]
 *                 [--runtime onnx|tfjs] [--teacher-runtime tfjs|onnx] [--min-score 0.05]
 *
 * Scores one or more models (default: the student, onnx at its own input size) and the
 * teacher mb3-centernet (tfjs at 512) on the same held-out images
 * (training/splits/eval.txt, paths relative to --data, YOLO labels in
 * SET/labels/NAME.txt), through lookout's own detector code: ffmpeg letterbox,
 * runtime, YOLOv8 decode, class-wise NMS, boxes in source pixels, like
 * `lookout detect --json --min-score 0.05`. Every table is given twice: for the
 * whole split, and for its COCO val2017 photos alone (train2017 photos flatter
 * every COCO-trained teacher, and so every student distilled from one). Writes a
 * markdown file (--out, default training/results/eval.md) and the same figures as
 * JSON next to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { computeLetterbox } from '../../src/ingest/letterbox.js';
import { FrameDetector } from '../../src/detector/frame-detector.js';
import { decodeFrames, probeMedia } from '../../src/detector/media.js';
import { getRuntime } from '../../src/detector/runtimes/registry.js';
import { meanAp, type DetBox, type GtBox, type ImageEval, type MapResult } from './coco-map.js';
import { atPrecision, bestF1, prAt, type PrPoint } from './operating-point.js';
import { modelMinScore } from '../../src/detector/model-dir.js';
import { defaultDetectFilter } from '../../src/detector/filters.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: path.join(ROOT, 'models/yolov8-mnv3') },
    data: { type: 'string', default: path.join(ROOT, '../shared/datasets') },
    teacher: { type: 'string', default: path.join(ROOT, 'models/mb3-centernet') },
    list: { type: 'string', default: path.join(ROOT, 'training/splits/eval.txt') },
    out: { type: 'string', default: path.join(ROOT, 'training/results/eval.md') },
    runtime: { type: 'string', default: 'onnx' },
    'teacher-runtime': { type: 'string', default: 'tfjs' },
    'min-score': { type: 'string', default: '0.05' },
    threads: { type: 'string', default: '1' },
    iou: { type: 'string', default: '0.7' },
  },
});
const minScore = Number(values['min-score']);
const rels = fs.readFileSync(values.list!, 'utf8').split('\n').filter(Boolean);
const CLASSES: Array<[string, number]> = [['person', 0], ['car', 2], ['bicycle', 1], ['dog', 16], ['cat', 15]];

type OperatingPoints = Record<'all' | 'person', { default: PrPoint; best_f1: PrPoint; at_p85: PrPoint | null }>;
interface Scored { name: string; runtime: string; input: number; result: MapResult; ms: number; minScore: number; points: OperatingPoints }
interface Run { name: string; runtime: string; input: number; nc: number; ms: number; minScore: number; images: ImageEval[] }
const VAL2017 = 'coco_tinycoco2_val2017/';

function scoreSubset(r: Run, keep: boolean[]): Scored {
  const images = r.images.filter((_, i) => keep[i]);
  return { name: r.name, runtime: r.runtime, input: r.input, result: meanAp(images, r.nc), ms: r.ms, minScore: r.minScore, points: operatingPoints(images, r.nc, r.minScore) };
}

// A model's default min_score (lookout-model.json, else the daemon's default) against the
// threshold that maximises F1 on these images, at IoU 0.5: all classes pooled, and person.
function operatingPoints(images: ImageEval[], nc: number, minScore: number): OperatingPoints {
  const at = (ids: Set<number>) => ({ default: prAt(images, ids, minScore), best_f1: bestF1(images, ids), at_p85: atPrecision(images, ids, 0.85) });
  return { all: at(new Set(Array.from({ length: nc }, (_, i) => i))), person: at(new Set([0])) };
}

function groundTruth(rel: string, w: number, h: number): GtBox[] {
  const [set, , file] = rel.split('/');
  const lf = path.join(values.data!, set!, 'labels', file!.replace(/\.[^.]+$/, '.txt'));
  if (!fs.existsSync(path.dirname(lf))) throw new Error(`${path.dirname(lf)}: no labels folder (the eval list must hold fully labelled images only)`);
  // A fully labelled set has no label file for a background image (train_coco128 has two).
  if (!fs.existsSync(lf)) return [];
  return fs.readFileSync(lf, 'utf8').split('\n').filter((l) => l.trim()).map((l) => {
    const [c, cx, cy, bw, bh] = l.trim().split(/\s+/).map(Number) as [number, number, number, number, number];
    return { classId: c, box: [(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h] };
  });
}

async function score(name: string, dir: string, runtime: string): Promise<Run> {
  const model = await getRuntime(runtime).load(dir, { threads: Number(values.threads) });
  const det = new FrameDetector(model, { maxDet: 100, iouThreshold: Number(values.iou) });
  const images: ImageEval[] = [];
  let ms = 0;
  try {
    for (const rel of rels) {
      const file = path.join(values.data!, rel);
      const info = await probeMedia(file);
      const lb = computeLetterbox(info.width, info.height, model.inputWidth, model.inputHeight);
      let dets: DetBox[] = [];
      for await (const rgb of decodeFrames(file, model.inputWidth, model.inputHeight, lb)) {
        const r = await det.detect(rgb, lb, minScore);
        ms += r.inferenceMs;
        dets = r.detections.map((d) => ({ classId: d.class_id, score: d.score, box: d.box }));
      }
      images.push({ gt: groundTruth(rel, info.width, info.height), dets });
    }
  } finally {
    await model.dispose();
  }
  process.stderr.write(`${name}: ${rels.length} images scored\n`);
  const modelScore = modelMinScore(dir, defaultDetectFilter.min_score);
  return { name, runtime: `${runtime} ${model.backend}`, input: model.inputWidth, nc: model.labels.length, ms: ms / rels.length, minScore: modelScore, images };
}

const studentRuns: Run[] = [];
for (const dir of values.model!.split(',')) {
  const name = path.basename(dir);
  studentRuns.push(await score(studentRuns.some((r) => r.name === name) ? dir : name, dir, values.runtime!));
}
const teacherRun = await score(path.basename(values.teacher!), values.teacher!, values['teacher-runtime']!);
const pct = (v: number | undefined) => (v === undefined ? 'n/a' : (100 * v).toFixed(1));
const ap = (s: Scored, c: number) => s.result.perClass.get(c)?.ap50;
const header = ['model', 'input', 'mAP@0.5', 'mAP@0.5:0.95', ...CLASSES.map(([n]) => `${n} AP@0.5`)];
const row = (s: Scored) => [`${s.name} (${s.runtime})`, String(s.input), pct(s.result.map50), pct(s.result.map5095), ...CLASSES.map(([, c]) => pct(ap(s, c)))];
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? 'n/a' : `${(100 * a / b).toFixed(0)}%`);
const ratioRow = (st: Scored, te: Scored) => [`${st.name} / teacher`, '', ratio(st.result.map50, te.result.map50), ratio(st.result.map5095, te.result.map5095), ...CLASSES.map(([, c]) => ratio(ap(st, c), ap(te, c)))];
const subsets: Array<[string, boolean[]]> = [
  ['whole split', rels.map(() => true)],
  ['COCO val2017 photos only', rels.map((r) => r.startsWith(VAL2017))],
];
const lines: string[] = [
  `Held-out split: ${path.relative(ROOT, values.list!)} (${rels.length} images, of which ${subsets[1]![1].filter(Boolean).length} COCO val2017); detections at min score ${minScore}, class-wise NMS at IoU ${values.iou}, at most 100 per image; COCO-style 101-point AP. Figures in %.`,
  '',
];
const results: Record<string, { students: Scored[]; teacher: Scored }> = {};
for (const [label, keep] of subsets) {
  const students = studentRuns.map((r) => scoreSubset(r, keep));
  const teacher = scoreSubset(teacherRun, keep);
  results[label] = { students, teacher };
  lines.push(`### ${label} (${keep.filter(Boolean).length} images, ${teacher.result.classes} classes with ground truth)`, '',
    `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`,
    ...students.map((st) => `| ${row(st).join(' | ')} |`), `| ${row(teacher).join(' | ')} |`,
    ...students.map((st) => `| ${ratioRow(st, teacher).join(' | ')} |`), '',
    ...operatingPointsTable([...students, teacher]));
}
function operatingPointsTable(all: Scored[]): string[] {
  const f = (p: PrPoint) => `${p.threshold.toFixed(2)} | ${pct(p.precision)} | ${pct(p.recall)} | ${pct(p.f1)}`;
  const out = [
    'Operating points at IoU 0.5 (precision, recall and F1 in %): each model at its default min_score, at the score threshold that maximises F1 on these images, and at the lowest threshold whose precision is at least 85%.',
    '',
    '| model | classes | default min_score | P | R | F1 | best-F1 min_score | P | R | F1 | P>=85% min_score | P | R | F1 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of all) {
    for (const [label, p] of Object.entries(s.points)) out.push(`| ${s.name} (${s.input}) | ${label} | ${f(p.default)} | ${f(p.best_f1)} | ${p.at_p85 ? f(p.at_p85) : 'n/a | | |'} |`);
  }
  return [...out, ''];
}

fs.mkdirSync(path.dirname(values.out!), { recursive: true });
fs.writeFileSync(values.out!, lines.join('\n'));
const json = (s: Scored) => ({ name: s.name, runtime: s.runtime, input: s.input, map50: s.result.map50, map5095: s.result.map5095, classes: s.result.classes, mean_inference_ms: s.ms, min_score: s.minScore,
  operating_points: s.points, per_class: Object.fromEntries([...s.result.perClass].map(([c, v]) => [c, v])) });
fs.writeFileSync(values.out!.replace(/\.md$/, '') + '.json', JSON.stringify({
  list: path.relative(ROOT, values.list!), images: rels.length, min_score: minScore,
  subsets: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { students: v.students.map(json), teacher: json(v.teacher) }])),
}, null, 1));
process.stdout.write(lines.join('\n'));
