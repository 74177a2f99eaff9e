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

test('with level tags, only warnings and worse are kept, untagged lines continue the message before them', (t) => {
  const tail = new StderrTail(10);
  const lines = tail.push(
    [
      '[rtsp @ 0x1] [verbose] SDP:',
      'v=0',
      'a=fmtp:96 sprop-parameter-sets=Z0LAFdoF',
      '[graph 0 input from stream 0:0 @ 0x2] [verbose] w:640 h:360 pixfmt:yuv420p tb:1/90000 fr:10/1 sar:1/1',
      '[info] Stream mapping:',
      '[rtsp @ 0x1] [warning] max delay reached. need to consume packet',
      '[error] rtsp://admin:hunter2@cam/s: Connection refused',
      '',
    ].join('\n'),
  );
  t.deepEqual(tail.all, ['[rtsp @ 0x1] max delay reached. need to consume packet', 'rtsp://admin:***@cam/s: Connection refused'], 'warnings and errors, tag removed, URL masked');
  t.deepEqual(
    lines.map((l) => l.level),
    ['verbose', 'verbose', 'verbose', 'verbose', 'info', 'warning', 'error'],
    'every line comes back with its level (SDP lines inherit verbose)',
  );
  t.is(lines[3]!.text, '[graph 0 input from stream 0:0 @ 0x2] w:640 h:360 pixfmt:yuv420p tb:1/90000 fr:10/1 sar:1/1', 'the level tag is removed');
});
