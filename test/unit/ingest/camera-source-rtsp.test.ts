import test from 'ava';
import { pino } from 'pino';
import { CameraSource, type StateChange } from '../../../src/ingest/camera-source.js';
import type { Frame } from '../../../src/ingest/frame.js';
import { psLine } from '../../helpers/processes.js';
import { startRtspServer } from '../../helpers/rtsp.js';

// Real RTSP server fixture, real ffmpeg, real timers.

function newSource(url: string, stallTimeoutS = 10, rtspTimeoutS = 5): CameraSource {
  return new CameraSource({
    name: 'rtsp', url, fps: 5, width: 64, height: 64, stallTimeoutS, rtspTimeoutS,
    logger: pino({ level: 'silent' }),
    backoff: { initialMs: 60_000, jitter: 0 }, // no reconnect noise during the test
  });
}

function next<T>(source: CameraSource, event: 'frame' | 'state', ms: number, pred: (v: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { source.off(event, on as never); reject(new Error(`no matching '${event}' within ${ms} ms`)); }, ms);
    const on = (v: T) => { if (pred(v)) { clearTimeout(timer); source.off(event, on as never); resolve(v); } };
    source.on(event, on as never);
  });
}

test('streams from the RTSP fixture and goes offline within 2 s when the server is killed', async (t) => {
  const server = await startRtspServer({ size: '320x240', fps: 10 });
  t.teardown(() => server.stop());
  const source = newSource(server.url);
  t.teardown(() => source.stop());
  const firstFrame = next<Frame>(source, 'frame', 15_000);
  await source.start();
  const frame = await firstFrame;
  t.is(frame.data.length, 64 * 64 * 3, 'frame size');
  t.is(source.stats.source?.width, 320, 'probed width');
  const pid = source.ffmpegPid!;

  const offline = next<StateChange>(source, 'state', 5000, (s) => s.state === 'offline');
  const killedAt = Date.now();
  await server.stop();
  const state = await offline;
  const took = Date.now() - killedAt;
  t.true(took < 2000, `offline ${took} ms after the server was killed`);
  t.regex(state.reason ?? '', /^ffmpeg exited \(code \d+\)/, 'reason says ffmpeg exited');
  t.is(psLine(pid), null, 'the exited ffmpeg was reaped');
});

test('a stalled server (SIGSTOP) is detected after stall_timeout_s and ffmpeg is killed', async (t) => {
  const server = await startRtspServer({ size: '160x120', fps: 10 });
  t.teardown(() => server.stop());
  const source = newSource(server.url, 1, 5);
  t.teardown(() => source.stop());
  const firstFrame = next<Frame>(source, 'frame', 15_000);
  await source.start();
  await firstFrame;
  const pid = source.ffmpegPid!;

  const offline = next<StateChange>(source, 'state', 5000, (s) => s.state === 'offline');
  server.pause();
  const state = await offline;
  t.is(state.reason, 'stalled: no frame for 1 s', 'stall reason');
  t.is(source.stats.stalls, 1, 'counted as a stall');
  await source.stop();
  t.is(psLine(pid), null, 'stalled ffmpeg is gone after stop()');
});

test('the fixture relays an ffmpeg-fed RTP stream (--udp-port)', async (t) => {
  const server = await startRtspServer({ lavfi: 'testsrc=size=160x120:rate=10' });
  t.teardown(() => server.stop());
  const source = newSource(server.url);
  t.teardown(() => source.stop());
  const firstFrame = next<Frame>(source, 'frame', 20_000);
  await source.start();
  const frame = await firstFrame;
  t.is(frame.data.length, 64 * 64 * 3, 'frame size');
  t.deepEqual(source.stats.source, { width: 160, height: 120, fps: source.stats.source?.fps ?? null, codec: 'h264' }, 'relayed H.264 160x120');
});
