/**
 * The daemon under test: the built CLI (dist/src/cli.js run) as a child
 * process with a temp config, a private mosquitto, an MQTT subscriber that
 * measures frame-to-MQTT latency, and a 1 s poller of /status + /proc.
 *
 * Config keys are filtered through the built schemas (dist/src/config), so the bench
 * asks for scheduler / motion settings only when this build knows them (an
 * unknown key would make the daemon refuse the config); what was left out is
 * reported with the result.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import { CLI } from '../../test/helpers/daemon.js';
import { Mosquitto } from '../../test/helpers/mosquitto.js';
import { freePort } from '../../test/helpers/ports.js';
import { DaemonProcess, getJson, writeConfig } from '../../test/helpers/daemon.js';
import type { Scope } from './cleanup.js';
import { CpuMeter, processTree, type CpuSample } from './system.js';
import { deployedEnv } from './deployed-env.js';

export const BASE = 'bench';

// The schemas of the build under test (dist/), not of src/: they decide what the daemon accepts.
const distConfig = new URL('config/', pathToFileURL(path.dirname(CLI) + path.sep));
const { cameraSchema, daemonSchema } = (await import(new URL('index.js', distConfig).href)) as { cameraSchema: object; daemonSchema: object };
const { leaves } = (await import(new URL('schema.js', distConfig).href)) as { leaves: (schema: object) => Array<[string, { default?: unknown }]> };
const daemonKeys = new Set(leaves(daemonSchema).map(([k]) => k));
const cameraKeys = new Set(leaves(cameraSchema).map(([k]) => k));

/** Whether this build's schema has the dotted key (e.g. 'detect.fps_max', 'scheduler.cpu_target'). */
export const hasDaemonKey = (key: string): boolean => daemonKeys.has(key);
export const hasCameraKey = (key: string): boolean => cameraKeys.has(key);

/** The built schema's default of a camera key ('tracker.min_hits'), undefined when it has no such key. */
export const cameraDefault = (key: string): unknown => leaves(cameraSchema).find(([k]) => k === key)?.[1]?.default;

/** A nested object from dotted keys, keeping only keys the schema knows; the rest go to `dropped`. */
export function known(settings: Record<string, unknown>, keys: Set<string>, dropped: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (!keys.has(key)) {
      dropped.push(key);
      continue;
    }
    const path = key.split('.');
    let node = out;
    for (const p of path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  return out;
}

export interface StackOptions {
  modelDir: string;
  runtime: string;
  /** detector.threads as the config takes it: a count or 'auto'. */
  threads: number | 'auto';
  /** Camera name -> dotted camera settings (url included). */
  cameras: Record<string, Record<string, unknown>>;
  /** Dotted daemon settings beyond mqtt/http/detector (e.g. 'scheduler.cpu_target'). */
  daemon?: Record<string, unknown>;
}

export interface LatencySample { t: number; camera: string; latency_ms: number }

export interface Tick {
  /** ms since the poller started. */
  t: number;
  cpu: CpuSample;
  /** The daemon's /status at that moment (null if it did not answer). */
  status: any;
}

export interface Stack {
  daemon: DaemonProcess;
  /** The private broker's URL (for more subscribers). */
  brokerUrl: string;
  httpPort: number;
  /** Settings the bench wanted but this build's schema does not have. */
  dropped: string[];
  latencies: LatencySample[];
  ticks: Tick[];
  startedAt: number;
  status(): Promise<any>;
}

/** Starts broker, subscriber, daemon and poller; everything is stopped when `scope` closes. */
export async function startStack(scope: Scope, options: StackOptions): Promise<Stack> {
  const broker = new Mosquitto(await freePort());
  scope.defer('mosquitto', () => broker.dispose());
  await broker.start();

  const dropped: string[] = [];
  const httpPort = await freePort();
  const daemonConfig = known(
    {
      'mqtt.url': broker.url,
      'mqtt.base_topic': BASE,
      'mqtt.client_id': `lookout-bench-${httpPort}`,
      'http.host': '127.0.0.1',
      'http.port': httpPort,
      'logging.level': 'warn',
      'detector.runtime': options.runtime,
      'detector.model': options.modelDir,
      'detector.threads': options.threads,
      ...options.daemon,
    },
    daemonKeys,
    dropped,
  );
  const cameras: Record<string, object> = {};
  for (const [name, settings] of Object.entries(options.cameras)) cameras[name] = known(settings, cameraKeys, dropped);
  const config = writeConfig(daemonConfig, cameras);
  scope.defer('config dir', () => config.remove());

  const latencies: LatencySample[] = [];
  const startedAt = Date.now();
  const client: MqttClient = await connectAsync(broker.url, { clientId: `bench-sub-${httpPort}`, clean: true });
  scope.defer('mqtt subscriber', () => client.endAsync(true));
  client.on('message', (topic, payload) => {
    const now = Date.now();
    if (!topic.endsWith('/detections')) return;
    try {
      const p = JSON.parse(payload.toString()) as { camera: string; captured_at: string };
      latencies.push({ t: now - startedAt, camera: p.camera, latency_ms: now - Date.parse(p.captured_at) });
    } catch {
      /* not a detections payload */
    }
  });
  await client.subscribeAsync(`${BASE}/+/detections`, { qos: 0 });

  const daemon = new DaemonProcess(['run', '--config', config.configFile], deployedEnv());
  scope.defer('daemon', () => stopDaemon(daemon));

  const ticks: Tick[] = [];
  const meter = new CpuMeter(daemon.pid);
  const status = async () => (await getJson(httpPort, '/status')).body;
  let polling = true;
  const poll = (async () => {
    while (polling && daemon.running) {
      const next = Date.now() + 1000;
      const cpu = meter.sample();
      const s = await status().catch(() => null);
      ticks.push({ t: Date.now() - startedAt, cpu, status: s });
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  })();
  scope.defer('poller', async () => {
    polling = false;
    await poll;
  });

  return { daemon, brokerUrl: broker.url, httpPort, dropped, latencies, ticks, startedAt, status };
}

/** SIGTERM, SIGKILL after 10 s; then SIGKILL any ffmpeg the daemon left behind (there should be none). */
async function stopDaemon(daemon: DaemonProcess): Promise<void> {
  const tree = daemon.running ? processTree(daemon.pid).filter((p) => p.pid !== daemon.pid) : [];
  await daemon.stop('SIGTERM', 10_000);
  for (const { pid } of tree) {
    try {
      process.kill(pid, 'SIGKILL');
      console.error(`bench: daemon left pid ${pid} running; killed it`);
    } catch {
      /* gone, as it should be */
    }
  }
}

/** Waits until every camera has inferred at least one frame; fails with the daemon's output otherwise. */
export async function waitForInference(stack: Stack, cameras: string[], timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!stack.daemon.running) {
      const { code } = await stack.daemon.exited;
      throw new Error(`daemon exited (${code}) before inferring:\n${tail(stack)}`);
    }
    const s = await stack.status().catch(() => null);
    if (s && cameras.every((c) => (s.cameras?.[c]?.detector?.inferences ?? 0) > 0)) return;
    if (Date.now() > deadline) throw new Error(`no inference on every camera within ${timeoutMs} ms:\n${tail(stack)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function tail(stack: Stack): string {
  return `${stack.daemon.stderr.slice(-1500)}\n${stack.daemon.stdout.slice(-1500)}`.trim();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Candidate names of the per-camera motion gate switch, in order of preference; the first the schema knows is used. */
const MOTION_SWITCH_KEYS = ['motion.enabled', 'detect.motion.enabled', 'detect.motion', 'motion_gate.enabled'];

/** The camera key that turns motion gating on/off in this build, or null when it has none. */
export function motionSwitchKey(): string | null {
  return MOTION_SWITCH_KEYS.find((k) => cameraKeys.has(k)) ?? null;
}
