import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killGroup, spawnGroup } from '../../src/ingest/process-group.js';
import { freePort, freeUdpPort } from './ports.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/rtsp-server.py', import.meta.url));

export interface RtspServerOptions {
  /** videotestsrc pattern (default 'ball'), when serving the built-in test picture. */
  pattern?: string;
  size?: string;
  fps?: number;
  /** Serve this video file in a loop instead (fed through ffmpeg -> RTP). */
  clip?: string;
  /** Or an ffmpeg lavfi source, e.g. 'testsrc=size=640x480:rate=10'. */
  lavfi?: string;
  readyTimeoutMs?: number;
  /** Listen on this port (to restart a server where clients expect it); default a free one. */
  port?: number;
  /** The test picture's second size (e.g. '640x360'): switchSize() toggles running streams to it and back. */
  switchSize?: string;
}

export interface RtspServer {
  url: string;
  /** pid of the RTSP server process. */
  pid: number;
  /** Kills server and feeder and waits until both are gone. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGSTOP: the server stops answering but keeps its sockets (a stalled camera). */
  pause(): void;
  resume(): void;
  /** With switchSize: toggles the picture size inside the running streams; resolves with the new size. */
  switchSize(): Promise<string>;
}

/** Processes started here that are still alive; killed if the test process exits early. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }
});

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function feederArgs(opts: RtspServerOptions, udpPort: number): string[] {
  const input = opts.clip ? ['-stream_loop', '-1', '-re', '-i', opts.clip] : ['-re', '-f', 'lavfi', '-i', opts.lavfi!];
  // Re-encode: `-c copy` into RTP breaks after the first loop (PLATFORM.md).
  return ['-hide_banner', '-loglevel', 'error', '-nostdin', ...input, '-an', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-tune', 'zerolatency', '-g', '10', '-f', 'rtp', `rtp://127.0.0.1:${udpPort}`];
}

/**
 * Starts test/fixtures/rtsp-server.py on a free loopback port (plus an ffmpeg
 * feeder for clip/lavfi) and resolves once it printed READY. Callers must
 * `t.teardown(server.stop)`.
 */
export async function startRtspServer(opts: RtspServerOptions = {}): Promise<RtspServer> {
  const port = opts.port ?? (await freePort());
  const args = [SCRIPT, String(port)];
  const udpPort = opts.clip || opts.lavfi ? await freeUdpPort() : null;
  if (udpPort !== null) args.push('--udp-port', String(udpPort));
  else args.push('--pattern', opts.pattern ?? 'ball', '--size', opts.size ?? '320x240', '--fps', String(opts.fps ?? 10));
  if (opts.switchSize !== undefined) args.push('--switch-size', opts.switchSize);

  const server = track(spawnGroup('/usr/bin/python3', args));
  let feeder: ChildProcess | null = null;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= Promise.all([killGroup(server, 3000), feeder ? killGroup(feeder, 3000) : undefined]).then(() => undefined);
    return stopping;
  };

  try {
    const url = await waitForReady(server, opts.readyTimeoutMs ?? 10_000);
    if (udpPort !== null) feeder = track(spawnGroup('ffmpeg', feederArgs(opts, udpPort)));
    return {
      url,
      pid: server.pid!,
      stop,
      pause: () => process.kill(server.pid!, 'SIGSTOP'),
      resume: () => process.kill(server.pid!, 'SIGCONT'),
      switchSize: () =>
        new Promise<string>((resolve) => {
          let out = '';
          const onOut = (d: Buffer) => {
            out += d.toString();
            const m = /^SWITCHED (\S+)$/m.exec(out);
            if (!m) return;
            server.stdout!.off('data', onOut);
            resolve(m[1]!);
          };
          server.stdout!.on('data', onOut);
          process.kill(server.pid!, 'SIGUSR1');
        }),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => finish(new Error(`rtsp-server.py not READY within ${timeoutMs} ms: ${err.trim()}`)), timeoutMs);
    const finish = (result: Error | string) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (typeof result === 'string') resolve(result);
      else reject(result);
    };
    // Stays attached after READY so the pipe keeps draining.
    const onOut = (d: Buffer) => {
      out += d.toString();
      const m = /^READY (\S+)$/m.exec(out);
      if (m) finish(m[1]!);
    };
    const onExit = (code: number | null) => finish(new Error(`rtsp-server.py exited (${code}) before READY: ${err.trim()}`));
    child.stdout!.on('data', onOut);
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.once('exit', onExit);
  });
}
