/**
 * Check 2: the daemon itself as arm64 under QEMU, for about 30 s, on the demo
 * clip with a private mosquitto. It must reach `streaming`, publish
 * detections, answer /readyz with 200, and on SIGTERM retain `offline`, exit
 * 0 and leave no ffmpeg behind. ffmpeg is the host's (x86, spawned from PATH
 * by the emulated daemon, running natively); on a board it is the board's.
 *
 * The model is the generated test network on onnxruntime's arm64 binary: it
 * boxes bright pixels, so every demo frame gives a detection, and it costs
 * ~0.1 s per frame emulated. Shipped models take seconds to tens of seconds
 * per frame emulated and need not find anything at the default threshold;
 * the parity check runs them on arm64 instead. The scheduler and motion
 * gating are off: emulated CPU load says nothing about a board, and the check
 * wants a steady detection rate.
 */
import path from 'node:path';
import { childFfmpegPids, getJson, listProcesses, waitFor, writeConfig } from '../helpers/daemon.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { MqttWatch } from '../helpers/mqtt-watch.js';
import { freePort } from '../helpers/ports.js';
import { addCleanup, startNode } from './emulator.js';
import type { CheckResult, Context } from './context.js';

const BASE = 'lk64';
const CAMERA = 'demo';
export const DAEMON_RUN_MS = 30_000;
const STREAMING_MS = 20_000;

export async function checkDaemon(ctx: Context, modelDir: string): Promise<CheckResult> {
  const name = 'daemon under emulation (onnx, generated test network)';
  const problems: string[] = [];
  const notes: string[] = [];
  const broker = new Mosquitto(await freePort());
  let watch: MqttWatch | null = null;
  let config: ReturnType<typeof writeConfig> | null = null;
  let daemon: ReturnType<typeof startNode> | null = null;
  let ffmpegs: number[] = [];
  let cleaned: Promise<void> | null = null;
  // Also run by stopAll() when the run is interrupted; safe to call twice.
  const cleanup = () => (cleaned ??= (async () => {
    if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) {
      ffmpegs = [...new Set([...ffmpegs, ...childFfmpegPids(daemon.child.pid!)])];
      daemon.child.kill('SIGKILL');
      await daemon.exited;
    }
    for (const pid of ffmpegs) {
      try {
        process.kill(-pid, 'SIGKILL'); // each ffmpeg leads its own group (spawnGroup)
      } catch {
        /* already gone, as it should be */
      }
    }
    await watch?.stop().catch(() => undefined);
    await broker.dispose();
    config?.remove();
  })());
  const unregister = addCleanup(cleanup);
  try {
    await broker.start();
    watch = await MqttWatch.start(broker.url, `${BASE}/#`);
    const httpPort = await freePort();
    config = writeConfig(
      {
        mqtt: { url: broker.url, base_topic: BASE, stats_interval_s: 5, client_id: `lookout-arm64-${httpPort}` },
        http: { host: '127.0.0.1', port: httpPort },
        logging: { level: 'info' },
        detector: { runtime: 'onnx', model: modelDir, threads: 2 },
        scheduler: { enabled: false },
      },
      { [CAMERA]: {
        url: path.join(ctx.root, 'config/demo/vtest.mp4'),
        detect: { fps: 1 },
        motion: { enabled: false },
        mqtt: { detections: true }, // per-frame messages; events and counts come without it
        stall_timeout_s: 30,
      } },
    );
    const started = Date.now();
    daemon = startNode('arm64', ctx.emu, [ctx.cli, 'run', '--config', config.configFile]);
    const d = daemon;
    const alive = () => {
      if (d.child.exitCode !== null || d.child.signalCode !== null) throw new Error(`the daemon exited early: ${d.stderr().slice(-800)}${d.stdout().slice(-800)}`);
    };
    const statusTopic = `${BASE}/${CAMERA}/status`;
    const detTopic = `${BASE}/${CAMERA}/detections`;
    await watch.waitForJson(statusTopic, (p) => { alive(); return p.state === 'streaming'; }, 120_000);
    const streamingAt = Date.now();
    notes.push(`streaming after ${((streamingAt - started) / 1000).toFixed(1)} s`);
    const w = watch;
    await waitFor('3 detections messages with objects', () => { alive(); return w.json(detTopic).filter((p) => p.objects?.length > 0).length >= 3; }, 90_000, 200);
    notes.push(`3 detection messages after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    ffmpegs = childFfmpegPids(d.child.pid!);
    // Keep it running for the rest of the ~30 s (and at least STREAMING_MS of
    // streaming), then it must still be ready and still be detecting.
    const left = Math.max(started + DAEMON_RUN_MS, streamingAt + STREAMING_MS) - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    alive();
    const recent = watch.messages.filter((m) => m.topic === detTopic && m.at > Date.now() - 10_000).length;
    if (recent === 0) problems.push('no detection message in the last 10 s of the run: the pipeline stalled');
    const ready = await getJson(httpPort, '/readyz');
    if (ready.status !== 200) problems.push(`/readyz answered ${ready.status}: ${JSON.stringify(ready.body)}`);
    const dets = watch.json(detTopic);
    const withObjects = dets.filter((p) => p.objects?.length > 0);
    const labels = [...new Set(withObjects.flatMap((p) => p.objects.map((o: { label: string }) => o.label)))];
    notes.push(`${dets.length} detection message(s) in ${((Date.now() - started) / 1000).toFixed(0)} s (${withObjects.length} with objects: ${labels.join(', ')})`);
    const inference = withObjects.map((p) => p.inference_ms).filter((v) => typeof v === 'number');
    if (inference.length) notes.push(`inference ${Math.min(...inference).toFixed(0)}-${Math.max(...inference).toFixed(0)} ms emulated`);

    const stopAt = Date.now();
    const stopTimer = setTimeout(() => d.child.kill('SIGKILL'), 20_000);
    d.child.kill('SIGTERM');
    const { code, signal } = await d.exited;
    clearTimeout(stopTimer);
    notes.push(`SIGTERM -> exit ${code}${signal ? ` (${signal})` : ''} in ${((Date.now() - stopAt) / 1000).toFixed(1)} s`);
    if (code !== 0 || signal !== null) problems.push(`SIGTERM: expected exit 0, got code ${code} signal ${signal}: ${d.stderr().slice(-800)}`);
    const leftover = listProcesses().filter((p) => ffmpegs.includes(p.pid));
    if (leftover.length) problems.push(`ffmpeg left behind after stop: ${JSON.stringify(leftover)}`);
    const offline = watch.messages.filter((m) => m.topic === `${BASE}/status`).pop();
    if (offline?.text !== 'offline') problems.push(`${BASE}/status: expected 'offline' after stop, last was ${offline?.text}`);
    const events = watch.messages.filter((m) => m.topic === `${BASE}/${CAMERA}/events`).length;
    notes.push(`${events} event message(s)`);
  } catch (error) {
    problems.push((error as Error).message);
    if (daemon) problems.push(`daemon output (tail): ${(daemon.stdout() + daemon.stderr()).slice(-1500)}`);
  } finally {
    await cleanup();
    unregister();
  }
  return { name, ok: problems.length === 0, detail: notes.join('; '), problems };
}
