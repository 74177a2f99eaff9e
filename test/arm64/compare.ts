/**
 * Compares the `lookout detect --json` lines of an x64 run (the reference)
 * with an arm64 run: the same files and frames, and per frame the same
 * objects: the same labels, every box edge within BOX_TOLERANCE_PX and every
 * score within SCORE_TOLERANCE. Objects are paired greedily in the
 * reference's order, so two near-equal scores listed in swapped order still
 * pair up.
 */
import type { DetectLine } from '../../src/detector/detect-command.js';

export const BOX_TOLERANCE_PX = 0.5;
/** Scores are printed rounded to 4 decimals, so two values within 1e-4 print at most 1e-4 apart. */
export const SCORE_TOLERANCE = 1e-4;
const EPS = 1e-9; // the printed values are decimal; keep 0.1 + 0.2 from failing a 0.3 bound

/** The JSON line `lookout detect --json` prints: the CLI's own type, so the two cannot drift. */
export type { DetectLine };
export type DetectObject = DetectLine['objects'][number];

export interface Comparison {
  ok: boolean;
  problems: string[];
  frames: number;
  objects: number;
  maxBoxDiff: number;
  maxScoreDiff: number;
}

export function parseDetectOutput(stdout: string): DetectLine[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DetectLine);
}

const boxDiff = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

export function compareDetections(reference: DetectLine[], actual: DetectLine[]): Comparison {
  const problems: string[] = [];
  let objects = 0;
  let maxBoxDiff = 0;
  let maxScoreDiff = 0;
  if (reference.length !== actual.length) problems.push(`x64 printed ${reference.length} frame line(s), arm64 ${actual.length}`);
  const n = Math.min(reference.length, actual.length);
  for (let i = 0; i < n; i++) {
    const ref = reference[i]!;
    const got = actual[i]!;
    const where = `${ref.file}#${ref.frame}`;
    if (ref.file !== got.file || ref.frame !== got.frame) {
      problems.push(`line ${i}: x64 has ${where}, arm64 has ${got.file}#${got.frame}`);
      continue;
    }
    if (ref.width !== got.width || ref.height !== got.height) problems.push(`${where}: size ${ref.width}x${ref.height} on x64, ${got.width}x${got.height} on arm64`);
    if (ref.objects.length !== got.objects.length) problems.push(`${where}: ${ref.objects.length} object(s) on x64, ${got.objects.length} on arm64`);
    const unused = new Set(got.objects.map((_, j) => j));
    for (const want of ref.objects) {
      objects++;
      let best: { j: number; box: number; score: number } | null = null;
      for (const j of unused) {
        const o = got.objects[j]!;
        if (o.label !== want.label || o.class_id !== want.class_id) continue;
        const d = { j, box: boxDiff(want.box, o.box), score: Math.abs(want.score - o.score) };
        if (best === null || d.box + d.score < best.box + best.score) best = d;
      }
      if (best === null) {
        problems.push(`${where}: x64's ${want.label} ${want.score} [${want.box.join(', ')}] has no ${want.label} on arm64`);
        continue;
      }
      unused.delete(best.j);
      maxBoxDiff = Math.max(maxBoxDiff, best.box);
      maxScoreDiff = Math.max(maxScoreDiff, best.score);
      const o = got.objects[best.j]!;
      if (best.box > BOX_TOLERANCE_PX + EPS || best.score > SCORE_TOLERANCE + EPS) {
        problems.push(`${where}: ${want.label} x64 ${want.score} [${want.box.join(', ')}] vs arm64 ${o.score} [${o.box.join(', ')}]`);
      }
    }
    for (const j of unused) {
      const o = got.objects[j]!;
      problems.push(`${where}: arm64's ${o.label} ${o.score} [${o.box.join(', ')}] is not in the x64 output`);
    }
  }
  return { ok: problems.length === 0, problems, frames: reference.length, objects, maxBoxDiff, maxScoreDiff };
}
