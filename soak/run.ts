/**
 * `npm run soak -- --minutes N [--broker-every S] [--camera-every S] [--out DIR]`
 *
 * The built daemon (dist/src/cli.js) with the shipped detector, four RTSP
 * cameras (test/fixtures/rtsp-server.py relaying a small copy of the demo clip,
 * one server per camera) and a real mosquitto, for N minutes. Every
 * --broker-every seconds (default 600) the broker is stopped for a few seconds
 * and started again on the same port; every --camera-every seconds (default
 * 420) one camera's server (round robin) is stopped and started again.
 *
 * The daemon runs with the environment the systemd unit gives it (its
 * allocator settings among them: bench/lib/deployed-env.ts).
 *
 * Sampled every 5 s: the daemon's RSS, open fds, child processes (ffmpegs,
 * zombies), event-loop lag p99 (its /metrics) and camera/MQTT state (/status).
 * A persistent MQTT subscriber counts the daemon's messages across the outages.
 *
 * Bounds (exit 1 when one is broken, 2 when the soak could not run):
 *  - RSS of the daemon (read every second: it swings by +-10 MB as the
 *    garbage collector frees frame buffers, so a window needs many samples):
 *    median of the final window <= 1.05 x median of the window right after
 *    warm-up;
 *  - open fds, child processes: no growth between the same windows (samples
 *    with every camera streaming, MQTT up and no restart in the last 30 s);
 *    no zombie seen in two consecutive samples; never more ffmpegs than cameras;
 *  - event-loop lag: p99 of every scrape interval <= 50 ms;
 *  - nothing lost: every stats message (one per mqtt.stats_interval_s, queued by
 *    the daemon during outages) reaches the subscriber, the daemon's outage
 *    queue dropped nothing, and every camera restart shows up as a status
 *    change and a return to streaming.
 * Writes soak/results/<timestamp>.json with every sample.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectAsync } from 'mqtt';
import { DaemonProcess, writeConfig } from '../test/helpers/daemon.js';
import { freePort } from '../test/helpers/ports.js';
import { Mosquitto } from '../test/helpers/mosquitto.js';
import { startRtspServer, type RtspServer } from '../test/helpers/rtsp.js';
import { withScope, type Scope } from '../bench/lib/cleanup.js';
import { DEMO_CLIP, ROOT, shippedDetector } from '../bench/lib/models.js';
import { machineInfo } from '../bench/lib/system.js';
import { rssMb, takeSample, type Sample } from './lib/sample.js';
import { deployedEnv, UNIT_FILE } from '../bench/lib/deployed-env.js';

const run = promisify(execFile);
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CAMERAS = 4;
const BASE = 'soak';
const STATS_INTERVAL_S = 5;
const SAMPLE_EVERY_MS = 5000;
const RSS_EVERY_MS = 1000;
const BROKER_OUTAGE_MS = 5000;
const CAMERA_OUTAGE_MS = 5000;
/** Samples this long after a restart are not "steady" (reconnect back-off, probe). */
const SETTLE_S = 30;
const LAG_P99_LIMIT_MS = 50;
const RSS_GROWTH_LIMIT = 0.05;

interface Args { minutes: number; brokerEvery: number; cameraEvery: number; outDir: string; lagReportOnly: boolean }

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const out: Args = { minutes: 60, brokerEvery: 600, cameraEvery: 420, outDir: path.join(ROOT, 'soak/results'), lagReportOnly: false };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: expected a positive number, got '${v ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--minutes') out.minutes = num(a, argv[++i]);
    else if (a === '--broker-every') out.brokerEvery = num(a, argv[++i]);
    else if (a === '--camera-every') out.cameraEvery = num(a, argv[++i]);
    else if (a === '--out') out.outDir = path.resolve(argv[++i] ?? '.');
    // The event-loop lag bound is the full soak's; a short run on a shared CI machine reports it only.
    else if (a === '--lag-report-only') out.lagReportOnly = true;
    else throw new UsageError(`unknown argument '${a}'\nusage: npm run soak -- --minutes N [--broker-every SECONDS] [--camera-every SECONDS] [--out DIR] [--lag-report-only]`);
  }
  return out;
}

/** Warm-up, the two comparison windows and the restart times, all in seconds from the start. */
export function plan(args: Args) {
  const duration = args.minutes * 60;
  // The RSS climbs for the first two minutes (model arenas, the allocator, V8's heap finding its size).
  const warmup = Math.min(300, Math.max(90, 0.15 * duration));
  const win = Math.min(120, Math.max(20, 0.1 * duration));
  const lastEvent = duration - win - SETTLE_S;
  const times = (every: number) => Array.from({ length: Math.floor(lastEvent / every) }, (_, k) => (k + 1) * every);
  const events = [
    ...times(args.brokerEvery).map((t) => ({ t, what: 'broker' as const })),
    ...times(args.cameraEvery).map((t) => ({ t, what: 'camera' as const })),
  ].sort((a, b) => a.t - b.t);
  return { duration, warmup, baseline: [warmup, warmup + win] as const, final: [duration - win, duration] as const, events };
}

/** The demo clip made small (384x288, 5 fps) so that four relays and four decoders fit on two shared cores. */
async function smallClip(scope: Scope): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-soak-clip-'));
  scope.defer('clip', () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'clip.mp4');
  await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', DEMO_CLIP, '-vf', 'scale=384:288,fps=5', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', file]);
  return file;
}

interface Received { stats: Array<{ uptime_s: number; timestamp: string; queue_dropped: number; received_s: number }>; statuses: Record<string, Array<{ at: number; state: string }>>; events: number; availability: string[]; total: number }

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

async function soak(args: Args): Promise<number> {
  const p = plan(args);
  const machine = machineInfo();
  const detector = shippedDetector();
  log(`soak: ${args.minutes} min, ${CAMERAS} cameras, broker restart at ${p.events.filter((e) => e.what === 'broker').map((e) => e.t).join(', ') || 'never'} s, camera restart at ${p.events.filter((e) => e.what === 'camera').map((e) => e.t).join(', ') || 'never'} s`);
  log(`soak: ${machine.cpu_model}, ${machine.cores} cores, load ${machine.loadavg_start.join(' ')}; detector ${detector.model} on ${detector.runtime}, threads ${detector.threads}`);
  log(`soak: daemon environment from ${path.relative(ROOT, UNIT_FILE)}: ${Object.entries(deployedEnv()).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (p.events.every((e) => e.what !== 'broker') || p.events.every((e) => e.what !== 'camera')) log('soak: warning: this schedule restarts not both the broker and a camera (shorten --broker-every / --camera-every)');

  return withScope('soak', async (scope) => {
    const clip = await smallClip(scope);
    const broker = new Mosquitto(await freePort(), { persistent: true });
    scope.defer('mosquitto', () => broker.dispose());
    await broker.start();

    const servers: RtspServer[] = [];
    const ports: number[] = [];
    for (let i = 0; i < CAMERAS; i++) {
      ports.push(await freePort());
      servers.push(await startRtspServer({ clip, port: ports[i], readyTimeoutMs: 20_000 }));
    }
    scope.defer('rtsp servers', () => Promise.all(servers.map((s) => s.stop())).then(() => undefined));

    // The subscriber: a persistent session (clean: false, QoS 1) on a broker that keeps sessions across restarts.
    const received: Received = { stats: [], statuses: {}, events: 0, availability: [], total: 0 };
    const t0 = { at: 0 };
    const sub = await connectAsync(broker.url, { clientId: `lookout-soak-sub-${broker.port}`, clean: false, reconnectPeriod: 500 });
    scope.defer('subscriber', () => sub.endAsync(true));
    // A reconnect that does not resume the session loses what the broker held for it: say so.
    const sessions: Array<{ at_s: number; resumed: boolean }> = [];
    sub.on('connect', (connack) => {
      if (t0.at === 0) return;
      sessions.push({ at_s: Math.round((Date.now() - t0.at) / 100) / 10, resumed: connack.sessionPresent });
      log(`soak: subscriber reconnected, session ${connack.sessionPresent ? 'resumed' : 'NOT resumed'}`);
    });
    sub.on('message', (topic, payload) => {
      received.total++;
      const rest = topic.slice(BASE.length + 1);
      try {
        if (rest === 'stats') {
          const s = JSON.parse(payload.toString()) as { uptime_s: number; timestamp: string; mqtt: { queue_dropped: number } };
          received.stats.push({ uptime_s: s.uptime_s, timestamp: s.timestamp, queue_dropped: s.mqtt.queue_dropped, received_s: Math.round((Date.now() - t0.at) / 100) / 10 });
        } else if (rest === 'status') received.availability.push(payload.toString());
        else if (rest.endsWith('/status') && payload.length > 0) {
          const cam = rest.slice(0, -'/status'.length);
          (received.statuses[cam] ??= []).push({ at: (Date.now() - t0.at) / 1000, state: (JSON.parse(payload.toString()) as { state: string }).state });
        } else if (rest.endsWith('/events')) received.events++;
      } catch {
        /* counted in total only */
      }
    });
    await sub.subscribeAsync(`${BASE}/#`, { qos: 1 });

    const httpPort = await freePort();
    // The shipped config (config/lookout.json) but for the broker, the port, stats every 5 s and quieter logs.
    const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/lookout.json'), 'utf8')) as { cameras?: { defaults?: object } };
    const daemonConfig = {
      mqtt: { url: broker.url, base_topic: BASE, client_id: `lookout-soak-${httpPort}`, stats_interval_s: STATS_INTERVAL_S },
      http: { host: '127.0.0.1', port: httpPort },
      logging: { level: 'warn' },
      cameras: { defaults: shipped.cameras?.defaults ?? {} },
      detector: { runtime: detector.runtime, model: detector.dir },
    };
    const cameras = Object.fromEntries(servers.map((s, i) => [`cam${i + 1}`, { url: s.url, rtsp_timeout_s: 5 }]));
    const config = writeConfig(daemonConfig, cameras);
    scope.defer('config', () => config.remove());
    const daemon = new DaemonProcess(['run', '--config', config.configFile], deployedEnv());
    scope.defer('daemon', async () => {
      const r = await daemon.stop('SIGTERM', 15_000);
      log(`daemon stopped: code ${r.code} signal ${r.signal} in ${r.ms} ms`);
    });

    // Ready: every camera streaming.
    const readyBy = Date.now() + 120_000;
    for (;;) {
      if (!daemon.running) throw new Error(`daemon exited before streaming:\n${daemon.stdout.slice(-2000)}\n${daemon.stderr.slice(-2000)}`);
      const s = await takeSample(daemon.pid, httpPort, 0);
      if (s.streaming === CAMERAS && s.mqtt_connected) break;
      if (Date.now() > readyBy) throw new Error(`not every camera streaming within 120 s (${s.streaming}/${CAMERAS})`);
      await sleep(500);
    }
    t0.at = Date.now();
    const elapsed = () => (Date.now() - t0.at) / 1000;
    log(`soak: daemon pid ${daemon.pid} streaming ${CAMERAS} cameras; start of the clock`);

    const samples: Sample[] = [];
    const rss: RssSample[] = [];
    const done: Restart[] = [];
    let sampling = true;
    const rssSampler = (async () => {
      while (sampling && daemon.running) {
        const mb = rssMb(daemon.pid);
        if (mb !== null) rss.push({ t: Math.round(elapsed() * 10) / 10, rss_mb: mb });
        await sleep(RSS_EVERY_MS);
      }
    })();
    const sampler = (async () => {
      while (sampling && daemon.running) {
        const next = Date.now() + SAMPLE_EVERY_MS;
        samples.push(await takeSample(daemon.pid, httpPort, Math.round(elapsed() * 10) / 10));
        await sleep(Math.max(0, next - Date.now()));
      }
    })();

    let nextCamera = 0;
    for (const e of p.events) {
      await sleep(Math.max(0, e.t * 1000 - (Date.now() - t0.at)));
      if (!daemon.running) break;
      if (e.what === 'broker') {
        log(`soak: t=${Math.round(elapsed())} s: stopping mosquitto for ${BROKER_OUTAGE_MS / 1000} s`);
        const stopAt = Date.now();
        await broker.stop();
        const stoppedAt = Date.now();
        await sleep(BROKER_OUTAGE_MS);
        await broker.start();
        done.push({ t: e.t, what: 'broker', detail: `restart ${broker.starts - 1}`, back_s: null, shutdown: [stopAt, stoppedAt] });
      } else {
        const i = nextCamera++ % CAMERAS;
        log(`soak: t=${Math.round(elapsed())} s: stopping cam${i + 1}'s RTSP server for ${CAMERA_OUTAGE_MS / 1000} s`);
        await servers[i]!.stop();
        await sleep(CAMERA_OUTAGE_MS);
        servers[i] = await startRtspServer({ clip, port: ports[i], readyTimeoutMs: 20_000 });
        done.push({ t: e.t, what: 'camera', detail: `cam${i + 1}`, back_s: null });
      }
    }
    await sleep(Math.max(0, p.duration * 1000 - (Date.now() - t0.at)));
    sampling = false;
    await sampler;
    await rssSampler;
    const daemonAlive = daemon.running;
    // Let the last stats messages arrive.
    await sleep(1500);

    return report({ args, plan: p, machine, detector, samples, rss, done, received, sessions, daemonAlive, daemonLog: daemon.logs.slice(-200), daemonTail: daemon.stdout.slice(-3000) + daemon.stderr.slice(-2000) });
  });
}

interface RssSample { t: number; rss_mb: number }

interface Restart { t: number; what: string; detail: string; back_s: number | null; /** Broker: wall-clock ms of SIGTERM and of its exit. */ shutdown?: [number, number] }

interface ReportInput {
  args: Args;
  plan: ReturnType<typeof plan>;
  machine: ReturnType<typeof machineInfo>;
  detector: ReturnType<typeof shippedDetector>;
  samples: Sample[];
  rss: RssSample[];
  done: Restart[];
  received: Received;
  /** The subscriber's reconnects (after broker restarts): whether the broker still had its session. */
  sessions: Array<{ at_s: number; resumed: boolean }>;
  daemonAlive: boolean;
  /** The daemon's log lines (warn and above: the soak runs it at logging.level warn), last 200. */
  daemonLog: unknown[];
  daemonTail: string;
}

function report(r: ReportInput): number {
  const { samples, plan: p, done, received } = r;
  const inWin = (s: Sample, [a, b]: readonly [number, number]) => s.t >= a && s.t <= b;
  const steady = (s: Sample) => s.streaming === CAMERAS && s.mqtt_connected === true && !done.some((e) => s.t >= e.t && s.t < e.t + SETTLE_S);

  // Time for each restart to be undone: first sample afterwards with everything back.
  for (const e of done) {
    const back = samples.find((s) => s.t > e.t && s.streaming === CAMERAS && s.mqtt_connected === true);
    e.back_s = back ? r1(back.t - e.t) : null;
  }

  const pick = (win: readonly [number, number], f: (s: Sample) => number | null, onlySteady: boolean) =>
    median(samples.filter((s) => inWin(s, win) && (!onlySteady || steady(s))).map(f).filter((v): v is number => v !== null));
  const rssIn = (win: readonly [number, number]) => median(r.rss.filter((s) => s.t >= win[0] && s.t <= win[1]).map((s) => s.rss_mb));
  const rssBase = rssIn(p.baseline);
  const rssEnd = rssIn(p.final);
  const rssGrowth = rssBase && rssEnd !== null ? rssEnd / rssBase - 1 : null;
  // Where the growth lies: the main thread's JavaScript heap, V8's external memory, or neither (native).
  const memory = (f: (s: Sample) => number | null) => ({ baseline: r1(pick(p.baseline, f, false)), final: r1(pick(p.final, f, false)) });
  const heap = memory((s) => s.heap_used_mb);
  const external = memory((s) => s.external_mb);
  const fdBase = pick(p.baseline, (s) => s.fds, true);
  const fdEnd = pick(p.final, (s) => s.fds, true);
  const kidBase = pick(p.baseline, (s) => s.children, true);
  const kidEnd = pick(p.final, (s) => s.children, true);
  const lags = samples.map((s) => s.lag_p99_ms).filter((v): v is number => v !== null);
  const lagWorst = lags.length ? Math.max(...lags) : null;
  const lagWorstAt = samples.find((s) => s.lag_p99_ms === lagWorst)?.t ?? null;
  const overLag = samples.filter((s) => s.lag_p99_ms !== null && s.lag_p99_ms > LAG_P99_LIMIT_MS);
  const persistentZombies = samples.filter((s, i) => i > 0 && s.zombies > 0 && samples[i - 1]!.zombies > 0).length;
  const maxFfmpegs = Math.max(0, ...samples.map((s) => s.ffmpegs));

  // Stats: one per interval, every one of them; duplicates (QoS 1 redelivery) counted once.
  const byTime = new Map(received.stats.map((s) => [s.timestamp, s]));
  const stats = [...byTime.values()].sort((a, b) => a.uptime_s - b.uptime_s);
  // A missing message was due at the previous one's time + the interval, and went out then or later.
  // Every missing message counts. Those due while the broker was shutting down (from 2 s before its SIGTERM
  // until it exited) are also counted apart, to tell them from the rest. (With its state directory writable,
  // mosquitto lost none of 5872 acknowledged QoS 1 messages over 6 SIGTERM restarts, mqtt.js publishing every
  // 3 ms; the losses once blamed on mosquitto were the subscriber's session, never saved.)
  const shutdowns = done.flatMap((e) => (e.shutdown ? [e.shutdown] : []));
  let missing = 0;
  let missingAtShutdown = 0;
  const gaps: Array<{ after_uptime_s: number; gap_s: number; received_s: number; due_at: string[]; at_broker_shutdown: boolean }> = [];
  for (let i = 1; i < stats.length; i++) {
    const gap = stats[i]!.uptime_s - stats[i - 1]!.uptime_s;
    if (gap > 1.5 * STATS_INTERVAL_S) {
      const n = Math.round(gap / STATS_INTERVAL_S) - 1;
      const due = Array.from({ length: n }, (_, k) => Date.parse(stats[i - 1]!.timestamp) + (k + 1) * STATS_INTERVAL_S * 1000);
      // Published no earlier than due (the stats timer only runs late), so a message due after mosquitto exited
      // never reached it; one due up to 2 s before the SIGTERM may have been published in the window.
      const inWindow = (d: number) => shutdowns.some(([a, b]) => d >= a - 2000 && d <= b);
      const atShutdown = due.every(inWindow);
      missingAtShutdown += due.filter(inWindow).length;
      missing += due.length;
      gaps.push({ after_uptime_s: stats[i - 1]!.uptime_s, gap_s: r1(gap)!, received_s: stats[i - 1]!.received_s, due_at: due.map((d) => new Date(d).toISOString()), at_broker_shutdown: atShutdown });
    }
  }
  const queueDropped = Math.max(0, ...stats.map((s) => s.queue_dropped));
  // Camera restarts seen on MQTT: a state other than streaming after the restart, then streaming again.
  const restartsSeen = done.filter((e) => e.what === 'camera').map((e) => {
    const st = received.statuses[e.detail] ?? [];
    const down = st.find((x) => x.at >= e.t && x.state !== 'streaming');
    const up = down ? st.find((x) => x.at > down.at && x.state === 'streaming') : undefined;
    return { camera: e.detail, at: e.t, down: down?.state ?? null, up_after_s: up ? r1(up.at - e.t) : null, ok: Boolean(down && up) };
  });

  const checks = [
    { check: 'daemon ran to the end', value: r.daemonAlive ? 'yes' : 'no', target: 'yes', ok: r.daemonAlive },
    { check: 'RSS growth after warm-up', value: rssGrowth === null ? '—' : `${(100 * rssGrowth).toFixed(1)}% (${r1(rssBase)} -> ${r1(rssEnd)} MB)`, target: `<= ${100 * RSS_GROWTH_LIMIT}%`, ok: rssGrowth !== null && rssGrowth <= RSS_GROWTH_LIMIT },
    { check: 'open fds, steady', value: `${fdBase ?? '—'} -> ${fdEnd ?? '—'}`, target: 'no growth', ok: fdBase !== null && fdEnd !== null && fdEnd <= fdBase },
    { check: 'child processes, steady', value: `${kidBase ?? '—'} -> ${kidEnd ?? '—'}`, target: 'no growth', ok: kidBase !== null && kidEnd !== null && kidEnd <= kidBase },
    { check: 'ffmpegs at most', value: String(maxFfmpegs), target: `<= ${CAMERAS}`, ok: maxFfmpegs <= CAMERAS },
    { check: 'zombies in 2 samples running', value: String(persistentZombies), target: '0', ok: persistentZombies === 0 },
    { check: 'event-loop lag p99, worst interval', value: lagWorst === null ? '—' : `${lagWorst} ms at ${lagWorstAt} s (${overLag.length} of ${lags.length} intervals over)`, target: `<= ${LAG_P99_LIMIT_MS} ms${r.args.lagReportOnly ? ' (reported only: --lag-report-only)' : ''}`, ok: r.args.lagReportOnly || (lagWorst !== null && lagWorst <= LAG_P99_LIMIT_MS) },
    // Without its session the subscriber misses what the daemon sends before it subscribes again: the count below means nothing then.
    { check: 'subscriber session kept by the broker', value: `${r.sessions.filter((x) => x.resumed).length} of ${r.sessions.length} reconnects`, target: 'all', ok: r.sessions.every((x) => x.resumed) },
    { check: 'stats messages lost', value: `${missing} (${stats.length} received, ${received.stats.length - stats.length} duplicates; ${missingAtShutdown} of the lost due while mosquitto was shutting down)`, target: '0', ok: stats.length > 0 && missing === 0 },
    { check: 'outage queue dropped', value: String(queueDropped), target: '0', ok: queueDropped === 0 },
    { check: 'camera restarts seen on MQTT', value: `${restartsSeen.filter((x) => x.ok).length} of ${restartsSeen.length}`, target: 'all', ok: restartsSeen.every((x) => x.ok) },
  ];

  const lagMean = lags.length ? lags.reduce((a, b) => a + b, 0) / lags.length : null;
  const summary = {
    started_at: new Date(Date.now() - p.duration * 1000).toISOString(),
    args: r.args, machine: r.machine, detector: { model: r.detector.model, runtime: r.detector.runtime, threads: r.detector.threads },
    plan: p, restarts: done, camera_restarts_on_mqtt: restartsSeen,
    figures: {
      rss_mb: { baseline: r1(rssBase), final: r1(rssEnd), growth_pct: rssGrowth === null ? null : r1(100 * rssGrowth), max: r1(Math.max(...r.rss.map((s) => s.rss_mb))), every_s: RSS_EVERY_MS / 1000 },
      heap_used_mb: heap,
      external_mb: external,
      tree_rss_mb_max: r1(Math.max(...samples.map((s) => s.tree_rss_mb))),
      fds: { baseline: fdBase, final: fdEnd, max: Math.max(...samples.map((s) => s.fds ?? 0)) },
      children: { baseline: kidBase, final: kidEnd, max: Math.max(...samples.map((s) => s.children)), ffmpegs_max: maxFfmpegs },
      lag_p99_ms: { worst: lagWorst, mean: r1(lagMean), median: r1(median(lags)), intervals_over_limit: overLag.length, intervals: lags.length },
      lag_max_ms_worst: Math.max(0, ...samples.map((s) => s.lag_max_ms ?? 0)),
      mqtt: { messages: received.total, subscriber_sessions: r.sessions, stats: stats.length, stats_missing: missing, stats_missing_at_broker_shutdown: missingAtShutdown, stats_gaps: gaps, queue_dropped: queueDropped, events: received.events,
        camera_statuses: Object.values(received.statuses).reduce((a, s) => a + s.length, 0), availability: received.availability.length },
    },
    checks, daemon_log: r.daemonLog, samples, rss: r.rss,
  };
  fs.mkdirSync(r.args.outDir, { recursive: true });
  const file = path.join(r.args.outDir, `${summary.started_at.replace(/[:]/g, '-').replace(/\..*/, '')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);

  const f = summary.figures;
  console.log(`\nlookout soak, ${r.args.minutes} min on ${r.machine.cpu_model} (${r.machine.cores} cores), node ${r.machine.node}, load at start ${r.machine.loadavg_start.join(' ')}`);
  console.log(`detector ${r.detector.model} on ${r.detector.runtime}; ${CAMERAS} RTSP cameras (demo clip, 384x288 at 5 fps); mosquitto restarted ${done.filter((e) => e.what === 'broker').length}x, a camera ${done.filter((e) => e.what === 'camera').length}x`);
  for (const e of done) console.log(`  t=${e.t} s ${e.what} ${e.detail}: everything streaming and MQTT up again after ${e.back_s ?? 'never'} s`);
  console.log(`RSS ${f.rss_mb.baseline} -> ${f.rss_mb.final} MB (max ${f.rss_mb.max}; with ffmpegs max ${f.tree_rss_mb_max}); fds ${f.fds.baseline} -> ${f.fds.final} (max ${f.fds.max}); children ${f.children.baseline} -> ${f.children.final} (max ${f.children.max})`);
  console.log(`main thread: JS heap used ${f.heap_used_mb.baseline} -> ${f.heap_used_mb.final} MB, external (Buffers) ${f.external_mb.baseline} -> ${f.external_mb.final} MB; the rest of the RSS is native (onnxruntime, the allocator, the model worker)`);
  console.log(`event-loop lag p99 per ${SAMPLE_EVERY_MS / 1000} s interval: median ${f.lag_p99_ms.median} ms, mean ${f.lag_p99_ms.mean} ms, worst ${f.lag_p99_ms.worst} ms; worst single lag ${f.lag_max_ms_worst} ms`);
  console.log(`MQTT: ${f.mqtt.messages} messages, ${f.mqtt.stats} stats (${f.mqtt.stats_missing} missing, ${f.mqtt.stats_missing_at_broker_shutdown} of them due while mosquitto was shutting down), ${f.mqtt.camera_statuses} camera statuses, ${f.mqtt.events} events, ${f.mqtt.availability} availability`);
  const w = Math.max(...checks.map((c) => c.check.length));
  const v = Math.max(...checks.map((c) => c.value.length));
  for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.check.padEnd(w)}  ${c.value.padEnd(v)}  (${c.target})`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    console.log(`\nsoak: ${failed.length} bound(s) broken: ${failed.map((c) => c.check).join('; ')}`);
    if (!r.daemonAlive) console.log(`daemon output (tail):\n${r.daemonTail}`);
    return 1;
  }
  console.log('\nsoak: every bound held');
  return 0;
}

let args: Args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(64);
}
soak(args).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`soak could not run: ${(err as Error).stack ?? String(err)}`);
    process.exit(2);
  },
);
