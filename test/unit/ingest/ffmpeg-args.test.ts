import test from 'ava';
import { buildFfmpegArgs, graphInputSize, isRtspUrl } from '../../../src/ingest/ffmpeg-args.js';
import { computeLetterbox } from '../../../src/ingest/letterbox.js';

const GLOBAL = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+verbose'];
const OUTPUT_320 = ['-an', '-filter:v', 'fps=5,scale=320:240,pad=320:320:0:40:color=0x727272', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];

test('rtsp input: TCP, -timeout in microseconds, user input_args right before -i', (t) => {
  const args = buildFfmpegArgs({
    url: 'rtsp://user:secret@10.0.0.5:554/stream1',
    fps: 5,
    letterbox: computeLetterbox(768, 576, 320, 320),
    rtspTimeoutS: 5,
    inputArgs: ['-c:v', 'h264_v4l2m2m'],
  });
  t.deepEqual(args, [
    ...GLOBAL,
    '-rtsp_transport', 'tcp', '-timeout', '5000000', '-c:v', 'h264_v4l2m2m',
    '-i', 'rtsp://user:secret@10.0.0.5:554/stream1',
    ...OUTPUT_320,
  ]);
});

test('rtsps input is treated as RTSP; fractional timeout rounds to whole microseconds', (t) => {
  const args = buildFfmpegArgs({ url: 'rtsps://cam/x', fps: 5, letterbox: computeLetterbox(768, 576, 320, 320), rtspTimeoutS: 2.5 });
  t.deepEqual(args, [...GLOBAL, '-rtsp_transport', 'tcp', '-timeout', '2500000', '-i', 'rtsps://cam/x', ...OUTPUT_320]);
});

test('file input loops at native rate; portrait letterbox pads left and right', (t) => {
  const args = buildFfmpegArgs({
    url: '/var/lib/lookout/demo.mp4',
    fps: 2.5,
    letterbox: computeLetterbox(576, 768, 320, 320),
    rtspTimeoutS: 5,
    inputArgs: ['-threads', '1'],
  });
  t.deepEqual(args, [
    ...GLOBAL,
    '-stream_loop', '-1', '-re', '-threads', '1',
    '-i', '/var/lib/lookout/demo.mp4',
    '-an', '-filter:v', 'fps=2.5,scale=240:320,pad=320:320:40:0:color=0x727272', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ]);
});

test('1080p into 640x640', (t) => {
  const args = buildFfmpegArgs({ url: 'rtsp://cam/x', fps: 10, letterbox: computeLetterbox(1920, 1080, 640, 640), rtspTimeoutS: 5 });
  t.is(args[args.indexOf('-filter:v') + 1], 'fps=10,scale=640:360,pad=640:640:0:140:color=0x727272');
});

test('isRtspUrl', (t) => {
  t.true(isRtspUrl('rtsp://a/b'));
  t.true(isRtspUrl('RTSPS://a/b'));
  t.false(isRtspUrl('/tmp/rtsp://x.mp4'), 'a file path is not RTSP');
  t.false(isRtspUrl('clip.mp4'));
});

test('graphInputSize reads the size ffmpeg 5.1 configures its filter graph for', (t) => {
  t.deepEqual(graphInputSize('[graph 0 input from stream 0:0 @ 0x563f9893dc80] w:640 h:360 pixfmt:yuv420p tb:1/90000 fr:10/1 sar:1/1'), { width: 640, height: 360 });
  t.is(graphInputSize('[Parsed_scale_1 @ 0x5] w:640 h:360 fmt:yuv420p sar:1/1 -> w:160 h:120'), null, 'another filter: not the input');
  t.is(graphInputSize('[h264 @ 0x5] Reinit context to 640x368, pix_fmt: yuv420p'), null, "the decoder's coded size (368, padded) is not taken");
});
