import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseTrackFlags, type TrackLine } from '../../../src/cli/track.js';
import { parseMotText } from '../../../src/eval/mot-file.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';
import { frameSampler, openInputs } from '../../../src/tracker/frame-source.js';
import { tmpDir } from '../config/tmp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(ROOT, 'dist/src/cli.js');
const CLIP = path.join(ROOT, 'config/demo/vtest.mp4');

test('flags: defaults, values and the messages for bad ones', (t) => {
  t.like(parseTrackFlags(['a.mp4']), { files: ['a.mp4'], camera: null, fps: null, labels: null, mot: null, json: false }, 'defaults');
  t.like(parseTrackFlags(['a.mp4', '--fps', '0', '--labels', 'person, car', '--mot', 'o.txt', '--json', '--camera', 'door']), { fps: 0, labels: ['person', 'car'], mot: 'o.txt', json: true, camera: 'door' }, 'values');
  t.is(parseTrackFlags([]), 'no input files');
  t.is(parseTrackFlags(['a.mp4', '--fps=-1']), "--fps must be a number >= 0 (0 = every frame), got '-1'");
  t.is(parseTrackFlags(['a.mp4', '--labels', ',']), '--labels needs at least one label');
  t.is(parseTrackFlags(['a.mp4', '--frame-rate', '0']), "--frame-rate must be a number > 0, got '0'");
});

test('frames are picked at N per second of video time; 0 takes every frame', (t) => {
  const pick = (fps: number, rate: number, n: number) => {
    const want = frameSampler(fps);
    return Array.from({ length: n }, (_, i) => i + 1).filter((num) => want(num, (num - 1) / rate));
  };
  t.deepEqual(pick(5, 25, 16), [1, 6, 11, 16], '5 of 25 fps: every fifth frame');
  t.deepEqual(pick(5, 7, 10), [1, 3, 4, 6, 7, 8, 10], '5 of 7 fps: the first frame at or after each 0.2 s (frame 8 is at 1.0 s exactly)');
  t.deepEqual(pick(0, 7, 4), [1, 2, 3, 4], 'every frame');
});

test('a folder of frames takes its frame rate from seqinfo.ini beside it, and only picked frames are decoded', async (t) => {
  const tmp = tmpDir(t);
  const img = path.join(tmp.dir, 'seq', 'img1');
  mkdirSync(img, { recursive: true });
  for (let i = 1; i <= 4; i++) execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${i}0${i}0${i}0:s=64x48:d=0.1`, '-frames:v', '1', path.join(img, `00000${i}.png`)]);
  writeFileSync(path.join(tmp.dir, 'seq', 'seqinfo.ini'), '[Sequence]\nframeRate=2\n');
  const [input] = await openInputs([img], null);
  t.like(input, { width: 64, height: 48, rate: 2 }, 'size from the first image, rate from seqinfo.ini');
  const lb = computeLetterbox(64, 48, 32, 32);
  const got: Array<[number, number, number]> = [];
  for await (const f of input!.frames(lb, 1)) got.push([f.number, f.time_s, f.data.length]);
  t.deepEqual(got, [[1, 0, 32 * 32 * 3], [3, 1, 32 * 32 * 3]], '1 fps of a 2 fps sequence: frames 1 and 3, letterboxed to 32x32');
  const list = tmp.write('seq/frames.txt', '# two frames\nimg1/000002.png\n\nimg1/000004.png\n');
  const [listed] = await openInputs([list], 4);
  const numbers: number[] = [];
  for await (const f of listed!.frames(lb, 0)) numbers.push(f.number);
  t.deepEqual(numbers, [1, 2], 'a list file: its images in order (paths relative to it), at --frame-rate');
  t.is(listed!.rate, 4, '--frame-rate wins over seqinfo.ini');
  await t.throwsAsync(openInputs([path.join(tmp.dir, 'none')], null), { message: /no such file or folder/ }, 'a missing input is named');
  mkdirSync(path.join(tmp.dir, 'bare'));
  writeFileSync(path.join(tmp.dir, 'bare', 'a.png'), readFileSync(path.join(img, '000001.png')));
  await t.throwsAsync(openInputs([path.join(tmp.dir, 'bare')], null), { message: /pass --frame-rate N/ }, 'no rate: says how to give one');
});

test('lookout track on 3 s of the demo clip: one JSON line per inferred frame, counts with zeros, MOT rows of matched objects', (t) => {
  const tmp = tmpDir(t);
  const clip = path.join(tmp.dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', CLIP, '-t', '3', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', clip]);
  const mot = path.join(tmp.dir, 'out.txt');
  const run = spawnSync('node', [CLI, 'track', clip, '--fps', '2', '--labels', 'person,bird', '--json', '--mot', mot], { cwd: ROOT, encoding: 'utf8', timeout: 100_000 });
  t.is(run.status, 0, `exit 0 (stderr: ${run.stderr})`);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as TrackLine);
  t.deepEqual(lines.map((l) => l.frame), [1, 6, 11, 16, 21, 26], '2 fps of the 10 fps clip: frames 1, 6, 11, ...');
  t.deepEqual(lines.map((l) => l.time_s), [0, 0.5, 1, 1.5, 2, 2.5], 'time_s is the position in the video');
  t.true(lines.every((l) => Object.keys(l.counts).join() === 'bird,person'), 'every asked label, zeros included');
  t.true(lines.every((l) => l.counts.bird === 0), 'no bird');
  const news = lines.flatMap((l) => l.events).filter((e) => e.type === 'new');
  t.true(news.length >= 2 && news.every((e) => e.label === 'person'), `people announced (${news.length})`);
  t.true(lines.at(-1)!.counts.person! >= 2, 'people counted at the end');
  const rows = parseMotText(readFileSync(mot, 'utf8'), mot);
  t.true(rows.length > 0, 'MOT rows written');
  t.true(rows.every((r) => lines.some((l) => l.frame === r.frame)), 'rows only for inferred frames');
  const ids = new Set(news.map((e) => Number(e.id.split('-')[1])));
  t.true(rows.every((r) => ids.has(r.id)), 'MOT ids are the numbers of the announced objects');
  t.regex(run.stderr, /6 frames inferred at 2 fps, \d+ new objects/, 'a summary on stderr');
});

test('lookout track: a missing input exits 66 and a bad flag 64, with the reason', (t) => {
  const missing = spawnSync('node', [CLI, 'track', '/nonexistent.mp4'], { cwd: ROOT, encoding: 'utf8' });
  t.is(missing.status, 66, 'EX_NOINPUT');
  t.regex(missing.stderr, /\/nonexistent\.mp4: no such file or folder/);
  const bad = spawnSync('node', [CLI, 'track', 'x.mp4', '--fps', 'fast'], { cwd: ROOT, encoding: 'utf8' });
  t.is(bad.status, 64, 'EX_USAGE');
  t.regex(bad.stderr, /--fps must be a number/);
});
