/**
 * Check 1: `lookout detect --json` gives the same detections on arm64 (QEMU)
 * as on x64, per model and runtime: onnxruntime-node with the package's
 * linux/arm64 binary, and tfjs on its wasm backend.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compareDetections, parseDetectOutput, type DetectLine } from './compare.js';
import { runNode, type Arch } from './emulator.js';
import { SQUARE_BOX } from './inputs.js';
import type { CheckResult, Context } from './context.js';

export interface ParityCase {
  /** Shown in the summary, e.g. 'models/mb3-centernet'. */
  model: string;
  dir: string;
  runtime: 'onnx' | 'tfjs';
  inputs: string[];
  /** When set, the square picture must give exactly this one object on x64. */
  expectSquare?: { file: string; label: string };
  /**
   * Thresholds to try on x64, highest first: the first at which the x64 run
   * finds objects is used on both sides, so that a model that scores low on
   * the demo frames is still compared on boxes rather than on empty lists.
   * Undefined = the default threshold only.
   */
  minScores?: number[];
  timeoutMs: number;
}

/** For shipped models: the CLI's default, then lower. */
export const SHIPPED_MIN_SCORES = [0.4, 0.1, 0.01, 0.001];

/** Cases for the model directories under models/: onnx where model.onnx is, tfjs where model.json is. */
export function shippedCases(root: string, inputs: { full: string[]; small: string[] }): ParityCase[] {
  const modelsDir = path.join(root, 'models');
  const cases: ParityCase[] = [];
  const dirs = fs.existsSync(modelsDir) ? fs.readdirSync(modelsDir).sort() : [];
  for (const name of dirs) {
    const dir = path.join(modelsDir, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const model = `models/${name}`;
    // A real model costs seconds per frame emulated (30-100x native), so shipped
    // models get one still and one clip frame each; the image and video paths
    // are both covered, and the cheap generated networks take the longer list.
    const common = { model, dir, inputs: inputs.small, minScores: SHIPPED_MIN_SCORES, timeoutMs: 300_000 };
    if (fs.existsSync(path.join(dir, 'model.onnx'))) cases.push({ ...common, runtime: 'onnx' });
    if (fs.existsSync(path.join(dir, 'model.json'))) cases.push({ ...common, runtime: 'tfjs' });
  }
  return cases;
}

function detectArgs(ctx: Context, c: ParityCase, minScore: number | null): string[] {
  // --threads 2 for onnx: the intra-op thread pool runs on ARM too; tfjs-wasm is single-threaded in Node anyway.
  return [
    ...ctx.nodeFlags, ctx.cli, 'detect', '--json', '--model', c.dir, '--runtime', c.runtime,
    ...(c.runtime === 'onnx' ? ['--threads', '2'] : []),
    ...(minScore === null ? [] : ['--min-score', String(minScore)]),
    ...c.inputs,
  ];
}

async function detect(ctx: Context, arch: Arch, c: ParityCase, minScore: number | null): Promise<{ lines: DetectLine[]; ms: number }> {
  const r = await runNode(arch, ctx.emu, detectArgs(ctx, c, minScore), c.timeoutMs);
  if (r.code !== 0) {
    const why = r.signal === 'SIGKILL' ? `killed after ${c.timeoutMs} ms` : `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}`;
    throw new Error(`${arch} lookout detect: ${why}: ${r.stderr.trim().slice(-800)}`);
  }
  return { lines: parseDetectOutput(r.stdout), ms: r.ms };
}

const meanInference = (lines: DetectLine[]) => lines.reduce((a, l) => a + l.inference_ms, 0) / Math.max(1, lines.length);

export interface ParityFigures {
  label: string;
  x64Ms: number;
  arm64Ms: number;
}

export async function checkParity(ctx: Context, c: ParityCase, figures: ParityFigures[]): Promise<CheckResult> {
  const name = `detect parity ${c.runtime} ${c.model}`;
  const count = (lines: DetectLine[]) => lines.reduce((a, l) => a + l.objects.length, 0);
  let minScore: number | null = null;
  let x64 = await detect(ctx, 'x64', c, null);
  for (const m of c.minScores ?? []) {
    if (count(x64.lines) > 0) break;
    minScore = m;
    x64 = await detect(ctx, 'x64', c, m);
  }
  const problems: string[] = [];
  if (count(x64.lines) === 0) {
    const tried = c.minScores ? ` even at --min-score ${c.minScores[c.minScores.length - 1]}` : '';
    problems.push(`the x64 run found no objects${tried} on the demo frames, so there is nothing to compare (is the model trained?)`);
  }
  if (c.expectSquare) {
    const line = x64.lines.find((l) => l.file === c.expectSquare!.file);
    const objs = line?.objects ?? [];
    const ok = objs.length === 1 && objs[0]!.label === c.expectSquare.label && objs[0]!.box.every((v, i) => Math.abs(v - SQUARE_BOX[i]!) <= 1);
    if (!ok) problems.push(`x64 on the square picture: expected one ${c.expectSquare.label} at [${SQUARE_BOX.join(', ')}] ±1, got ${JSON.stringify(objs)}`);
  }
  const arm = await detect(ctx, 'arm64', c, minScore);
  const cmp = compareDetections(x64.lines, arm.lines);
  problems.push(...cmp.problems);
  const x64Ms = meanInference(x64.lines);
  const arm64Ms = meanInference(arm.lines);
  figures.push({ label: `${c.runtime} ${c.model}`, x64Ms, arm64Ms });
  const detail =
    `${cmp.frames} frame(s), ${cmp.objects} object(s)${minScore === null ? '' : ` at --min-score ${minScore}`}; max |Δbox| ${cmp.maxBoxDiff.toFixed(3)} px, max |Δscore| ${cmp.maxScoreDiff.toFixed(5)}; ` +
    `inference x64 ${x64Ms.toFixed(1)} ms, arm64 emulated ${arm64Ms.toFixed(0)} ms (${(arm64Ms / Math.max(x64Ms, 0.01)).toFixed(0)}x); ` +
    `process wall x64 ${(x64.ms / 1000).toFixed(1)} s, arm64 ${(arm.ms / 1000).toFixed(1)} s`;
  return { name, ok: problems.length === 0, detail, problems };
}
