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
