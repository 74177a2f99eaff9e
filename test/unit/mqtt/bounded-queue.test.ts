import test from 'ava';
import { BoundedQueue } from '../../../src/mqtt/bounded-queue.js';

test('keeps insertion order and drains oldest first', (t) => {
  const queue = new BoundedQueue<number>(5);
  for (const n of [1, 2, 3]) queue.push(n);
  t.is(queue.size, 3);
  t.deepEqual(queue.drain(), [1, 2, 3]);
  t.is(queue.size, 0, 'drain empties the queue');
});

test('when full, the oldest item is dropped, returned and counted', (t) => {
  const queue = new BoundedQueue<number>(3);
  const dropped = [1, 2, 3, 4, 5].map((n) => queue.push(n));
  t.deepEqual(dropped, [undefined, undefined, undefined, 1, 2], 'push returns what it pushed out');
  t.is(queue.dropped, 2, 'two drops counted');
  t.is(queue.size, 3, 'size stays at the bound');
  t.deepEqual(queue.drain(), [3, 4, 5], 'the newest three survive in order');
  t.is(queue.dropped, 2, 'the drop count survives a drain');
});

test('a keyed push supersedes the older item with the same key and moves to the end', (t) => {
  const queue = new BoundedQueue<string>(10);
  queue.push('cam1:connecting', 'cam1');
  queue.push('stats-1');
  queue.push('cam2:streaming', 'cam2');
  queue.push('cam1:streaming', 'cam1');
  t.deepEqual(queue.drain(), ['stats-1', 'cam2:streaming', 'cam1:streaming']);
  t.is(queue.superseded, 1, 'one superseded');
  t.is(queue.dropped, 0, 'superseding is not dropping');
});

test('superseding frees room so a full queue does not drop', (t) => {
  const queue = new BoundedQueue<string>(2);
  queue.push('a1', 'a');
  queue.push('b');
  t.is(queue.push('a2', 'a'), undefined, 'nothing dropped');
  t.deepEqual(queue.drain(), ['b', 'a2']);
});

test('a zero-size queue drops everything', (t) => {
  const queue = new BoundedQueue<number>(0);
  t.is(queue.push(1), 1);
  t.is(queue.size, 0);
  t.is(queue.dropped, 1);
});

test('shift takes the oldest item', (t) => {
  const queue = new BoundedQueue<number>(2);
  queue.push(1);
  queue.push(2);
  t.is(queue.shift(), 1);
  t.is(queue.shift(), 2);
  t.is(queue.shift(), undefined);
});

test('a negative or fractional size is a RangeError', (t) => {
  t.throws(() => new BoundedQueue(-1), { instanceOf: RangeError });
  t.throws(() => new BoundedQueue(1.5), { instanceOf: RangeError });
});
