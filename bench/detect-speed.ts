/**
 * `npm run bench -- --only detect`: `lookout detect` on 50 photos (JPEG frames
 * of the demo clip), today's code against a baseline commit in the same run.
 * The baseline (default: the last commit that started one ffprobe and one
 * ffmpeg per photo) is exported with `git archive` into a temp directory and
 * run from source like today's code (both through tsx, so both pay the same
 * start-up), with the same model, --threads 1 and --json. Runs alternate
 * (baseline, current, baseline, current, ...) so that load drifts hit both.
 * Also checks that both print the same lines (file, size, boxes, scores).
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_CLIP, ROOT, shippedDetector } from './lib/models.js';
import { median, round } from './lib/stats.js';

const run = promisify(execFile);

/** The last commit whose `lookout detect` read every photo with its own ffprobe + ffmpeg. */
export const DETECT_BASELINE = 'bef3b36';
export const PHOTOS = 50;

export interface DetectSpeedResult {
  photos: number;
  baseline: string;
  runs_each: number;
  baseline_s: number[];
  current_s: number[];
  baseline_median_s: number | null;
  current_median_s: number | null;
  /** current / baseline (target <= 0.25). */
  ratio: number | null;
  per_photo_ms: { baseline: number | null; current: number | null };
  same_output: boolean | null;
  error?: string;
}


async function timeDetect(cli: string, cwd: string, args: string[]): Promise<{ seconds: number; lines: string[] }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'detect', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`${cli} detect exited ${code}: ${err.trim().slice(-500)}`);
  return { seconds, lines: out.trim().split('\n') };
}

/** A line without its timing, for comparing outputs. */
const comparable = (line: string) => {
  const l = JSON.parse(line) as Record<string, unknown>;
  delete l.inference_ms;
  return JSON.stringify(l);
};

export async function detectSpeed(quick: boolean, log: (line: string) => void, baseline = DETECT_BASELINE): Promise<DetectSpeedResult> {
  const runs = quick ? 1 : 3;
  const result: DetectSpeedResult = { photos: PHOTOS, baseline, runs_each: runs, baseline_s: [], current_s: [], baseline_median_s: null, current_median_s: null, ratio: null, per_photo_ms: { baseline: null, current: null }, same_output: null };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-detect-'));
  try {
    const photos = path.join(tmp, 'photos');
    fs.mkdirSync(photos);
    // Every 15th frame of the clip: 50 different scenes of people walking, 768x576 JPEG.
    await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', DEMO_CLIP, '-vf', 'select=not(mod(n\\,15))', '-vsync', 'passthrough', '-frames:v', String(PHOTOS), '-q:v', '3', path.join(photos, 'p%03d.jpg')]);
    const files = fs.readdirSync(photos).sort().map((f) => path.join(photos, f));
    if (files.length !== PHOTOS) throw new Error(`expected ${PHOTOS} photos from the demo clip, got ${files.length}`);

    const old = path.join(tmp, 'baseline');
    fs.mkdirSync(old);
    try {
      await run('sh', ['-c', `git -C "${ROOT}" archive "${baseline}" src package.json | tar -x -C "${old}"`]);
    } catch (err) {
      throw new Error(`cannot export baseline ${baseline} with git archive (a clone without that commit?): ${(err as Error).message.split('\n')[0]}`);
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(old, 'node_modules'));
    const args = [...files, '--model', shippedDetector().dir, '--runtime', 'onnx', '--threads', '1', '--json', '--config', path.join(tmp, 'none.json')];
    let baseLines: string[] = [];
    let curLines: string[] = [];
    for (let i = 0; i < runs; i++) {
      const b = await timeDetect(path.join(old, 'src/cli.ts'), old, args);
      result.baseline_s.push(round(b.seconds, 2)!);
      baseLines = b.lines;
      const c = await timeDetect(path.join(ROOT, 'src/cli.ts'), ROOT, args);
      result.current_s.push(round(c.seconds, 2)!);
      curLines = c.lines;
      log(`  detect ${PHOTOS} photos: baseline ${b.seconds.toFixed(2)} s, current ${c.seconds.toFixed(2)} s`);
    }
    result.baseline_median_s = round(median(result.baseline_s), 2);
    result.current_median_s = round(median(result.current_s), 2);
    result.ratio = result.baseline_median_s && result.current_median_s !== null ? round(result.current_median_s / result.baseline_median_s, 3) : null;
    result.per_photo_ms = {
      baseline: result.baseline_median_s === null ? null : round((1000 * result.baseline_median_s) / PHOTOS, 1),
      current: result.current_median_s === null ? null : round((1000 * result.current_median_s) / PHOTOS, 1),
    };
    result.same_output = baseLines.length === curLines.length && baseLines.every((l, i) => comparable(l) === comparable(curLines[i]!));
  } catch (err) {
    result.error = (err as Error).message;
    log(`  detect speed failed: ${result.error}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return result;
}
