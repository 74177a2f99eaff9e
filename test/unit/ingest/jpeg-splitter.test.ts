/** JpegSplitter on ffmpeg's real MJPEG output, cut at every chunk size. */
import { execFileSync } from 'node:child_process';
import test from 'ava';
import { JpegSplitter } from '../../../src/ingest/jpeg-splitter.js';

const stream = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-frames:v', '5', '-c:v', 'mjpeg', '-f', 'mjpeg', 'pipe:1']);

test('five pictures whatever the chunking, each a whole JPEG', (t) => {
  for (const size of [1, 2, 3, 7, 100, 4096, stream.length]) {
    const splitter = new JpegSplitter();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) out.push(...splitter.push(stream.subarray(i, i + size)));
    t.is(out.length, 5, `chunks of ${size}: 5 pictures`);
    t.deepEqual(Buffer.concat(out), stream, `chunks of ${size}: the pictures are the stream, byte for byte`);
    for (const jpeg of out) t.true(jpeg[0] === 0xff && jpeg[1] === 0xd8 && jpeg.at(-2) === 0xff && jpeg.at(-1) === 0xd9, 'starts with SOI, ends with EOI');
  }
});
