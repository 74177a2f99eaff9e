/**
 * `npm run eval:track [-- DATA_DIR] [--model NAME|DIR] [--config PATH] [--out FILE]`
 * Runs every MOTChallenge sequence under DATA_DIR (folders with img1/,
 * gt/gt.txt and seqinfo.ini) through `lookout track`'s path (TrackSession:
 * the daemon's detector, camera filters and tracker) with the configured
 * camera's settings, at every frame and at the camera's detect.fps, and
 * scores the person tracks:
 * - CLEAR-MOT and IDF1 (clear-mot.ts) on the inferred frames;
 * - count accuracy: the share of inferred frames whose published `person`
 *   count is within +-1 of the ground-truth people in view, and the mean
 *   absolute count error;
 * - `new` person events against the ground-truth tracks.
 * A sequence that carries a published tracker result (cem_result.txt) also
 * checks the evaluator against the devkit's published figures first.
 * Prints a markdown report and writes it to --out (default
 * bench/results/track-eval.md).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadAll } from '../cli/load-config.js';
import { trackInput } from '../cli/track.js';
import { resolveModelDir } from '../config/load-daemon.js';
import { getRuntime } from '../detector/runtimes/registry.js';
import { resolveThreads } from '../detector/runtimes/threads.js';
import { createLogger } from '../logger.js';
import { packageRoot } from '../package-root.js';
import { openInputs } from '../tracker/frame-source.js';
import { TrackSession } from '../tracker/track-session.js';
import { evaluateMot, type MotMetrics } from './clear-mot.js';
import { consideredGroundTruth, parseMotText, readMotFile, type MotRow } from './mot-file.js';

/** The devkit's figures for the CEM result on TUD-Campus (the data folder's README). */
export const CEM_DEVKIT = { mota: 0.5265, motp: 0.7228, idf1: 0.5577, fp: 13, fn: 150, idsw: 7, fm: 7, mt: 1, pt: 6, ml: 1 };

export interface RunFigures {
  sequence: string;
  fps: number;
  frames: number;
  metrics: MotMetrics;
  count_within_1: number;
  count_mae: number;
  mean_count: number;
  mean_gt: number;
  new_events: number;
  gt_tracks: number;
  idsw_per_track: number;
}

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { model: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' }, camera: { type: 'string' } },
  });
  const dataDir = resolve(positionals[0] ?? join(packageRoot, '..', 'shared', 'tracking'));
  if (!existsSync(dataDir)) {
    process.stderr.write(`eval:track: ${dataDir}: no such folder; pass a folder of MOTChallenge sequences\n`);
    process.exit(66);
  }
  const configFile = resolve(values.config ?? join(packageRoot, 'config', 'lookout.json'));
  const loaded = loadAll(configFile, process.env);
  const entry = loaded.cameras.find((c) => (values.camera ? c.name === values.camera : c.config !== null));
  if (!entry?.config) throw new Error(`${loaded.camerasDir}: no usable camera${values.camera ? ` '${values.camera}'` : ''}`);
  const camera = entry.config;
  const modelDir = values.model ? resolveModelDir(values.model, process.cwd()) : loaded.config.detector.model;
  const logger = createLogger('warn', pino.destination({ fd: 2, sync: true }));

  const report: string[] = [];
  const sequences = readdirSync(dataDir).filter((d) => existsSync(join(dataDir, d, 'gt', 'gt.txt')) && existsSync(join(dataDir, d, 'img1'))).sort();
  const validation = validateOnCem(dataDir, sequences);
  const runs: RunFigures[] = [];
  for (const sequence of sequences) {
    const gt = consideredGroundTruth(readMotFile(join(dataDir, sequence, 'gt', 'gt.txt')));
    for (const fps of [0, camera.detect.fps]) {
      const session = new TrackSession({
        camera: entry.name,
        file: entry.file,
        filter: { ...camera.detect, labels: ['person'] },
        tracker: camera.tracker,
        runtime: getRuntime(loaded.config.detector.runtime),
        modelDir,
        threads: resolveThreads(loaded.config.detector.threads, 1),
        iou: loaded.config.detector.iou,
        maxDet: loaded.config.detector.max_det,
        agnostic: loaded.config.detector.agnostic_nms,
        logger,
      });
      await session.start();
      try {
        const [input] = await openInputs([join(dataDir, sequence, 'img1')], null);
        const result = await trackInput(session, input!, fps, ['person']);
        const figures = score(sequence, fps, gt, result.lines, parseMotText(result.mot.join('\n'), 'track output'));
        runs.push(figures);
        process.stderr.write(`${sequence} @ ${fps === 0 ? 'every frame' : `${fps} fps`}: MOTA ${round(figures.metrics.mota)} IDF1 ${round(figures.metrics.idf1)} IDsw ${figures.metrics.idsw} count+-1 ${round(figures.count_within_1)} MAE ${round(figures.count_mae)} new ${figures.new_events}/${figures.gt_tracks}\n`);
      } finally {
        await session.stop();
      }
    }
  }

  report.push(`# Tracker evaluation`, '', `Model: ${modelDir.split(/[\\/]/).pop()}; camera settings: ${entry.file} (detect.fps ${camera.detect.fps}, detect.min_score ${camera.detect.min_score}, tracker ${JSON.stringify(camera.tracker)}).`, '');
  report.push(...validation.lines, '');
  report.push('| sequence | fps | frames | MOTA | IDF1 | MOTP | FP | FN | IDsw | IDsw/GT track | MT/PT/ML | count within ±1 | count MAE | mean count / GT | new events / GT tracks |');
  report.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    const m = r.metrics;
    report.push(
      `| ${r.sequence} | ${r.fps === 0 ? 'all' : r.fps} | ${r.frames} | ${round(m.mota)} | ${round(m.idf1)} | ${round(m.motp)} | ${m.fp} | ${m.fn} | ${m.idsw} | ${round(r.idsw_per_track, 2)} | ${m.mt}/${m.pt}/${m.ml} | ${round(r.count_within_1 * 100, 1)}% | ${round(r.count_mae, 2)} | ${round(r.mean_count, 2)} / ${round(r.mean_gt, 2)} | ${r.new_events} / ${r.gt_tracks} (${round(r.new_events / r.gt_tracks, 2)}x) |`,
    );
  }
  const text = `${report.join('\n')}\n`;
  process.stdout.write(text);
  const out = resolve(values.out ?? join(packageRoot, 'bench', 'results', 'track-eval.md'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  writeFileSync(out.replace(/\.md$/, '.json'), `${JSON.stringify({ model: modelDir, validation: validation.metrics, runs }, null, 2)}\n`);
  process.stderr.write(`written: ${out}\n`);
  if (!validation.ok) process.exitCode = 1;
}

function validateOnCem(dataDir: string, sequences: string[]): { ok: boolean; lines: string[]; metrics: MotMetrics | null } {
  const seq = sequences.find((s) => existsSync(join(dataDir, s, 'cem_result.txt')));
  if (!seq) return { ok: true, lines: ['Evaluator check: no published tracker result (cem_result.txt) in the data folder.'], metrics: null };
  const m = evaluateMot(consideredGroundTruth(readMotFile(join(dataDir, seq, 'gt', 'gt.txt'))), readMotFile(join(dataDir, seq, 'cem_result.txt')));
  const ok =
    Math.abs(m.mota - CEM_DEVKIT.mota) < 1e-3 && Math.abs(m.motp - CEM_DEVKIT.motp) < 1e-3 && Math.abs(m.idf1 - CEM_DEVKIT.idf1) < 1e-3 &&
    m.fp === CEM_DEVKIT.fp && m.fn === CEM_DEVKIT.fn && m.idsw === CEM_DEVKIT.idsw && m.fm === CEM_DEVKIT.fm && m.mt === CEM_DEVKIT.mt && m.pt === CEM_DEVKIT.pt && m.ml === CEM_DEVKIT.ml;
  return {
    ok,
    metrics: m,
    lines: [
      `Evaluator check on ${seq}'s published CEM result: MOTA ${round(m.mota, 4)}, MOTP ${round(m.motp, 4)}, IDF1 ${round(m.idf1, 4)}, FP ${m.fp}, FN ${m.fn}, IDsw ${m.idsw}, FM ${m.fm}, MT/PT/ML ${m.mt}/${m.pt}/${m.ml}: ` +
        (ok ? 'matches the devkit.' : `DIFFERS from the devkit (${JSON.stringify(CEM_DEVKIT)}).`),
    ],
  };
}

/** Scores one run on the inferred frames only. */
export function score(
  sequence: string,
  fps: number,
  gtAll: readonly MotRow[],
  lines: ReadonlyArray<{ frame: number; counts: Record<string, number>; events: ReadonlyArray<{ type: string; label: string }> }>,
  hyp: readonly MotRow[],
): RunFigures {
  const inferred = new Set(lines.map((l) => l.frame));
  const gt = gtAll.filter((r) => inferred.has(r.frame));
  const gtPerFrame = new Map<number, number>();
  for (const r of gt) gtPerFrame.set(r.frame, (gtPerFrame.get(r.frame) ?? 0) + 1);
  let within = 0;
  let absErr = 0;
  let counted = 0;
  let truth = 0;
  for (const l of lines) {
    const n = l.counts['person'] ?? 0;
    const g = gtPerFrame.get(l.frame) ?? 0;
    if (Math.abs(n - g) <= 1) within++;
    absErr += Math.abs(n - g);
    counted += n;
    truth += g;
  }
  const metrics = evaluateMot(gt, hyp);
  const newEvents = lines.reduce((s, l) => s + l.events.filter((e) => e.type === 'new' && e.label === 'person').length, 0);
  return {
    sequence,
    fps,
    frames: lines.length,
    metrics,
    count_within_1: lines.length ? within / lines.length : 0,
    count_mae: lines.length ? absErr / lines.length : 0,
    mean_count: lines.length ? counted / lines.length : 0,
    mean_gt: lines.length ? truth / lines.length : 0,
    new_events: newEvents,
    gt_tracks: metrics.gt_tracks,
    idsw_per_track: metrics.gt_tracks ? metrics.idsw / metrics.gt_tracks : 0,
  };
}

if (process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '.js') === resolve(import.meta.filename).replace(/\.ts$/, '.js')) {
  main().catch((error: Error) => {
    process.stderr.write(`eval:track: ${error.message}\n`);
    process.exit(1);
  });
}
