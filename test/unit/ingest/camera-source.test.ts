import test from 'ava';
import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { CameraSource, type CameraSourceOptions, type StateChange } from '../../../src/ingest/camera-source.js';
import type { Frame, SourceInfo } from '../../../src/ingest/frame.js';
import type { ProbeOptions } from '../../../src/ingest/probe.js';
import { FakeClock } from '../../helpers/fake-clock.js';

/** Stands in for ffmpeg: the test writes its stdout/stderr and decides when it exits. */
class FakeChild extends EventEmitter {
  static nextPid = 4_000_000;
  readonly pid = FakeChild.nextPid++;
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  exitCode: number | null = null;
  signalCode: string | null = null;
  constructor(readonly args: readonly string[]) { super(); }
  out(bytes: number): void { this.stdout.emit('data', Buffer.alloc(bytes, 7)); }
  err(text: string): void { this.stderr.emit('data', Buffer.from(text)); }
  exit(code: number | null, signal: string | null = null): void {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const FRAME = 4 * 2 * 3; // 4x2 rgb24
const INFO: SourceInfo = { width: 8, height: 4, fps: 25, codec: 'h264' };
const URL = 'rtsp://admin:hunter2@cam.local/stream';

function setup(probeImpl?: (url: string, o: ProbeOptions) => Promise<SourceInfo>, overrides: Partial<CameraSourceOptions> = {}) {
  const clock = new FakeClock();
  const children: FakeChild[] = [];
  const kills: number[] = [];
  const probes: ProbeOptions[] = [];
  const source = new CameraSource({
    name: 'door', url: URL, fps: 5, width: 4, height: 2, stallTimeoutS: 10, rtspTimeoutS: 5,
    ...overrides,
    logger: pino({ level: 'silent' }),
    clock,
    backoff: { random: () => 0 },
    probe: async (url, o) => { probes.push(o); return probeImpl ? probeImpl(url, o) : INFO; },
    processes: {
      spawn: (_cmd, args) => { const c = new FakeChild(args); children.push(c); return c as unknown as ChildProcess; },
      kill: async (child) => { const c = child as unknown as FakeChild; kills.push(c.pid); if (c.exitCode === null && c.signalCode === null) c.exit(null, 'SIGTERM'); },
    },
  });
  const states: StateChange[] = [];
  const frames: Frame[] = [];
  const sources: SourceInfo[] = [];
  source.on('state', (s) => states.push(s));
  source.on('frame', (f) => frames.push(f));
  source.on('source', (s) => sources.push(s));
  return { clock, source, children, kills, probes, states, frames, sources };
}

test('probes, spawns ffmpeg with the letterbox, and emits whole frames with seq and capture time', async (t) => {
  const { clock, source, children, states, frames, sources } = setup();
  await source.start();
  await flush();
  t.deepEqual(sources, [INFO], 'source info reported');
  t.is(children.length, 1, 'one ffmpeg');
  const child = children[0]!;
  t.true(child.args.includes('fps=5,scale=4:2,pad=4:2:0:0:color=0x727272'), 'filter uses probed geometry');
  child.out(FRAME + 10);
  clock.advance(200);
  child.out(FRAME - 10);
  t.deepEqual(frames.map((f) => [f.seq, f.capturedAt, f.data.length]), [
    [1, clock.now() - 200, FRAME],
    [2, clock.now(), FRAME],
  ], 'frames in order, timestamped when their last byte arrived');
  t.deepEqual(frames[0]!.letterbox, { srcWidth: 8, srcHeight: 4, dstWidth: 4, dstHeight: 2, scaledWidth: 4, scaledHeight: 2, padX: 0, padY: 0, scaleX: 0.5, scaleY: 0.5 });
  t.deepEqual(states, [{ state: 'connecting', reason: null }, { state: 'streaming', reason: null }]);
  t.is(source.stats.framesIn, 2);
  t.is(source.stats.fpsIn, 2 / 5, 'two frames over the 5 s window');
  t.is(source.ffmpegPid, child.pid);
  await source.stop();
});

test('a source slower than detect.fps lowers the fps filter to the source rate', async (t) => {
  const { source, children } = setup(async () => ({ ...INFO, fps: 2 }));
  await source.start();
  await flush();
  t.true(children[0]!.args.some((a) => a.startsWith('fps=2,')), 'fps capped at the source rate');
  await source.stop();
});

test('ffmpeg exiting with code 0 is a disconnect: offline with masked reason, backoff, restart, seq continues', async (t) => {
  const { clock, source, children, states, frames } = setup();
  await source.start();
  await flush();
  children[0]!.out(FRAME * 2);
  children[0]!.err('rtsp://admin:hunter2@cam.local/stream: End of file\n');
  children[0]!.exit(0);
  t.deepEqual(states.at(-1), { state: 'offline', reason: 'ffmpeg exited (code 0): rtsp://admin:***@cam.local/stream: End of file' });
  t.deepEqual(clock.pending, [1000], 'one restart timer at the first backoff step');
  clock.advance(999);
  await flush();
  t.is(children.length, 1, 'not restarted before the delay');
  clock.advance(1);
  await flush();
  t.is(children.length, 2, 'restarted');
  t.is(source.stats.reconnects, 1);
  children[1]!.out(FRAME);
  t.deepEqual(frames.map((f) => f.seq), [1, 2, 3], 'sequence continues across restarts');
  await source.stop();
});

test('a stall kills ffmpeg, counts a stall and restarts after backoff', async (t) => {
  const { clock, source, children, kills, states } = setup();
  await source.start();
  await flush();
  children[0]!.out(FRAME);
  clock.advance(9999);
  t.deepEqual(kills, [], 'no kill before stall_timeout_s');
  children[0]!.out(FRAME); // a frame re-arms the stall timer
  clock.advance(9999);
  t.deepEqual(kills, [], 'still alive 9.999 s after the last frame');
  clock.advance(1);
  t.deepEqual(kills, [children[0]!.pid], 'killed at exactly 10 s without a frame');
  t.deepEqual(states.at(-1), { state: 'offline', reason: 'stalled: no frame for 10 s' });
  t.is(source.stats.stalls, 1);
  t.deepEqual(clock.pending, [1000], 'restart scheduled once the old ffmpeg exited');
  clock.advance(1000);
  await flush();
  t.is(children.length, 2, 'new ffmpeg');
  await source.stop();
});

test('probe failures back off 1 s, 2 s, 4 s; a healthy minute resets the backoff', async (t) => {
  let fail = true;
  const { clock, source, children, states } = setup(async () => {
    if (fail) throw new Error('probe of rtsp://admin:***@cam.local/stream failed: Connection refused');
    return INFO;
  });
  await source.start();
  await flush();
  t.deepEqual(states.at(-1), { state: 'offline', reason: 'probe of rtsp://admin:***@cam.local/stream failed: Connection refused' });
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    delays.push(clock.pending[0]!);
    clock.advance(clock.pending[0]!);
    await flush();
  }
  t.deepEqual(delays, [1000, 2000, 4000], 'doubling');
  t.is(children.length, 0, 'never spawned without a probe');
  fail = false;
  clock.advance(clock.pending[0]!);
  await flush();
  t.is(children.length, 1);
  for (let s = 0; s < 12; s++) { children[0]!.out(FRAME); clock.advance(5000); } // 60 s healthy
  children[0]!.exit(0);
  t.deepEqual(clock.pending, [1000], 'back to 1 s after a healthy minute');
  await source.stop();
});

test('stop during backoff cancels the restart; stop twice is safe', async (t) => {
  const { clock, source, children, states } = setup();
  await source.start();
  await flush();
  children[0]!.exit(1);
  t.deepEqual(clock.pending, [1000]);
  await Promise.all([source.stop(), source.stop()]);
  await source.stop();
  t.deepEqual(clock.pending, [], 'no timers left');
  clock.advance(60_000);
  await flush();
  t.is(children.length, 1, 'no restart after stop');
  t.deepEqual(states.at(-1), { state: 'offline', reason: 'stopped' });
});

test('stop during probe aborts it and never spawns', async (t) => {
  let release!: (info: SourceInfo) => void;
  const { source, children, probes } = setup((_url, o) => new Promise((resolve) => {
    release = resolve;
    o.signal?.addEventListener('abort', () => resolve(INFO));
  }));
  await source.start();
  await flush();
  const stopped = source.stop();
  t.true(probes[0]!.signal!.aborted, 'probe told to abort');
  await stopped;
  release(INFO);
  await flush();
  t.is(children.length, 0, 'no ffmpeg after stop');
});

test('stop while streaming kills ffmpeg and leaves no timers', async (t) => {
  const { clock, source, children, kills } = setup();
  await source.start();
  await flush();
  children[0]!.out(FRAME);
  await source.stop();
  t.deepEqual(kills, [children[0]!.pid], 'ffmpeg killed');
  t.deepEqual(clock.pending, [], 'stall timer cleared');
  t.is(source.ffmpegPid, null);
});

test('before the first frame a short stall_timeout_s is stretched to the startup allowance', async (t) => {
  const { clock, source, children, kills, states } = setup(undefined, { stallTimeoutS: 2, rtspTimeoutS: 5 });
  await source.start();
  await flush();
  clock.advance(9999);
  t.deepEqual(kills, [], 'still starting after 9.999 s');
  clock.advance(1);
  t.deepEqual(kills, [children[0]!.pid], 'killed at max(10 s, 2 x rtsp_timeout_s)');
  t.deepEqual(states.at(-1), { state: 'offline', reason: 'stalled: no frame for 10 s' });
  clock.advance(1000);
  await flush();
  children[1]!.out(FRAME);
  clock.advance(2000);
  t.deepEqual(kills, [children[0]!.pid, children[1]!.pid], 'once streaming, stall_timeout_s itself applies');
  await source.stop();
});

test('a picture size change inside the stream restarts ffmpeg at the new size, without probing or backoff', async (t) => {
  const { clock, source, children, probes, states, frames, sources } = setup();
  await source.start();
  await flush();
  const first = children[0]!;
  // ffmpeg 5.1 at -loglevel level+verbose, as it configures the graph for the probed 8x4 picture: no restart.
  first.err('[graph 0 input from stream 0:0 @ 0x55d0] [verbose] w:8 h:4 pixfmt:yuv420p tb:1/90000 fr:25/1 sar:1/1\n');
  first.out(FRAME);
  t.is(children.length, 1, 'the size the letterbox was made for: nothing to do');
  // The camera switches to 16x4 (a wider picture) without dropping the session.
  first.err('[h264 @ 0x55d1] [verbose] Reinit context to 16x16, pix_fmt: yuv420p\n[graph 0 input from stream 0:0 @ 0x55d2] [verbose] w:16 h:4 pixfmt:yuv420p tb:1/90000 fr:25/1 sar:1/1\n');
  first.out(FRAME);
  await flush();
  t.is(frames.length, 1, 'frames of the old run after the change are dropped (scaled for the old size)');
  t.is(children.length, 2, 'ffmpeg restarted at once, no backoff timer');
  t.is(probes.length, 1, 'no second probe: the size comes from ffmpeg');
  t.true(children[1]!.args.includes('fps=5,scale=4:1,pad=4:2:0:0:color=0x727272'), `new letterbox for 16x4: ${children[1]!.args.join(' ')}`);
  t.deepEqual(sources, [INFO, { ...INFO, width: 16, height: 4 }], 'the new source size is reported');
  t.deepEqual(states.at(-1), { state: 'connecting', reason: 'picture size changed from 8x4 to 16x4' }, 'the state says why');
  children[1]!.err('[graph 0 input from stream 0:0 @ 0x55d3] [verbose] w:16 h:4 pixfmt:yuv420p tb:1/90000 fr:25/1 sar:1/1\n');
  children[1]!.out(FRAME);
  t.is(children.length, 2, 'the restarted ffmpeg agrees with its letterbox: no loop');
  t.deepEqual(frames.at(-1)!.letterbox, { srcWidth: 16, srcHeight: 4, dstWidth: 4, dstHeight: 2, scaledWidth: 4, scaledHeight: 1, padX: 0, padY: 0, scaleX: 0.25, scaleY: 0.25 }, 'frames carry the new letterbox, so boxes map back to 16x4 pixels');
  t.is(states.at(-1)!.state, 'streaming');
  t.like(source.stats, { sizeChanges: 1, reconnects: 0 }, 'counted as a size change, not a reconnect');
  clock.advance(60_000);
  t.is(children.length, 2, 'no timer restarts it again');
  await source.stop();
});
