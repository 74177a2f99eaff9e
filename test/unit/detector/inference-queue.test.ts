import test from 'ava';
import type { Clock } from '../../../src/clock.js';
import { InferenceQueue, type InferenceJob } from '../../../src/detector/inference-queue.js';

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1000;
  return {
    now: () => now,
    advance: (ms) => { now += ms; },
    setTimeout: () => { throw new Error('the queue sets no timers'); },
    clearTimeout: () => undefined,
  };
}

/** A handler whose jobs finish only when the test says so. */
function controlledHandler() {
  const started: Array<{ job: InferenceJob<string>; worker: string; finish: (err?: Error) => void }> = [];
  const handle = (job: InferenceJob<string>, worker: string) =>
    new Promise<void>((resolve, reject) => {
      started.push({ job, worker, finish: (err) => (err ? reject(err) : resolve()) });
    });
  return { started, handle, frames: () => started.map((s) => s.job.frame) };
}

const settle = () => new Promise((r) => setImmediate(r));

test('latest frame wins: a waiting frame replaced by a newer one counts as skipped busy', async (t) => {
  const clock = manualClock();
  const h = controlledHandler();
  const q = new InferenceQueue({ workers: ['w0'], handle: h.handle, clock });
  q.push('a', 'a1');
  q.push('a', 'a2');
  q.push('a', 'a3');
  t.deepEqual(h.frames(), ['a1'], 'only one job in flight on one worker');
  h.started[0]!.finish();
  await settle();
  t.deepEqual(h.frames(), ['a1', 'a3'], 'a2 was replaced by a3 while waiting');
  t.like(q.stats('a'), { enqueued: 3, skippedBusy: 1, runs: 1 }, 'one skip, one finished run');
  h.started[1]!.finish();
  await q.stop();
});

test('round-robin across cameras: a busy camera cannot starve the others', async (t) => {
  const h = controlledHandler();
  const q = new InferenceQueue({ workers: ['w0'], handle: h.handle, clock: manualClock() });
  q.push('a', 'a1');
  q.push('a', 'a2');
  q.push('b', 'b1');
  q.push('c', 'c1');
  for (let i = 0; i < 3; i++) {
    h.started[i]!.finish();
    await settle();
    if (i === 0) q.push('a', 'a3'); // a keeps producing while b and c wait
  }
  t.deepEqual(h.frames(), ['a1', 'b1', 'c1', 'a3'], 'after a comes b, then c, then a again');
  h.started[3]!.finish();
  await q.stop();
});

test('two workers run two cameras at once, never one camera twice', async (t) => {
  const h = controlledHandler();
  const q = new InferenceQueue({ workers: ['w0', 'w1'], handle: h.handle, clock: manualClock() });
  q.push('a', 'a1');
  q.push('a', 'a2');
  t.deepEqual(h.frames(), ['a1'], 'a2 waits for a1 although w1 is free (per-camera order)');
  q.push('b', 'b1');
  t.deepEqual(h.started.map((s) => `${s.job.frame}@${s.worker}`), ['a1@w0', 'b1@w1'], 'b runs on the second worker');
  t.is(q.inFlight, 2, 'two jobs in flight');
  h.started[1]!.finish();
  await settle();
  t.is(h.started.length, 2, 'freeing w1 does not start a2 while a1 still runs');
  h.started[0]!.finish();
  await settle();
  t.deepEqual(h.started.map((s) => `${s.job.frame}@${s.worker}`).slice(2), ['a2@w1'], 'a2 starts once a1 is done, on the idle worker');
  h.started[2]!.finish();
  await q.stop();
});

test('timings come from the injected clock: wait, mean and p95 run ms', async (t) => {
  const clock = manualClock();
  const h = controlledHandler();
  const q = new InferenceQueue({ workers: ['w0'], handle: h.handle, clock });
  const durations = [10, 20, 30, 40];
  for (const [i, ms] of durations.entries()) {
    q.push('a', `a${i}`);
    clock.advance(ms);
    h.started[i]!.finish();
    await settle();
  }
  q.push('b', 'b0'); // starts at once
  clock.advance(5);
  q.push('a', 'late'); // waits behind b0
  clock.advance(7);
  h.started[4]!.finish();
  await settle();
  t.like(q.stats('a'), { runs: 4, runMsMean: 25, runMsP95: 40, lastWaitMs: 7 }, 'mean of 10..40, nearest-rank p95, waited 7 ms behind b0');
  h.started[5]!.finish();
  await q.stop();
});

test('a failing job is counted and reported; the queue goes on', async (t) => {
  const h = controlledHandler();
  const errors: string[] = [];
  const q = new InferenceQueue({ workers: ['w0'], handle: h.handle, clock: manualClock(), onError: (err, job) => errors.push(`${job.frame}: ${(err as Error).message}`) });
  q.push('a', 'a1');
  q.push('a', 'a2');
  h.started[0]!.finish(new Error('boom'));
  await settle();
  t.deepEqual(errors, ['a1: boom'], 'onError got the job and the error');
  t.deepEqual(h.frames(), ['a1', 'a2'], 'next frame still runs');
  t.like(q.stats('a'), { errors: 1, runs: 1 }, 'error counted');
  h.started[1]!.finish();
  await q.stop();
});

test('stop drops waiting frames, waits for running ones and refuses new ones', async (t) => {
  const h = controlledHandler();
  const q = new InferenceQueue({ workers: ['w0'], handle: h.handle, clock: manualClock() });
  q.push('a', 'a1');
  q.push('b', 'b1');
  let stopped = false;
  const stopping = q.stop().then(() => { stopped = true; });
  q.push('c', 'c1');
  await settle();
  t.false(stopped, 'stop waits for the running job');
  h.started[0]!.finish();
  await stopping;
  t.deepEqual(h.frames(), ['a1'], 'b1 dropped, c1 refused');
  await t.notThrowsAsync(q.stop(), 'second stop is harmless');
});

test('release() hands the worker to the next frame before the handler ends; the held time is what counts as busy', async (t) => {
  const clock = manualClock();
  const started: Array<{ frame: string; release: () => void; finish: () => void }> = [];
  const handle = (job: InferenceJob<string>, _worker: string, release: () => void) =>
    new Promise<void>((resolve) => started.push({ frame: job.frame, release, finish: resolve }));
  const q = new InferenceQueue({ workers: ['w0'], handle, clock });
  q.push('a', 'a1');
  q.push('a', 'a2');
  t.deepEqual(started.map((s) => s.frame), ['a1']);
  clock.advance(30);
  started[0]!.release();
  // Same camera, same worker: a2 starts while a1's handler is still decoding and publishing.
  t.deepEqual(started.map((s) => s.frame), ['a1', 'a2']);
  t.is(q.inFlight, 2);
  clock.advance(5);
  started[0]!.release(); // a second call changes nothing
  started[0]!.finish();
  await settle();
  t.is(q.busyMs, 30, 'a1 held the worker for 30 ms, not the 35 ms its handler took');
  t.like(q.stats('a'), { runs: 1, runMsMean: 30 });
  q.push('a', 'a3');
  t.deepEqual(started.map((s) => s.frame), ['a1', 'a2'], 'a3 waits: a2 holds the worker');
  started[1]!.finish(); // never released: the end of the handler releases
  await settle();
  t.deepEqual(started.map((s) => s.frame), ['a1', 'a2', 'a3']);
  started[2]!.finish();
  await q.stop();
  t.is(q.stats('a').runs, 3);
});

test('maxWaiting caps the frames waiting over all cameras; the camera served most recently gives way', async (t) => {
  const clock = manualClock();
  const h = controlledHandler();
  const q = new InferenceQueue({ workers: ['w0'], handle: h.handle, clock, maxWaiting: 1 });
  q.push('a', 'a1');
  clock.advance(10);
  q.push('b', 'b1');
  t.deepEqual(h.frames(), ['a1'], 'a1 runs, b1 waits');
  q.push('c', 'c1');
  t.like(q.stats('c'), { enqueued: 1, skippedBusy: 1 }, 'c1 is skipped: b, never served either, holds the one waiting place');
  q.push('a', 'a2');
  t.like(q.stats('a'), { skippedBusy: 1 }, 'a2 is skipped: a was served just now, b waits longer');
  h.started[0]!.finish();
  await settle();
  t.deepEqual(h.frames(), ['a1', 'b1'], 'b1 runs next');
  clock.advance(10);
  q.push('a', 'a3');
  clock.advance(10);
  q.push('c', 'c2');
  t.like(q.stats('a'), { skippedBusy: 2 }, 'a3 gives way to c2: c was never served, a was');
  clock.advance(10);
  h.started[1]!.finish();
  await settle();
  t.deepEqual(h.frames(), ['a1', 'b1', 'c2'], 'c runs, so every camera had its turn');
  t.like(q.stats('c'), { enqueued: 2, skippedBusy: 1 }, 'c: one skipped, one run');
  // A wait never spans more than the run in progress: the job that started waited only behind it.
  t.is(q.stats('c').lastWaitMs, 10, 'c2 waited 10 ms, behind b1 alone');
  h.started[2]!.finish();
  await q.stop();
});
