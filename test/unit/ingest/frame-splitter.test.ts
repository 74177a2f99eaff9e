import test from 'ava';
import { FrameSplitter } from '../../../src/ingest/frame-splitter.js';

/** Bytes 0,1,2,... so any misplaced byte changes the frames. */
function sequence(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => i % 251));
}

test('a chunk of exactly one frame comes back whole, without a copy', (t) => {
  const s = new FrameSplitter(6);
  const chunk = sequence(6);
  const frames = s.push(chunk);
  t.is(frames.length, 1, 'one frame');
  t.is(frames[0]!.buffer, chunk.buffer, 'the frame is a view of the chunk');
  t.is(s.pendingBytes, 0, 'nothing held back');
});

test('frames split across chunk boundaries are reassembled exactly', (t) => {
  const s = new FrameSplitter(4);
  const all = sequence(14); // 3 whole frames + 2 bytes
  const out: Buffer[] = [];
  for (const [a, b] of [[0, 3], [3, 5], [5, 13], [13, 14]] as const) out.push(...s.push(all.subarray(a, b)));
  t.deepEqual(out.map((f) => [...f]), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], 'frame bytes in order');
  t.is(s.pendingBytes, 2, 'two bytes of the 4th frame held back');
  t.deepEqual(s.push(Buffer.from([99, 98])).map((f) => [...f]), [[12, 13, 99, 98]], 'the 4th frame completes');
});

test('one-byte chunks still give whole frames', (t) => {
  const s = new FrameSplitter(3);
  const all = sequence(9);
  const out: number[][] = [];
  for (let i = 0; i < all.length; i++) out.push(...s.push(all.subarray(i, i + 1)).map((f) => [...f]));
  t.deepEqual(out, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
});

test('a chunk holding several frames plus a tail returns all whole frames', (t) => {
  const s = new FrameSplitter(2);
  const out = s.push(sequence(7)).map((f) => [...f]);
  t.deepEqual(out, [[0, 1], [2, 3], [4, 5]], 'three frames');
  t.is(s.pendingBytes, 1, 'one byte pending');
});

test('an assembled frame does not alias later chunks', (t) => {
  const s = new FrameSplitter(4);
  s.push(Buffer.from([1, 2]));
  const chunk = Buffer.from([3, 4, 5, 6]);
  const [frame] = s.push(chunk);
  chunk.fill(0);
  t.deepEqual([...frame!], [1, 2, 3, 4], 'frame keeps its bytes after the chunk is overwritten');
});

test('reset drops a half-received frame', (t) => {
  const s = new FrameSplitter(4);
  s.push(Buffer.from([1, 2, 3]));
  s.reset();
  t.is(s.pendingBytes, 0);
  t.deepEqual(s.push(Buffer.from([5, 6, 7, 8])).map((f) => [...f]), [[5, 6, 7, 8]], 'next frame starts fresh');
});

test('rejects a non-positive frame size', (t) => {
  t.throws(() => new FrameSplitter(0), { instanceOf: RangeError });
});
