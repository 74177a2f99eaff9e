import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDetectCommand, type DetectLine } from '../../../src/detector/detect-command.js';
import { generateTestModel } from '../../helpers/test-model/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-detect-cmd-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Gray WxH media with a white filled box at x,y of size w,h, made by ffmpeg. */
function media(name: string, size: string, box: string, extra: string[]): string {
  const file = path.join(tmp, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x727272:s=${size}:r=5:d=1`, '-vf', `drawbox=${box}:color=white:t=fill`, ...extra, file]);
  return file;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } };
}

const rgbAt = (file: string, w: number, x: number, y: number) => {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1']);
  return [...raw.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)];
};

for (const runtime of ['onnx', 'tfjs']) {
  test(`${runtime}: an image at model size gives the exact box; --annotate draws it`, async (t) => {
    const img = media(`sq-${runtime}.png`, '64x64', 'x=10:y=20:w=20:h=21', ['-frames:v', '1']);
    const annotate = path.join(tmp, `ann-${runtime}`);
    const c = capture();
    const code = await runDetectCommand([img, '--model', generateTestModel(), '--runtime', runtime, '--json', '--annotate', annotate], c.io);
    t.is(code, 0, `exit 0 (stderr: ${c.err.join('')})`);
    const lines = c.out.map((l) => JSON.parse(l) as DetectLine);
    t.is(lines.length, 1, 'one JSON line for one image');
    t.like(lines[0], { file: img, frame: 0, width: 64, height: 64 }, 'file, frame, size');
    t.deepEqual(lines[0]!.objects, [{ label: 'bright', class_id: 0, score: 1, box: [10, 20, 30, 41] }], 'exact box of the white square');
    const out = path.join(annotate, path.basename(img));
    t.deepEqual(rgbAt(out, 64, 10, 20), [255, 56, 56], 'box corner drawn in class 0 colour');
    t.deepEqual(rgbAt(out, 64, 0, 0), [114, 114, 114], 'background untouched');
    // The tag above the box: its fill in the class colour and dark text pixels ("bright 100%").
    const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', out, '-frames:v', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1']);
    const tag: number[][] = [];
    for (let y = 6; y < 20; y++) for (let x = 10; x < 64; x++) tag.push([...raw.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)]);
    t.true(tag.some((p) => p[0] === 255 && p[1] === 56 && p[2] === 56), 'the tag is filled in the class colour');
    t.true(tag.filter((p) => p[0]! < 60 && p[1]! < 60 && p[2]! < 60).length >= 20, 'the tag holds dark text');
  });
}

test('a video gives one line per frame, boxes mapped through the letterbox to source pixels', async (t) => {
  // 128x96 -> 64x64: scale 0.5, 8 px bands; the box lands on even source pixels.
  const clip = media('clip.mp4', '128x96', 'x=20:y=24:w=40:h=42', ['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv444p']);
  const c = capture();
  const code = await runDetectCommand([clip, '--model', generateTestModel(), '--json', '--min-score', '0.5'], c.io);
  t.is(code, 0, `exit 0 (stderr: ${c.err.join('')})`);
  const lines = c.out.map((l) => JSON.parse(l) as DetectLine);
  t.deepEqual(lines.map((l) => l.frame), [0, 1, 2, 3, 4], '5 frames at 5 fps for 1 s');
  for (const l of lines) {
    const box = l.objects[0]?.box ?? [];
    const expected = [20, 24, 60, 66];
    t.true(box.length === 4 && box.every((v, i) => Math.abs(v - expected[i]!) <= 2), `frame ${l.frame}: box ${JSON.stringify(box)} within 1 input px (2 source px) of ${JSON.stringify(expected)}`);
  }
});

test('usage errors exit 64, a bad model 78, an unreadable input 66', async (t) => {
  const c = capture();
  t.is(await runDetectCommand([], c.io), 64, 'no model, no files');
  t.regex(c.err.join(''), /no model: pass --model DIR/, 'says what is missing');
  t.is(await runDetectCommand(['x.png', '--model', generateTestModel(), '--min-score', '2'], c.io), 64, 'min-score out of range');
  t.is(await runDetectCommand(['x.png', '--model', tmp], c.io), 78, 'directory without model.onnx');
  t.is(await runDetectCommand(['x.png', '--model', generateTestModel(), '--runtime', 'nope'], c.io), 78, 'unknown runtime is a config error');
  const c2 = capture();
  t.is(await runDetectCommand([path.join(tmp, 'missing.png'), '--model', generateTestModel()], c2.io), 66, 'missing input file');
  t.regex(c2.err.join(''), /missing\.png/, 'names the input');
});

test('photos, videos and bad files mixed: one line per photo in argument order, each bad file named with its reason, no command line', async (t) => {
  // Boxes at known places in photos of different formats and sizes (each batch entry has its own letterbox).
  const a = media('mix-a.png', '64x64', 'x=10:y=20:w=20:h=21', ['-frames:v', '1']);
  const b = media('mix-b.jpg', '128x96', 'x=20:y=24:w=40:h=42', ['-frames:v', '1', '-q:v', '1']);
  const c = media('mix-c.bmp', '96x128', 'x=24:y=20:w=42:h=40', ['-frames:v', '1']);
  const clip = media('mix-d.mp4', '64x64', 'x=10:y=20:w=20:h=21', ['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv444p']);
  const missing = path.join(tmp, 'mix-missing.jpg');
  const corrupt = path.join(tmp, 'mix-corrupt.png');
  fs.writeFileSync(corrupt, 'not a png at all');
  const cap = capture();
  const code = await runDetectCommand([a, missing, b, clip, corrupt, c, '--model', generateTestModel(), '--json', '--min-score', '0.5'], cap.io);
  t.is(code, 66, 'exit 66: some inputs could not be read, the others ran');
  const lines = cap.out.map((l) => JSON.parse(l) as DetectLine);
  t.deepEqual(lines.map((l) => [path.basename(l.file), l.frame, l.width, l.height]),
    [['mix-a.png', 0, 64, 64], ['mix-b.jpg', 0, 128, 96], ...[0, 1, 2, 3, 4].map((f) => ['mix-d.mp4', f, 64, 64]), ['mix-c.bmp', 0, 96, 128]],
    'readable files in argument order, source sizes per file');
  const near = (box: number[] | undefined, expected: number[]) => box !== undefined && box.every((v, i) => Math.abs(v - expected[i]!) <= 2);
  t.deepEqual(lines[0]!.objects[0]?.box, [10, 20, 30, 41], 'png at model size: exact box');
  t.true(near(lines[1]!.objects[0]?.box, [20, 24, 60, 66]), `jpg 128x96: box ${JSON.stringify(lines[1]!.objects[0]?.box)} in source pixels`);
  t.true(near(lines.at(-1)!.objects[0]?.box, [24, 20, 66, 60]), `bmp 96x128: box ${JSON.stringify(lines.at(-1)!.objects[0]?.box)} in source pixels`);
  const err = cap.err.join('');
  t.regex(err, /mix-missing\.jpg: no such file/, 'missing file named with the reason');
  t.regex(err, /mix-corrupt\.png: ffmpeg cannot read it \(/, 'corrupt file named with the reason');
  t.notRegex(err, /ffprobe|-show_entries|Command failed|-filter_complex/, 'no internal command line');
});

test('a batch gives the same lines as one file at a time', async (t) => {
  const files = ['320x240', '200x300', '64x64', '333x217'].map((size, i) =>
    media(`same-${i}.${['jpg', 'png', 'webp', 'tiff'][i]}`, size, `x=${5 + i}:y=${7 + 2 * i}:w=${30 + i}:h=${25 + 3 * i}`, ['-frames:v', '1']));
  const model = generateTestModel();
  const together = capture();
  t.is(await runDetectCommand([...files, '--model', model, '--json'], together.io), 0, `batch exit 0 (${together.err.join('')})`);
  const alone: string[] = [];
  for (const f of files) {
    const one = capture();
    t.is(await runDetectCommand([f, '--model', model, '--json'], one.io), 0, `${f} alone exit 0`);
    alone.push(...one.out);
  }
  const strip = (l: string) => ({ ...(JSON.parse(l) as DetectLine), inference_ms: 0 });
  t.deepEqual(together.out.map(strip), alone.map(strip), 'identical lines (boxes, scores, sizes) but for the timing');
});
