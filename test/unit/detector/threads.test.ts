import test from 'ava';
import { autoThreads, resolveThreads } from '../../../src/detector/runtimes/threads.js';

test('auto leaves one core for the event loop and decoders, one more per 4 cameras, 1..4 threads', (t) => {
  t.is(autoThreads(1, 1), 1, 'a single core still runs one inference thread');
  t.is(autoThreads(2, 1), 1, '2 cores, 1 camera: 1 thread');
  t.is(autoThreads(2, 8), 1, 'never below 1');
  t.is(autoThreads(4, 1), 3, '4 cores, 1 camera: 3 threads');
  t.is(autoThreads(4, 3), 3, '4 cores, 3 cameras: 3 threads');
  t.is(autoThreads(4, 4), 2, '4 cores, 4 cameras: a second core for decoding');
  t.is(autoThreads(8, 0), 4, 'capped at 4');
  t.is(autoThreads(16, 8), 4, 'capped at 4 with many cameras');
});

test('resolveThreads: numbers as given, numeric strings from the environment, auto from the cores passed in', (t) => {
  t.is(resolveThreads(3, 4, 2), 3, 'an explicit count wins over the machine');
  t.is(resolveThreads('2', 1, 8), 2, 'env text');
  t.is(resolveThreads('auto', 1, 2), 1, 'auto on 2 cores');
  t.is(resolveThreads('auto', 4, 4), 2, 'auto on 4 cores with 4 cameras');
  t.throws(() => resolveThreads(0, 1, 2), { instanceOf: RangeError, message: /detector\.threads/ }, '0 is refused');
  t.throws(() => resolveThreads('many', 1, 2), { instanceOf: RangeError }, 'text is refused');
});
