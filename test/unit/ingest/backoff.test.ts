import test from 'ava';
import { Backoff } from '../../../src/ingest/backoff.js';

test('without jitter: 1 s doubling up to the 30 s cap', (t) => {
  const b = new Backoff({ random: () => 0 });
  const delays = Array.from({ length: 8 }, () => b.next());
  t.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test('with a fixed random of 0.5 and jitter 0.2: each delay 10% shorter', (t) => {
  const b = new Backoff({ random: () => 0.5 });
  const delays = Array.from({ length: 7 }, () => b.next());
  t.deepEqual(delays, [900, 1800, 3600, 7200, 14400, 27000, 27000]);
});

test('jitter never exceeds the cap (random just below 1 and at 0)', (t) => {
  const high = new Backoff({ random: () => 0.999999 });
  const low = new Backoff({ random: () => 0 });
  for (let i = 0; i < 10; i++) {
    t.true(low.next() <= 30000, 'low jitter within cap');
    t.true(high.next() >= 800, 'at most 20% shorter');
  }
});

test('a minute of healthy streaming resets the sequence', (t) => {
  const b = new Backoff({ random: () => 0 });
  b.next(); b.next(); b.next();
  t.is(b.attempts, 3);
  b.markHealthy(10_000, 69_999); // 59.999 s: not yet
  t.is(b.next(), 8000, 'short healthy run keeps backing off');
  b.markHealthy(10_000, 70_000); // exactly 60 s
  t.is(b.attempts, 0, 'reset');
  t.is(b.next(), 1000, 'starts over at 1 s');
});

test('reset() and custom options', (t) => {
  const b = new Backoff({ initialMs: 100, maxMs: 500, jitter: 0, resetAfterMs: 10 });
  t.deepEqual([b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 500]);
  b.reset();
  t.is(b.next(), 100);
});

test('many failures do not overflow', (t) => {
  const b = new Backoff({ random: () => 0 });
  let last = 0;
  for (let i = 0; i < 2000; i++) last = b.next();
  t.is(last, 30000);
});
