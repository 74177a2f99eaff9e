import test from 'ava';
import { LatestFrameSlot } from '../../../src/ingest/latest-frame-slot.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';
import type { Frame } from '../../../src/ingest/frame.js';

const lb = computeLetterbox(4, 4, 2, 2);
const frame = (seq: number): Frame => ({ camera: 'c', seq, capturedAt: seq, width: 2, height: 2, data: Buffer.alloc(12), letterbox: lb });

test('take returns the newest frame; replaced frames count as dropped', (t) => {
  const slot = new LatestFrameSlot();
  t.is(slot.take(), null, 'empty at first');
  slot.put(frame(1));
  slot.put(frame(2));
  slot.put(frame(3));
  t.is(slot.dropped, 2, 'frames 1 and 2 were never taken');
  t.is(slot.take()?.seq, 3, 'newest wins');
  t.is(slot.take(), null, 'taking empties the slot');
});

test('a consumer that keeps up drops nothing', (t) => {
  const slot = new LatestFrameSlot();
  for (let i = 1; i <= 5; i++) {
    slot.put(frame(i));
    t.is(slot.take()?.seq, i);
  }
  t.is(slot.dropped, 0);
});

test('onFrame wakes listeners and can unsubscribe', (t) => {
  const slot = new LatestFrameSlot();
  const seen: number[] = [];
  const off = slot.onFrame((f) => seen.push(f.seq));
  slot.put(frame(1));
  t.true(slot.pending, 'frame waiting');
  off();
  slot.put(frame(2));
  t.deepEqual(seen, [1], 'only frames before unsubscribing');
  t.is(slot.dropped, 1);
});
