import test from 'ava';
import { StderrTail } from '../../../src/ingest/stderr-tail.js';

test('keeps the last N lines across chunk boundaries, masking URLs', (t) => {
  const tail = new StderrTail(2);
  tail.push('first\nrtsp://admin:hunter2@cam/s: Conn');
  tail.push('ection refused\n\n');
  tail.push('Exiting normally\r\nlast partial');
  t.deepEqual(tail.all, ['Exiting normally', 'last partial'], 'only the last two lines, the partial one included');
  tail.push('\n');
  t.is(tail.last, 'last partial');
  const masked = new StderrTail(5);
  masked.push('rtsp://admin:hunter2@cam/s: Connection refused\n');
  t.deepEqual(masked.all, ['rtsp://admin:***@cam/s: Connection refused'], 'password masked');
});

test('long lines are cut and clear() empties the tail', (t) => {
  const tail = new StderrTail(20, 10);
  tail.push(`${'x'.repeat(50)}\n`);
  t.deepEqual(tail.all, ['x'.repeat(10)]);
  tail.clear();
  t.is(tail.last, null);
});
