import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import type { Box } from '../../../src/detector/detections.js';
import { evaluateMot } from '../../../src/eval/clear-mot.js';
import { consideredGroundTruth, formatMotRow, parseMotText, readMotFile, type MotRow } from '../../../src/eval/mot-file.js';

const row = (frame: number, id: number, box: Box): MotRow => ({ frame, id, box, score: 1 });
/** A 10 x 10 box at x (y = 0); two of them at dx apart overlap by IoU (10 - dx) / (10 + dx). */
const at = (x: number): Box => [x, 0, x + 10, 10];

test('one track: a miss, a stray box and an id switch give exact CLEAR-MOT and IDF1', (t) => {
  const gt = [1, 2, 3, 4].map((f) => row(f, 1, at(0)));
  const hyp = [
    row(1, 7, at(0)),
    row(2, 7, at(2)), // IoU 8/12
    row(2, 8, at(100)), // a false positive
    // frame 3: missed
    row(4, 9, at(0)), // matched again, by another id
  ];
  const m = evaluateMot(gt, hyp);
  t.like(m, { frames: 4, gt_boxes: 4, hyp_boxes: 4, matches: 3, fp: 1, fn: 1, idsw: 1, fm: 1, mt: 0, pt: 1, ml: 0, idtp: 2 }, 'counts');
  t.is(m.mota, 1 - 3 / 4, 'MOTA = 1 - (FN + FP + IDsw) / GT');
  t.true(Math.abs(m.motp - (1 + 8 / 12 + 1) / 3) < 1e-12, 'MOTP = mean IoU of the matches');
  t.is(m.idf1, (2 * 2) / 8, 'IDF1: id 7 covers 2 frames of the 4 + 4 boxes');
});

test('a pair matched in the previous frame stays matched while it overlaps by 0.5, even against a better box', (t) => {
  const gt = [row(1, 1, at(0)), row(2, 1, at(0))];
  const hyp = [row(1, 5, at(0)), row(2, 5, at(3)), row(2, 6, at(0))]; // frame 2: id 5 at IoU 7/13 = 0.54, id 6 exact
  const m = evaluateMot(gt, hyp);
  t.like(m, { matches: 2, idsw: 0, fp: 1, fn: 0 }, 'id 5 keeps the object, id 6 is the false positive');

  const lost = evaluateMot(gt, [row(1, 5, at(0)), row(2, 5, at(4)), row(2, 6, at(0))]); // IoU 6/14 < 0.5
  t.like(lost, { matches: 2, idsw: 1, fp: 1 }, 'below 0.5 the old pair is dropped and the new id is a switch');
});

test('the per-frame assignment is min-cost, not greedy', (t) => {
  // gt A at 0, B at 3; hyp x at 1 overlaps A by 9/11 and B by 8/12; hyp y at -3 overlaps only A (7/13).
  // Greedy takes A-x first and leaves B and y unmatched; the min-cost assignment pairs A-y and B-x.
  const gt = [row(1, 1, at(0)), row(1, 2, at(3))];
  const hyp = [row(1, 10, at(1)), row(1, 11, at(-3))];
  t.like(evaluateMot(gt, hyp), { matches: 2, fp: 0, fn: 0 }, 'y -> A and x -> B: two matches');
});

test('MT, PT and ML split at 80% and 20% of the frames an object is present', (t) => {
  const frames = [1, 2, 3, 4, 5];
  const gt = [...frames.map((f) => row(f, 1, at(0))), ...frames.map((f) => row(f, 2, at(50))), ...frames.map((f) => row(f, 3, at(100)))];
  const hyp = [...frames.slice(0, 4).map((f) => row(f, 1, at(0))), ...frames.slice(0, 2).map((f) => row(f, 2, at(50)))];
  t.like(evaluateMot(gt, hyp), { mt: 1, pt: 1, ml: 1, fm: 0 }, '4/5 tracked is MT, 2/5 PT, 0/5 ML; no fragment after the last tracked frame');
});

test('IDF1 uses one global id assignment', (t) => {
  // Two objects, one tracker id that follows object 1 for 3 frames, then object 2 for 1 frame.
  const gt = [1, 2, 3, 4].flatMap((f) => [row(f, 1, at(0)), row(f, 2, at(50))]);
  const hyp = [row(1, 1, at(0)), row(2, 1, at(0)), row(3, 1, at(0)), row(4, 1, at(50))];
  const m = evaluateMot(gt, hyp);
  t.is(m.idtp, 3, 'the id counts only for the object it follows longest');
  t.is(m.idf1, (2 * 3) / (8 + 4), 'IDF1');
  t.is(m.idsw, 0, 'object 2 was never matched before, so taking the id is no switch');
});

test('MOT text: parse, ignore consider = 0, and format rows', (t) => {
  const rows = parseMotText('1,3,10,20,30,40,1,-1,-1,-1\n2,3,11,20,30,40,0,-1,-1,-1\n\n', 'gt.txt');
  t.deepEqual(rows[0], { frame: 1, id: 3, box: [10, 20, 40, 60], score: 1 }, 'left/top/width/height to corners');
  t.is(consideredGroundTruth(rows).length, 1, 'consider = 0 rows are left out');
  t.is(formatMotRow(5, 2, [10.123, 20, 40, 60.5], 0.87654), '5,2,10.12,20,29.88,40.5,0.8765,-1,-1,-1', 'a row as written by --mot');
  t.throws(() => parseMotText('1,2,x', 'bad.txt'), { message: /^bad\.txt:1: expected frame,id/ }, 'a bad line names the file and line');
});

const TUD = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'tracking', 'TUD-Campus');

test('reproduces the MOTChallenge devkit on the published CEM result for TUD-Campus', (t) => {
  if (!existsSync(join(TUD, 'cem_result.txt'))) {
    t.log(`SKIPPED: ${TUD} is not there (the tracking sequences are not part of the project)`);
    t.pass('nothing to compare without the sequence');
    return;
  }
  const m = evaluateMot(consideredGroundTruth(readMotFile(join(TUD, 'gt', 'gt.txt'))), readMotFile(join(TUD, 'cem_result.txt')));
  const near = (name: keyof typeof m, want: number) => t.true(Math.abs(m[name] - want) < 1e-3, `${name} ${m[name]} vs the devkit's ${want}`);
  near('mota', 0.5265);
  near('motp', 0.7228);
  near('idf1', 0.5577);
  t.like(m, { fp: 13, fn: 150, idsw: 7, fm: 7, mt: 1, pt: 6, ml: 1 }, 'counts as the devkit gives them');
});
