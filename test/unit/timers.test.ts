import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/clock.js';
import { checkedDelay, MAX_TIMER_MS, setTimer, TimerDelayError } from '../../src/timers.js';

test('a delay a timer cannot honour is refused with ETIMER_DELAY', (t) => {
  for (const ms of [MAX_TIMER_MS + 1, 3_000_000_000, 1e12, Number.MAX_SAFE_INTEGER, Infinity, -1, -0.5, NaN]) {
    const error = t.throws(() => setTimer(() => t.fail('must never fire'), ms), { instanceOf: TimerDelayError }, `${ms} ms is refused`);
    t.is(error?.code, 'ETIMER_DELAY', `${ms}: typed code`);
    t.throws(() => systemClock.setTimeout(() => t.fail('must never fire'), ms), { instanceOf: TimerDelayError }, `systemClock refuses ${ms} ms too`);
  }
});

test('delays from 0 to 2^31-1 ms are taken as they are', async (t) => {
  t.is(checkedDelay(0), 0);
  t.is(checkedDelay(1.5), 1.5);
  t.is(checkedDelay(MAX_TIMER_MS), MAX_TIMER_MS);
  const long = setTimer(() => t.fail('must not fire during the test'), MAX_TIMER_MS);
  clearTimeout(long);
  await new Promise<void>((resolve) => setTimer(resolve, 0));
  t.pass('a 0 ms timer fires');
});

test('no file under src/ arms a timer except through timers.ts', (t) => {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.d.mts')) files.push(path);
    }
  };
  walk(src);
  const offenders: string[] = [];
  for (const file of files) {
    const rel = relative(src, file);
    if (rel === 'timers.ts') continue;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      // A bare call (not clock.setTimeout / this.#clock.setTimeout, not a method declaration).
      if (/(^|[^.\w#])(setTimeout|setInterval)\s*\(/.test(line) && !/^\s*(setTimeout|setInterval)\s*\(\w+: /.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
      if (/timers\/promises|AbortSignal\.timeout/.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  t.deepEqual(offenders, [], 'every timer goes through setTimer (via a Clock or directly)');
});
