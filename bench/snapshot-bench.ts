/**
 * What snapshots, the live page and MQTT snapshots cost (run on its own:
 * `npm run build && node --import tsx bench/snapshot-bench.ts [--quick] [--only encode,fps,rss] [--out DIR]`):
 *  - encode: one 768x576 demo frame (ffmpeg's MJPEG, as the daemon gets it)
 *    rendered with 8 boxes, labels and scores by renderJpeg; median and p95
 *    wall ms and CPU ms per picture over 200 runs (target: <= 15 ms), with
 *    the tag cache emptied before each run (cold: every label set anew) and
 *    kept (warm: the same labels and scores again);
 *  - fps: the built daemon, one camera (the demo clip as a file camera at its
 *    10 fps, detect.fps 10, scheduler and motion gating off, so inference runs
 *    flat out), inferred fps over a window with snapshot.enabled false and no
 *    viewer (A) against snapshots on, snapshot.mqtt on and a "page" (a client
 *    doing what web/app.js does: latest.jpg at the inferred rate, /status every
 *    2 s, /events open) (B); rounds A B B A A B (--quick: A B A B), ratio of
 *    the means (target >= 0.95);
 *  - rss: 4 cameras with snapshots and MQTT snapshots on and the page polling
 *    all 4, daemon RSS every 5 s; growth from the end of warm-up to the end
 *    (target <= 40 MB), and the same run with snapshot.enabled false for the
 *    difference pictures make.
 * `--only encode,fps,rss` runs a part. Writes <out>/snapshot-<timestamp>.json
 * and prints a summary.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearTagCache, renderJpeg, type DrawnObject } from '../src/snapshot/draw.js';
import { childFfmpegPids, DaemonProcess, getJson, waitFor, writeConfig } from '../test/helpers/daemon.js';
import { Mosquitto } from '../test/helpers/mosquitto.js';
import { deployedEnv } from './lib/deployed-env.js';
import { freePort } from '../test/helpers/ports.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLIP = path.join(ROOT, 'config/demo/vtest.mp4');
const MODEL = path.join(ROOT, 'models/yolov8-mnv3');
const quick = process.argv.includes('--quick');
/** --only encode,fps,rss: a part of the bench. */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : ['encode', 'fps', 'rss'];
const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : path.join(ROOT, 'bench/results');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** Boxes where the demo clip's people and vehicles are around frame 100. */
const OBJECTS: DrawnObject[] = [
  { label: 'person', class_id: 0, score: 0.82, box: [368, 186, 402, 262] },
  { label: 'person', class_id: 0, score: 0.74, box: [510, 212, 540, 290] },
  { label: 'person', class_id: 0, score: 0.66, box: [418, 196, 442, 256] },
  { label: 'person', class_id: 0, score: 0.58, box: [690, 204, 722, 300] },
  { label: 'person', class_id: 0, score: 0.51, box: [160, 64, 182, 108] },
  { label: 'person', class_id: 0, score: 0.44, box: [566, 138, 588, 192] },
  { label: 'car', class_id: 2, score: 0.71, box: [652, 44, 726, 98] },
  { label: 'truck', class_id: 7, score: 0.47, box: [728, 50, 768, 92] },
];

/** Median/p95 wall ms and mean CPU ms of renderJpeg; `cold` empties the tag cache before each run (every label set anew). */
async function encodeBench(): Promise<Record<string, unknown>> {
  return { cold: await encodeRuns(true), warm: await encodeRuns(false) };
}

async function encodeRuns(cold: boolean): Promise<Record<string, number>> {
  const jpeg = execFileSync('ffmpeg', ['-v', 'error', '-i', CLIP, '-vf', 'select=eq(n\\,100)', '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '4', '-strict', 'unofficial', '-pix_fmt', 'yuv420p', '-f', 'mjpeg', 'pipe:1']);
  const render = () => {
    if (cold) clearTagCache();
    return renderJpeg(jpeg, { objects: OBJECTS, space: { width: 768, height: 576 } });
  };
  for (let i = 0; i < 10; i++) await render();
  const wall: number[] = [];
  const runs = quick ? 50 : 200;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await render();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  const out = await render();
  return { runs, wall_ms_median: round(pct(wall, 0.5)), wall_ms_p95: round(pct(wall, 0.95)), cpu_ms_mean: round((cpu.user + cpu.system) / 1000 / runs), bytes: out.length };
}

interface Daemon {
  process: DaemonProcess;
  port: number;
  stop(): Promise<void>;
}

async function startDaemon(broker: Mosquitto, cameras: number, snapshots: boolean): Promise<Daemon> {
  const port = await freePort();
  const camera = { url: CLIP, detect: { fps: 10 }, motion: { enabled: false }, snapshot: { enabled: snapshots, mqtt: snapshots }, stall_timeout_s: 30 };
  const config = writeConfig(
    {
      mqtt: { url: broker.url, base_topic: 'bench', client_id: `bench-${port}` },
      http: { host: '127.0.0.1', port },
      logging: { level: 'warn' },
      detector: { runtime: 'onnx', model: MODEL },
      scheduler: { enabled: false },
    },
    Object.fromEntries(Array.from({ length: cameras }, (_, i) => [`cam${i + 1}`, camera])),
  );
  const process = new DaemonProcess(['run', '--config', config.configFile], deployedEnv());
  await waitFor('the daemon streaming', async () => {
    const status = (await getJson(port, '/status').catch(() => null))?.body;
    return status && Object.values(status.cameras).every((c: any) => c.detector.inferences > 0);
  }, 60_000, 500);
  return { process, port, stop: async () => { await process.stop(); config.remove(); } };
}

/** Does what web/app.js does for every camera until stopped; returns how many pictures it got. */
function openPage(port: number, cameras: string[]): { stop(): Promise<number> } {
  let running = true;
  let pictures = 0;
  const controller = new AbortController();
  void fetch(`http://127.0.0.1:${port}/events`, { signal: controller.signal }).then(async (r) => { for await (const _ of r.body!) if (!running) break; }).catch(() => undefined);
  const fps = new Map<string, number>();
  const statusLoop = (async () => {
    while (running) {
      const status = (await getJson(port, '/status').catch(() => null))?.body;
      for (const name of cameras) fps.set(name, status?.cameras?.[name]?.scheduler?.inferred_fps ?? 1);
      await sleep(2000);
    }
  })();
  const loops = cameras.map(async (name) => {
    while (running) {
      const r = await fetch(`http://127.0.0.1:${port}/cameras/${name}/latest.jpg`).catch(() => null);
      if (r?.ok) {
        await r.arrayBuffer();
        pictures++;
      }
      await sleep(1000 / Math.min(5, Math.max(0.2, fps.get(name) ?? 1)));
    }
  });
  return {
    async stop() {
      running = false;
      controller.abort();
      await Promise.all([statusLoop, ...loops]);
      return pictures;
    },
  };
}

/** CPU seconds (user + system) used so far by a process. */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** Inferred fps over the window, and CPU of the daemon and of its ffmpeg, in % of one core. */
async function inferredFps(daemon: Daemon, camera: string, seconds: number): Promise<{ fps: number; cpu_daemon: number; cpu_ffmpeg: number }> {
  const count = async () => (await getJson(daemon.port, '/status')).body.cameras[camera].detector.inferences as number;
  const pid = daemon.process.pid;
  const ffmpeg = childFfmpegPids(pid);
  const cpu = () => [cpuSeconds(pid), ffmpeg.reduce((sum, p) => sum + cpuSeconds(p), 0)] as const;
  const n0 = await count();
  const c0 = cpu();
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const elapsed = (Date.now() - t0) / 1000;
  const c1 = cpu();
  return { fps: (await count() - n0) / elapsed, cpu_daemon: round((100 * (c1[0] - c0[0])) / elapsed, 1), cpu_ffmpeg: round((100 * (c1[1] - c0[1])) / elapsed, 1) };
}

function rssMb(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

async function fpsBench(broker: Mosquitto): Promise<Record<string, unknown>> {
  const windowS = quick ? 20 : 40;
  const rounds: Array<{ variant: 'A' | 'B'; fps: number; cpu_daemon: number; cpu_ffmpeg: number; pictures?: number }> = [];
  const order = (quick ? ['A', 'B', 'A', 'B'] : ['A', 'B', 'B', 'A', 'A', 'B']) as Array<'A' | 'B'>;
  for (const variant of order) {
    const daemon = await startDaemon(broker, 1, variant === 'B');
    try {
      const page = variant === 'B' ? openPage(daemon.port, ['cam1']) : null;
      await sleep(10_000); // warm-up
      const { fps, cpu_daemon, cpu_ffmpeg } = await inferredFps(daemon, 'cam1', windowS);
      const pictures = await page?.stop();
      rounds.push({ variant, fps: round(fps), cpu_daemon, cpu_ffmpeg, ...(pictures !== undefined ? { pictures } : {}) });
      console.log(`  fps round ${variant}: ${round(fps)} inferred/s, CPU daemon ${cpu_daemon} % ffmpeg ${cpu_ffmpeg} %${pictures !== undefined ? `, page got ${pictures} pictures` : ''}`);
    } finally {
      await daemon.stop();
    }
  }
  const mean = (v: 'A' | 'B') => { const of = rounds.filter((r) => r.variant === v); return of.reduce((s, r) => s + r.fps, 0) / of.length; };
  const cpuMean = (v: 'A' | 'B', key: 'cpu_daemon' | 'cpu_ffmpeg') => { const of = rounds.filter((r) => r.variant === v); return round(of.reduce((s, r) => s + r[key], 0) / of.length, 1); };
  return {
    window_s: windowS, rounds, fps_without: round(mean('A')), fps_with: round(mean('B')), ratio: round(mean('B') / mean('A'), 3),
    cpu_percent: { daemon_without: cpuMean('A', 'cpu_daemon'), daemon_with: cpuMean('B', 'cpu_daemon'), ffmpeg_without: cpuMean('A', 'cpu_ffmpeg'), ffmpeg_with: cpuMean('B', 'cpu_ffmpeg') },
  };
}

async function rssBench(broker: Mosquitto, snapshots: boolean): Promise<Record<string, unknown>> {
  const total = quick ? 60 : 120;
  const warmup = 20;
  const daemon = await startDaemon(broker, 4, snapshots);
  const cameras = ['cam1', 'cam2', 'cam3', 'cam4'];
  const page = snapshots ? openPage(daemon.port, cameras) : null;
  const samples: Array<[number, number]> = [];
  try {
    for (let t = 0; t <= total; t += 5) {
      samples.push([t, round(rssMb(daemon.process.pid), 1)]);
      await sleep(5000);
    }
    const status = (await getJson(daemon.port, '/status')).body;
    const pictures = await page?.stop();
    const afterWarmup = samples.find(([t]) => t >= warmup)![1];
    const end = samples.at(-1)![1];
    return {
      snapshots, seconds: total, warmup_s: warmup, rss_mb_after_warmup: afterWarmup, rss_mb_end: end, rss_mb_peak: Math.max(...samples.map(([, v]) => v)),
      growth_mb: round(end - afterWarmup, 1), inferred_fps: cameras.map((c) => status.cameras[c].scheduler?.inferred_fps ?? null), page_pictures: pictures ?? 0, samples,
    };
  } finally {
    await daemon.stop();
  }
}

const started = new Date();
const broker = new Mosquitto(await freePort());
await broker.start();
try {
  console.log(`snapshot bench on ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  const result: Record<string, unknown> = {
    started: started.toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg_start: os.loadavg() },
  };
  const checks: Record<string, { value: unknown; target: string; ok: boolean }> = {};
  if (only.includes('encode')) {
    const encode = await encodeBench();
    for (const kind of ['cold', 'warm'] as const) {
      const e = encode[kind] as Record<string, number>;
      console.log(`encode 768x576 + 8 boxes, tag cache ${kind}: median ${e['wall_ms_median']} ms, p95 ${e['wall_ms_p95']} ms, CPU ${e['cpu_ms_mean']} ms (target <= 15 ms)`);
    }
    const cold = (encode['cold'] as Record<string, number>)['wall_ms_median']!;
    result['encode'] = encode;
    checks['encode_ms_cold'] = { value: cold, target: '<= 15', ok: cold <= 15 };
  }
  if (only.includes('fps')) {
    const fps = await fpsBench(broker);
    console.log(`inferred fps: ${fps['fps_without']} without, ${fps['fps_with']} with snapshots, MQTT snapshots and the page: ratio ${fps['ratio']} (target >= 0.95); CPU % ${JSON.stringify(fps['cpu_percent'])}`);
    result['fps'] = fps;
    checks['fps_ratio'] = { value: fps['ratio'], target: '>= 0.95', ok: (fps['ratio'] as number) >= 0.95 };
  }
  if (only.includes('rss')) {
    const rssOn = await rssBench(broker, true);
    console.log(`RSS 4 cameras, snapshots on: ${rssOn['rss_mb_after_warmup']} MB after warm-up, ${rssOn['rss_mb_end']} MB at the end, growth ${rssOn['growth_mb']} MB (target <= 40 MB), peak ${rssOn['rss_mb_peak']} MB`);
    const rssOff = await rssBench(broker, false);
    console.log(`RSS 4 cameras, snapshots off: ${rssOff['rss_mb_after_warmup']} MB after warm-up, ${rssOff['rss_mb_end']} MB at the end, growth ${rssOff['growth_mb']} MB`);
    result['rss'] = { on: rssOn, off: rssOff };
    checks['rss_growth_mb'] = { value: rssOn['growth_mb'], target: '<= 40', ok: (rssOn['growth_mb'] as number) <= 40 };
  }
  result['checks'] = checks;
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `snapshot-${started.toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${file}`);
} finally {
  await broker.dispose();
}
