import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFrames, decodeImageBatch, MediaError, probeImages, probeMedia } from '../../../src/detector/media.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-media-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A photo-like picture (ffmpeg's testsrc2 gradients and edges) of `size` in the format of `name`'s extension. */
function picture(name: string, size: string, extra: string[] = []): string {
  const file = path.join(tmp, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=1:d=1`, '-frames:v', '1', ...extra, file]);
  return file;
}

test('batch decode: byte-identical letterboxed pixels to one ffmpeg per file, for every still format', async (t) => {
  const files = [
    picture('a.jpg', '640x480'), picture('b.png', '333x217'), picture('c.png', '200x300', ['-pix_fmt', 'rgba']),
    picture('d.bmp', '500x100'), picture('e.webp', '320x320'), picture('f.tiff', '101x303'), picture('g.jpg', '256x256', ['-pix_fmt', 'gray']),
  ];
  const [w, h] = [320, 256];
  const infos = await probeImages(files);
  const items = files.map((file, i) => {
    const info = infos[i]!;
    if (info instanceof MediaError) throw info;
    return { file, info, lb: computeLetterbox(info.width, info.height, w, h) };
  });
  const batch: Buffer[] = [];
  for await (const frame of decodeImageBatch(items, w, h)) batch.push(Buffer.from(frame));
  t.is(batch.length, files.length, 'one frame per file');
  for (const [i, { file, info, lb }] of items.entries()) {
    const alone = await probeMedia(file);
    t.deepEqual([info.width, info.height], [alone.width, alone.height], `${path.basename(file)}: batch size equals ffprobe's`);
    const frames: Buffer[] = [];
    for await (const f of decodeFrames(file, w, h, lb)) frames.push(Buffer.from(f));
    t.true(frames.length === 1 && frames[0]!.equals(batch[i]!), `${path.basename(file)}: identical bytes`);
  }
});

test('probeImages: a missing or corrupt file is named with its reason; the files after it are still listed', async (t) => {
  const good = picture('p1.png', '64x48');
  const bad = path.join(tmp, 'p2.jpg');
  fs.writeFileSync(bad, 'garbage');
  const later = picture('p3.jpg', '48x64');
  const out = await probeImages([good, bad, later]);
  t.deepEqual(out[0], { width: 64, height: 48, rate: null }, 'first file');
  t.true(out[1] instanceof MediaError && out[1].message.startsWith(`${bad}: ffmpeg cannot read it (`), `corrupt file: ${String(out[1])}`);
  t.deepEqual(out[2], { width: 48, height: 64, rate: null }, 'file after the bad one');
});

test('probeMedia: errors name the file and the reason, never the ffprobe command line', async (t) => {
  const missing = path.join(tmp, 'nope.mp4');
  await t.throwsAsync(probeMedia(missing), { instanceOf: MediaError, message: `${missing}: no such file` }, 'missing');
  await t.throwsAsync(probeMedia(tmp), { instanceOf: MediaError, message: `${tmp}: is a directory, not an image or video file` }, 'directory');
  const junk = path.join(tmp, 'junk.mp4');
  fs.writeFileSync(junk, 'junk');
  const err = await t.throwsAsync(probeMedia(junk), { instanceOf: MediaError });
  t.true(err!.message.startsWith(`${junk}: ffmpeg cannot read it (`), err!.message);
  t.notRegex(err!.message, /ffprobe|show_entries/, 'no command line');
});
