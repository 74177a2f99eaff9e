/**
 * Scenario `enter`: the time from a person appearing in an empty scene to the
 * daemon's `new` event, on a clip made at bench time from real frames of the
 * demo clip:
 *  - an empty plate: the per-pixel median of 32 frames spread over the clip
 *    (people move, so the median is the street without them; the parked cars
 *    stay), held for PLATE_S seconds;
 *  - then SCENE_S seconds of the clip itself from SCENE_FROM_S, with people
 *    walking.
 * It loops through the test RTSP server, fed by an ffmpeg whose -progress
 * output dates the loop on the bench's clock, so the moment each loop cuts
 * from the plate to the people is known to within a frame or two. The daemon
 * runs the shipped config (detect.fps, motion gating, scheduler, tracker
 * defaults, plus per-frame detections messages to see which frame was inferred
 * first); a subscriber notes when each `new` person event arrives. Per loop:
 * first `new` person event after the cut minus the cut. The first loop is
 * skipped (the daemon joins the stream mid-way). Target: <= 1 s + min_hits
 * inferred frames at detect.fps.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectAsync } from 'mqtt';
import { spawnGroup, killGroup } from '../src/ingest/process-group.js';
import { freePort, freeUdpPort } from '../test/helpers/ports.js';
import type { BenchArgs } from './lib/args.js';
import { withScope, type Scope } from './lib/cleanup.js';
import { BASE, cameraDefault, hasCameraKey, sleep, startStack, waitForInference } from './lib/daemon.js';
import { DEMO_CLIP, ROOT, shippedDetector } from './lib/models.js';
import { mean, quantile, round } from './lib/stats.js';
import type { ScenarioRun } from './scenarios.js';

const run = promisify(execFile);
const RTSP_SERVER = fileURLToPath(new URL('../test/fixtures/rtsp-server.py', import.meta.url));
const FPS = 10;
const PLATE_S = 20;
const SCENE_S = 8;
const SCENE_FROM_S = 30;
const W = 768;
const H = 576;

export interface EnterRun extends ScenarioRun {
  enter: {
    plate_s: number;
    scene_s: number;
    detect_fps: number;
    min_hits: number;
    /** Seconds from each cut to the first `new` person event (null: none before the next plate). */
    delays_s: Array<number | null>;
    mean_s: number | null;
    max_s: number | null;
    /** Seconds from each cut to the capture of the first inferred frame with a person (stream latency + wait for an inferred frame). */
    first_person_frame_captured_s: Array<number | null>;
    /** `new` person events while the plate (no people) was showing. */
    false_new_on_plate: number;
  };
}

/** Median of 32 frames spread over the clip, per pixel and channel: the street without the people. */
async function emptyPlate(dir: string): Promise<string> {
  const count = 32;
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', DEMO_CLIP, '-vf', "select='not(mod(n,24))'", '-vsync', 'passthrough',
    '-frames:v', String(count), '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'], { encoding: 'buffer', maxBuffer: count * W * H * 3 + 1024 });
  const frames = Math.floor(stdout.length / (W * H * 3));
  if (frames < 9) throw new Error(`expected ${count} frames of ${DEMO_CLIP}, got ${frames}`);
  const out = Buffer.alloc(W * H * 3);
  const values = new Uint8Array(frames);
  for (let i = 0; i < out.length; i++) {
    for (let f = 0; f < frames; f++) values[f] = stdout[f * W * H * 3 + i]!;
    values.sort();
    out[i] = values[frames >> 1]!;
  }
  const file = path.join(dir, 'plate.png');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-i', 'pipe:0', '-frames:v', '1', file], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg could not write the plate: ${err.trim()}`))));
    child.stdin.end(out);
  });
  return file;
}

/** Plate for PLATE_S s, then SCENE_S s of the clip from SCENE_FROM_S, as one H.264 file at FPS. */
async function enterClip(scope: Scope): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-enter-'));
  scope.defer('enter clip', () => fs.rmSync(dir, { recursive: true, force: true }));
  const plate = await emptyPlate(dir);
  const file = path.join(dir, 'enter.mp4');
  await run('ffmpeg', ['-v', 'error', '-nostdin', '-y',
    '-loop', '1', '-framerate', String(FPS), '-t', String(PLATE_S), '-i', plate,
    '-ss', String(SCENE_FROM_S), '-t', String(SCENE_S), '-i', DEMO_CLIP,
    '-filter_complex', `[0:v]format=yuv420p,setsar=1[a];[1:v]fps=${FPS},format=yuv420p,setsar=1[b];[a][b]concat=n=2:v=1:a=0[v]`, '-map', '[v]',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(FPS), '-r', String(FPS), file]);
  return file;
}

/** The RTSP relay plus a feeder whose progress dates the stream: resolves the URL and a getter of the feed's start on our clock. */
async function serve(scope: Scope, clip: string): Promise<{ url: string; feedStart: () => number | null }> {
  const port = await freePort();
  const udp = await freeUdpPort();
  const server = scope.spawn('/usr/bin/python3', [RTSP_SERVER, String(port), '--udp-port', String(udp)]);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('rtsp-server.py not READY within 20 s')), 20_000);
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^READY (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.once('exit', (code) => reject(new Error(`rtsp-server.py exited (${code}) before READY`)));
  });
  const feeder = spawnGroup('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-stream_loop', '-1', '-re', '-i', clip, '-an',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(FPS), '-f', 'rtp', `rtp://127.0.0.1:${udp}`,
    '-progress', 'pipe:1', '-stats_period', '0.2']);
  scope.defer('enter feeder', () => killGroup(feeder, 3000));
  // Each progress block ends with out_time_us: the wall clock minus it is when the feed's time 0 went out.
  const starts: number[] = [];
  let buf = '';
  feeder.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const line of lines) {
      const m = /^out_time_us=(\d+)/.exec(line);
      if (m && Number(m[1]) > 0) starts.push(Date.now() - Number(m[1]) / 1000);
    }
  });
  feeder.stderr!.resume();
  // -re paces from the first frame, so the earliest estimates are the least delayed by scheduling; take a low quantile.
  return { url, feedStart: () => (starts.length < 5 ? null : quantile(starts.slice(-200), 0.1)) };
}

export async function enterScenario(args: BenchArgs, log: (l: string) => void): Promise<EnterRun> {
  const loops = args.quick ? 3 : 6;
  const period = PLATE_S + SCENE_S;
  return withScope('enter', async (scope) => {
    const clip = await enterClip(scope);
    const { url, feedStart } = await serve(scope, clip);
    const d = shippedDetector();
    const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/lookout.json'), 'utf8')) as { cameras?: { defaults?: { detect?: { fps?: number } } } };
    const detectFps = shipped.cameras?.defaults?.detect?.fps ?? (cameraDefault('detect.fps') as number);
    const minHits = (cameraDefault('tracker.min_hits') as number | undefined) ?? 1;
    const stack = await startStack(scope, {
      modelDir: d.dir, runtime: d.runtime, threads: d.threads,
      cameras: { cam: { url, 'detect.fps': detectFps, rtsp_timeout_s: 5, ...(hasCameraKey('mqtt.detections') ? { 'mqtt.detections': true } : {}), ...(hasCameraKey('stall_timeout_s') ? { stall_timeout_s: 10 } : {}) } },
    });
    const news: number[] = [];
    // Inferred frames with a person (per-frame detections on): when they were captured and when they arrived.
    const seen: Array<{ captured: number; received: number }> = [];
    const sub = await connectAsync(stack.brokerUrl, { clientId: `bench-enter-${stack.httpPort}` });
    scope.defer('enter subscriber', () => sub.endAsync(true));
    sub.on('message', (_topic, payload) => {
      const now = Date.now();
      try {
        const e = JSON.parse(payload.toString()) as { type?: string; label?: string; captured_at?: string; objects?: Array<{ label: string }> };
        if (e.type === 'new' && e.label === 'person') news.push(now);
        if (e.captured_at && e.objects?.some((o) => o.label === 'person')) seen.push({ captured: Date.parse(e.captured_at), received: now });
      } catch {
        /* not an event */
      }
    });
    await sub.subscribeAsync([`${BASE}/cam/events`, `${BASE}/cam/detections`], { qos: 1 });
    await waitForInference(stack, ['cam']);
    const start = feedStart();
    if (start === null) throw new Error('the feeder reported no progress');
    // Loop k cuts to the people at start + k*period + PLATE_S; wait for `loops` whole loops after the current one.
    const first = Math.floor((Date.now() - start) / 1000 / period) + 1;
    const endAt = start + (first + loops) * period * 1000;
    log(`  enter: ${loops} loops of ${PLATE_S} s empty + ${SCENE_S} s people, cuts every ${period} s; detect.fps ${detectFps}, min_hits ${minHits}`);
    await sleep(Math.max(0, endAt - Date.now()) + 500);
    const origin = feedStart() ?? start;
    const delays: Array<number | null> = [];
    const firstSeen: Array<number | null> = [];
    let falseNew = 0;
    for (let k = first; k < first + loops; k++) {
      const plateAt = origin + k * period * 1000;
      const cut = plateAt + PLATE_S * 1000;
      // People of the previous loop may be announced late on the plate: allow 5 s, then count.
      falseNew += news.filter((t) => t >= plateAt + 5000 && t < cut).length;
      const hit = news.find((t) => t >= cut && t < cut + SCENE_S * 1000);
      delays.push(hit === undefined ? null : round((hit - cut) / 1000, 2));
      const s = seen.find((x) => x.captured >= cut - 1000 && x.captured < cut + SCENE_S * 1000);
      firstSeen.push(s === undefined ? null : round((s.captured - cut) / 1000, 2));
    }
    const got = delays.filter((v): v is number => v !== null);
    const target = 1 + minHits / detectFps;
    const worst = got.length === delays.length && got.length > 0 ? Math.max(...got) : null;
    log(`  enter: delays ${delays.map((v) => (v === null ? 'none' : `${v} s`)).join(', ')}; target <= ${round(target, 2)} s; first inferred person frame captured ${firstSeen.join(', ')} s after the cut`);
    return {
      name: 'enter', cameras: 1, window: null as unknown as ScenarioRun['window'], series: [], plot: null, settings_not_in_schema: stack.dropped,
      notes: falseNew > 0 ? [`${falseNew} new person event(s) while the empty plate showed`] : [],
      checks: {
        enter_to_new: { value: worst, target: `every loop: first new person event <= 1 s + ${minHits} inferred frames at ${detectFps} fps = ${round(target, 2)} s after the cut`, ok: worst === null ? false : worst <= target },
      },
      enter: { plate_s: PLATE_S, scene_s: SCENE_S, detect_fps: detectFps, min_hits: minHits, delays_s: delays, first_person_frame_captured_s: firstSeen, mean_s: round(mean(got), 2), max_s: worst, false_new_on_plate: falseNew },
    };
  });
}
