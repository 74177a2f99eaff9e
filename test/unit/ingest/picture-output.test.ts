/**
 * The picture output (snapshot.enabled): the exact ffmpeg arguments, and a
 * real ffmpeg run that gives one JPEG per detector frame at snapshot.height.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import test from 'ava';
import { buildFfmpegArgs, PICTURE_FD } from '../../../src/ingest/ffmpeg-args.js';
import { JpegSplitter } from '../../../src/ingest/jpeg-splitter.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';

const lb = computeLetterbox(320, 240, 160, 160);

test('one fps filter split into the rgb24 frames on pipe:1 and MJPEG at snapshot.height on pipe:3', (t) => {
  const args = buildFfmpegArgs({ url: 'rtsp://cam/s', fps: 5, letterbox: lb, rtspTimeoutS: 2, pictures: { height: 120 } });
  t.is(PICTURE_FD, 3);
  t.deepEqual(args.slice(args.indexOf('-i')), [
    '-i', 'rtsp://cam/s',
    '-filter_complex',
    '[0:v]fps=5,split=2[det][pic];[det]scale=160:120,pad=160:160:0:20:color=0x727272[frames];[pic]scale=-2:120:in_range=tv:out_range=pc,format=yuv420p[pictures]',
    '-map', '[frames]', '-an', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
    '-map', '[pictures]', '-an', '-c:v', 'mjpeg', '-q:v', '4', '-strict', 'unofficial', '-f', 'mjpeg', 'pipe:3',
  ]);
  const source = buildFfmpegArgs({ url: 'rtsp://cam/s', fps: 5, letterbox: lb, rtspTimeoutS: 2, pictures: { height: 0 } });
  t.true(source.includes('[0:v]fps=5,split=2[det][pic];[det]scale=160:120,pad=160:160:0:20:color=0x727272[frames];[pic]scale=in_range=tv:out_range=pc,format=yuv420p[pictures]'), 'height 0: the source size');
  t.false(buildFfmpegArgs({ url: 'rtsp://cam/s', fps: 5, letterbox: lb, rtspTimeoutS: 2 }).includes('-filter_complex'), 'without pictures: the arguments as before');
});

test('real ffmpeg: as many JPEGs as detector frames, at snapshot.height, and no warning', (t) => {
  const clip = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'matroska', 'pipe:1']);
  const args = buildFfmpegArgs({ url: 'pipe:0', fps: 5, letterbox: lb, rtspTimeoutS: 2, pictures: { height: 120 } })
    .map((a) => (a === '-stream_loop' || a === '-re' ? null : a)).filter((a): a is string => a !== null && a !== '-1');
  // fd 3 is a pipe, as the camera source gives ffmpeg; the clip comes in on stdin instead of a camera.
  const r = spawnSync('ffmpeg', args, { input: clip, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  t.is(r.status, 0, String(r.stderr));
  const frames = r.stdout.length / (160 * 160 * 3);
  const jpegs = new JpegSplitter().push(r.output[3] as Buffer);
  t.is(frames, 10, '2 s at 5 fps: 10 detector frames');
  t.is(jpegs.length, frames, 'one JPEG per detector frame');
  const sof = jpegs[0]!.indexOf(Buffer.from([0xff, 0xc0]));
  t.deepEqual([jpegs[0]!.readUInt16BE(sof + 5), jpegs[0]!.readUInt16BE(sof + 7)], [120, 160], '160x120: snapshot.height 120, the width following');
  t.notRegex(String(r.stderr), /warning|deprecated/i, 'ffmpeg warns about nothing (warnings become offline reasons)');
});
