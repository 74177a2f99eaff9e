/**
 * `npm run bench [-- --only model,daemon] [--scenarios idle,hog,static] [--quick]`
 *
 * Phase 1 (issue 3): bare model inferences/s per runtime and thread count, and
 * the daemon's end-to-end inferred fps on one camera with its ratio to the
 * bare model. Phase 2 (issue 5): idle 1/2/4 cameras, CPU hog, static scene.
 * Prints a table and writes bench/results/<timestamp>.json (+ a PNG plot per
 * timed scenario). Results are not committed: quote them in the README with
 * the `machine` block they were measured on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, UsageError, type Part } from './lib/args.js';
import { shippedDetector, variantName, variants, ROOT } from './lib/models.js';
import { fmt } from './lib/stats.js';
import { machineInfo } from './lib/system.js';
import { benchDaemon, type DaemonResult } from './daemon-bench.js';
import { runModelBench, type ModelResult } from './model-bench.js';
import { printScenarios, runScenarios, type ScenarioResults } from './scenarios.js';

const log = (line: string) => console.error(line);

const short = (text: string) => text.split('\n')[0]!.slice(0, 70);

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
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
    // Every real model at the daemon's default threads (2 for onnx), plus the floor network on onnx.
    const chosen = variants().filter((v) => (v.threads === null || v.threads === shipped.threads || (v.runtime === 'onnx' && v.threads === 2))
      && (!args.quick || v.floor || (v.model === shipped.model && v.runtime === shipped.runtime))
      && (!v.floor || v.runtime === 'onnx'));
    for (const v of chosen) {
      log(`daemon: ${variantName(v)} ...`);
      const bare = models.find((m) => m.name === variantName(v) && !m.error);
      try {
        daemon.push(await benchDaemon(v, bare, args.quick, log));
      } catch (err) {
        log(`  failed: ${(err as Error).message}`);
        daemon.push({ name: variantName(v), model: v.model, runtime: v.runtime, threads: v.threads, feed_fps: 0, bare_inferences_per_s: bare?.inferences_per_s ?? null,
          daemon_inferred_fps: null, ratio: null, daemon_cpu_pct: null, rss_mb_max: null, inference_ms_mean: null, skipped_busy_fps: null, window_s: 0,
          settings_not_in_schema: [], error: (err as Error).message });
      }
    }
    result.daemon = daemon;
  }
  if (has('idle') || has('hog') || has('static')) {
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
      daemon.map((d) => [d.model, d.runtime === 'onnx' ? `onnx ${d.threads}T` : 'tfjs', String(d.feed_fps), fmt(d.bare_inferences_per_s, 2),
        d.error ? `error: ${short(d.error)}` : fmt(d.daemon_inferred_fps, 2), fmt(d.ratio, 3), fmt(d.daemon_cpu_pct), fmt(d.rss_mb_max), fmt(d.skipped_busy_fps)])));
  }
  if (scenarios) printScenarios(scenarios, table);
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
