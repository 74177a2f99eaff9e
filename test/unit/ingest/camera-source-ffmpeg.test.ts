import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { CameraSource, type StateChange } from '../../../src/ingest/camera-source.js';
import type { Frame, SourceInfo } from '../../../src/ingest/frame.js';
import { psLine } from '../../helpers/processes.js';

// Real ffmpeg/ffprobe on a generated 2 s clip; real timers.
const run = promisify(execFile);

async function makeClip(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-ingest-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const clip = join(dir, 'clip.mp4');
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
  return clip;
}

function waitFor<T>(what: string, ms: number, register: (done: (v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    register((v) => { clearTimeout(timer); resolve(v); });
  });
}

test('streams letterboxed rgb24 frames from a looping local file; stop() leaves no ffmpeg', async (t) => {
  const clip = await makeClip(t);
  const source = new CameraSource({
    name: 'file', url: clip, fps: 5, width: 64, height: 64, stallTimeoutS: 10, rtspTimeoutS: 5,
    logger: pino({ level: 'silent' }),
  });
  t.teardown(() => source.stop());
  const sources: SourceInfo[] = [];
  source.on('source', (s) => sources.push(s));
  const frames: Frame[] = [];
  const got = waitFor<void>('3 frames', 15_000, (done) => source.on('frame', (f) => { frames.push(f); if (frames.length === 3) done(); }));
  await source.start();
  await got;
  const pid = source.ffmpegPid;
  t.truthy(pid, 'ffmpeg pid known while streaming');
  t.deepEqual(sources, [{ width: 160, height: 120, fps: 10, codec: 'h264' }], 'probed source');
  t.deepEqual(frames.map((f) => f.data.length), [64 * 64 * 3, 64 * 64 * 3, 64 * 64 * 3], 'whole rgb24 frames');
  t.deepEqual(frames.map((f) => f.seq), [1, 2, 3], 'sequence numbers');
  t.deepEqual([frames[0]!.letterbox.scaledWidth, frames[0]!.letterbox.scaledHeight, frames[0]!.letterbox.padY], [64, 48, 8], 'letterbox');
  // Row 0 lies in the top padding: gray 114.
  t.deepEqual([...frames[0]!.data.subarray(0, 3)], [114, 114, 114], 'padding is gray 114');
  t.is(source.stats.state, 'streaming');

  await source.stop();
  t.is(psLine(pid!), null, `no process (not even a zombie) with ffmpeg's pid ${pid} after stop()`);
  t.deepEqual(source.stats.state, 'offline');
});

test('a missing file fails the probe: offline with a reason naming the file', async (t) => {
  const source = new CameraSource({
    name: 'missing', url: '/nonexistent/lookout/clip.mp4', fps: 5, width: 64, height: 64, stallTimeoutS: 10, rtspTimeoutS: 5,
    logger: pino({ level: 'silent' }),
  });
  t.teardown(() => source.stop());
  const offline = waitFor<StateChange>('offline', 10_000, (done) => source.on('state', (s) => s.state === 'offline' && done(s)));
  await source.start();
  const state = await offline;
  t.regex(state.reason ?? '', /^probe of \/nonexistent\/lookout\/clip\.mp4 failed: .*No such file or directory/, 'reason');
  t.is(source.ffmpegPid, null, 'ffmpeg never started');
});
