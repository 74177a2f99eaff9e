/**
 * The real services an integration test needs: a private mosquitto, the
 * GStreamer RTSP server fixture, and the built daemon configured for them.
 * Everything is registered with t.teardown, so it is stopped whether the test
 * passes or fails.
 */
import type { ExecutionContext } from 'ava';
import { Mosquitto } from './mosquitto.js';
import { freePort } from './ports.js';
import { startRtspServer, type RtspServer, type RtspServerOptions } from './rtsp.js';
import { childFfmpegPids, DaemonProcess, writeConfig, type ConfigDir } from './daemon.js';
import { MqttWatch } from './mqtt-watch.js';
import { generateTestModel } from './test-model/index.js';

export const BASE = 'lk';
/** Input size of the generated test model, and so the cameras' detect size. */
export const MODEL_SIZE = 160;

export async function startBroker(t: ExecutionContext): Promise<Mosquitto> {
  const broker = new Mosquitto(await freePort());
  t.teardown(() => broker.dispose());
  await broker.start();
  return broker;
}

export async function startCamera(t: ExecutionContext, opts: RtspServerOptions = {}): Promise<RtspServer> {
  const server = await startRtspServer(opts);
  t.teardown(() => server.stop());
  return server;
}

export async function watch(t: ExecutionContext, broker: Mosquitto): Promise<MqttWatch> {
  const w = await MqttWatch.start(broker.url, `${BASE}/#`);
  t.teardown(() => w.stop());
  return w;
}

/** A camera file for an RTSP test stream: small frames and short timeouts keep tests quick. */
export function rtspCamera(url: string, extra: object = {}): object {
  return { url, detect: { fps: 5 }, stall_timeout_s: 3, rtsp_timeout_s: 2, ...extra };
}

export interface Stack {
  daemon: DaemonProcess;
  config: ConfigDir;
  httpPort: number;
}

export async function startDaemon(
  t: ExecutionContext,
  broker: Mosquitto,
  cameras: Record<string, object | string>,
  options: { daemon?: object; env?: NodeJS.ProcessEnv; runtime?: 'onnx' | 'tfjs'; modelSize?: number } = {},
): Promise<Stack> {
  const httpPort = await freePort();
  // The generated test network: it boxes bright pixels, so results are exact.
  const model = generateTestModel({ size: options.modelSize ?? MODEL_SIZE });
  const config = writeConfig(
    {
      mqtt: { url: broker.url, base_topic: BASE, stats_interval_s: 1, client_id: `lookout-test-${httpPort}` },
      http: { host: '127.0.0.1', port: httpPort },
      logging: { level: 'debug' },
      detector: { runtime: options.runtime ?? 'onnx', model, threads: 1 },
      ...options.daemon,
    },
    cameras,
  );
  t.teardown(() => config.remove());
  const daemon = new DaemonProcess(['run', '--config', config.configFile], options.env);
  t.teardown(async () => {
    // Graceful first, so the daemon reaps its own ffmpegs; then make sure.
    const children = daemon.running ? childFfmpegPids(daemon.pid) : [];
    await daemon.stop('SIGTERM', 10_000);
    // A failed test shows what the daemon said: a timeout alone cannot tell a camera that never
    // connected from a status that was never published.
    if (!t.passed) t.log(`daemon log (last 40 lines):\n${daemon.stdout.split('\n').slice(-41).join('\n')}\nstderr:\n${daemon.stderr.slice(-2000)}`);
    for (const pid of children) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone, as it should be */
      }
    }
  });
  return { daemon, config, httpPort };
}
