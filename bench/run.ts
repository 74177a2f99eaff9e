/**
 * `npm run bench [-- --only model,daemon] [--scenarios idle,hog,static] [--quick]`
 *
 * Phase 1: bare model inferences/s per runtime and thread count, and
 * the daemon's end-to-end inferred fps on one camera with its ratio to the
 * bare model. Phase 2: idle 1/2/4 cameras, CPU hog, static scene.
 * Prints a table and writes bench/results/<timestamp>.json (+ a PNG plot per
 * timed scenario). Results are not committed: quote them in the README with
 * the `machine` block they were measured on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, UsageError, type Part } from './lib/args.js';
import { resolveThreads } from '../src/detector/runtimes/threads.js';
import { shippedDetector, variantName, variants, ROOT, type Variant } from './lib/models.js';
import { detectSpeed, type DetectSpeedResult } from './detect-speed.js';
import { runTrackerBench, type TrackerBenchResult } from './tracker-bench.js';
import { fmt } from './lib/stats.js';
import { machineInfo } from './lib/system.js';
import { benchDaemon, type DaemonResult } from './daemon-bench.js';
import { runModelBench, type ModelResult } from './model-bench.js';
import { printScenarios, runScenarios, type ScenarioResults } from './scenarios.js';

const log = (line: string) => console.error(line);

const short = (text: string) => text.split('\n')[0]!.slice(0, 70);

/** A Markdown table, padded so it also reads in a terminal: the output pastes into docs/benchmarks.md as is. */
function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.replace(/\|/g, '/').padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 64;
    }
    throw err;
  }
  const has = (p: Part) => args.parts.has(p);
  const started = new Date();
  const stamp = started.toISOString().replace(/[:]/g, '-').replace(/\..*/, '');
  const outDir = path.resolve(args.outDir ?? path.join(ROOT, 'bench/results'));
  fs.mkdirSync(outDir, { recursive: true });
  const machine = machineInfo();
  log(`bench: ${machine.cpu_model}, ${machine.cores} cores, node ${machine.node}, load ${machine.loadavg_start.join(' ')}`);
  if (machine.busy_processes_start.length > 0) log(`bench: other busy processes: ${machine.busy_processes_start.join('; ')} -- figures will be noisy`);

  const result: Record<string, unknown> = { started_at: started.toISOString(), args: { parts: [...args.parts], quick: args.quick, cameras: args.cameras }, machine };
  let models: ModelResult[] = [];
  let daemon: DaemonResult[] = [];
  let scenarios: ScenarioResults | null = null;

  if (has('model')) {
    models = await runModelBench(args.quick, log);
    result.model = models;
  }
  if (has('daemon')) {
    const shipped = shippedDetector();
    // detector.threads "auto" on this machine, for one camera (what the daemon part runs).
    const auto = resolveThreads('auto', 1);
    // The shipped model at threads 1, 2 and "auto" (the default); every other real model and the
    // floor network (onnx) at "auto"; tfjs has no thread setting.
    const chosen: Array<{ v: Variant; setting: number | 'auto' | null }> = [];
    for (const v of variants()) {
      if (v.floor && v.runtime !== 'onnx') continue;
      const isShipped = v.model === shipped.model && v.runtime === shipped.runtime;
      if (args.quick && !v.floor && !isShipped) continue;
      if (v.runtime === 'tfjs') chosen.push({ v, setting: null });
      else if (isShipped) {
        if (v.threads === 1 || v.threads === 2) chosen.push({ v, setting: v.threads });
        if (v.threads === auto) chosen.push({ v, setting: 'auto' });
      } else if (v.threads === auto) chosen.push({ v, setting: 'auto' });
    }
    for (const { v, setting } of chosen) {
      log(`daemon: ${variantName(v)}${setting === 'auto' ? ' (threads auto)' : ''} ...`);
      const bare = models.find((m) => m.name === variantName(v) && !m.error);
      try {
        daemon.push(await benchDaemon(v, bare, args.quick, log, setting));
      } catch (err) {
        log(`  failed: ${(err as Error).message}`);
        daemon.push({ name: variantName(v), model: v.model, runtime: v.runtime, threads: v.threads, threads_setting: setting, feed_fps: 0, bare_inferences_per_s: bare?.inferences_per_s ?? null,
          daemon_inferred_fps: null, ratio: null, daemon_cpu_pct: null, rss_mb_max: null, inference_ms_mean: null, skipped_busy_fps: null, window_s: 0,
          settings_not_in_schema: [], error: (err as Error).message });
      }
    }
    result.daemon = daemon;
  }
  let detect: DetectSpeedResult | null = null;
  if (has('detect')) {
    log('detect: 50 photos, baseline vs current ...');
    detect = await detectSpeed(args.quick, log);
    result.detect = detect;
  }
  let tracker: TrackerBenchResult | null = null;
  if (has('tracker')) {
    tracker = await runTrackerBench(args.quick, log);
    result.tracker = tracker;
  }
  if (has('idle') || has('hog') || has('static') || has('enter')) {
    scenarios = await runScenarios(args, outDir, stamp, log);
    result.scenarios = scenarios;
  }
  result.loadavg_end = (await import('node:os')).loadavg().map((v) => Math.round(v * 100) / 100);
  result.finished_at = new Date().toISOString();

  const file = path.join(outDir, `${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  console.log(`\nlookout bench, ${started.toISOString()} on ${machine.cpu_model} (${machine.cores} cores), node ${machine.node}, load average at start ${machine.loadavg_start.join(' ')}`);
  if (models.length > 0) {
    console.log('\nBare model (real letterboxed frames of config/demo/vtest.mp4; run() only)');
    console.log(table(['model', 'runtime', 'backend', 'input', 'runs', 'median ms', 'p95 ms', 'inferences/s'],
      models.map((m) => [m.model + (m.floor ? ' (floor)' : ''), m.runtime === 'onnx' ? `onnx ${m.threads}T` : 'tfjs', m.backend ?? (m.error ? `error: ${short(m.error)}` : '—'),
        m.input ?? '—', String(m.runs), fmt(m.median_ms, 2), fmt(m.p95_ms, 2), fmt(m.inferences_per_s, 2)])));
  }
  if (daemon.length > 0) {
    console.log('\nDaemon end to end, one camera fed faster than the model (target ratio >= 0.9)');
    console.log(table(['model', 'runtime', 'feed fps', 'bare inf/s', 'daemon inf/s', 'ratio', 'cpu %', 'rss MB', 'busy-skipped/s'],
      daemon.map((d) => [d.model, d.runtime === 'onnx' ? (d.threads_setting === 'auto' ? `onnx auto (${d.threads}T)` : `onnx ${d.threads}T`) : 'tfjs', String(d.feed_fps), fmt(d.bare_inferences_per_s, 2),
        d.error ? `error: ${short(d.error)}` : fmt(d.daemon_inferred_fps, 2), fmt(d.ratio, 3), fmt(d.daemon_cpu_pct), fmt(d.rss_mb_max), fmt(d.skipped_busy_fps)])));
  }
  if (scenarios) printScenarios(scenarios, table);
  if (tracker) {
    console.log(`\nTracker (camera output: tracker + events + counts) at ${tracker.objects} objects, ${tracker.detections_per_frame} detections per frame; target <= 2% of one inference`);
    console.log(table(['tracker ms/frame', 'p95 ms', 'model', 'inference ms (median)', 'tracker / inference'], [
      [fmt(tracker.tracker_ms_mean, 3), fmt(tracker.tracker_ms_p95, 3), tracker.model, fmt(tracker.inference_ms_median, 2), `${fmt(tracker.ratio_pct, 2)}% (${tracker.ok === null ? 'not measured' : tracker.ok ? 'ok' : 'MISS'})`],
    ]));
  }
  if (detect) {
    console.log(`\nlookout detect on ${detect.photos} photos (768x576 JPEG frames of the demo clip), --threads 1, baseline ${detect.baseline} (one ffprobe + one ffmpeg per photo); target current <= 0.25 x baseline`);
    if (detect.error) console.log(`error: ${detect.error}`);
    else console.log(table(['code', 'runs (s)', 'median s', 'per photo ms'], [
      [`baseline ${detect.baseline}`, detect.baseline_s.join(' / '), fmt(detect.baseline_median_s, 2), fmt(detect.per_photo_ms.baseline, 1)],
      ['current', detect.current_s.join(' / '), fmt(detect.current_median_s, 2), fmt(detect.per_photo_ms.current, 1)],
    ]) + `\nratio current/baseline ${fmt(detect.ratio, 3)} (${detect.ratio !== null && detect.ratio <= 0.25 ? 'ok' : 'MISS'}); same lines (boxes, scores, sizes): ${detect.same_output ? 'yes' : 'NO'}`);
  }
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
