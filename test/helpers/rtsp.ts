import { spawn, type ChildProcess } from 'node:child_process';
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
  /**
   * Or an ffmpeg -filter_complex graph of source filters whose output is
   * labelled [out0], played at real time; its filters take commands at run
   * time through RtspServer.command() (e.g. move an overlay when a test says so).
   */
  graph?: string;
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
  /**
   * With graph: sends `TARGET COMMAND ARG` to the feeder's filters now (ffmpeg's
   * `c` key on its stdin), e.g. command('overlay@sq', 'x', '20+mod(t*40,240)').
   */
  command(target: string, command: string, arg: string): void;
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
  const input = opts.clip
    ? ['-nostdin', '-stream_loop', '-1', '-re', '-i', opts.clip]
    : opts.graph !== undefined
      ? // No input to pace with -re: the realtime filter does; stdin stays open for commands.
        ['-filter_complex', `${opts.graph};[out0]realtime[rt]`, '-map', '[rt]']
      : ['-nostdin', '-re', '-f', 'lavfi', '-i', opts.lavfi!];
  // Re-encode: `-c copy` into RTP breaks after the first loop (PLATFORM.md).
  return ['-hide_banner', '-loglevel', 'error', ...input, '-an', '-c:v', 'libx264', '-preset', 'ultrafast',
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
  const udpPort = opts.clip || opts.lavfi || opts.graph !== undefined ? await freeUdpPort() : null;
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
    if (udpPort !== null) {
      // A graph's feeder takes commands on stdin; spawnGroup's children have none.
      feeder = track(opts.graph !== undefined
        ? spawn('ffmpeg', feederArgs(opts, udpPort), { detached: true, stdio: ['pipe', 'ignore', 'ignore'] })
        : spawnGroup('ffmpeg', feederArgs(opts, udpPort)));
      feeder.stdin?.on('error', () => undefined); // a feeder that died: stop() and the test's checks say so
    }
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
      command: (target, command, arg) => {
        if (!feeder?.stdin) throw new Error('command() needs a server started with the graph option');
        // ffmpeg reads `c`, then one line: target, time (-1: now), command, argument.
        feeder.stdin.write(`c${target} -1 ${command} ${arg}\n`);
      },
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
