import test from 'ava';
import { ffprobeArgs, parseProbeOutput, parseRate, probeInputArgs } from '../../../src/ingest/probe.js';

test('ffprobe args for rtsp: TCP and -timeout before the URL; decoder choices dropped', (t) => {
  t.deepEqual(ffprobeArgs('rtsp://u:p@cam/s', { rtspTimeoutS: 5, inputArgs: ['-c:v', 'h264_v4l2m2m', '-rtsp_flags', 'prefer_tcp'] }), [
    '-hide_banner', '-loglevel', 'error', '-print_format', 'json', '-show_streams', '-select_streams', 'v:0',
    '-rtsp_transport', 'tcp', '-timeout', '5000000', '-rtsp_flags', 'prefer_tcp', 'rtsp://u:p@cam/s',
  ]);
});

test('ffprobe args for a file: no RTSP options', (t) => {
  t.deepEqual(ffprobeArgs('/x/clip.mp4', { rtspTimeoutS: 5 }), [
    '-hide_banner', '-loglevel', 'error', '-print_format', 'json', '-show_streams', '-select_streams', 'v:0', '/x/clip.mp4',
  ]);
});

test('probeInputArgs drops ffmpeg-only decoder options with their values', (t) => {
  t.deepEqual(probeInputArgs(['-hwaccel', 'drm', '-vcodec', 'h264', '-analyzeduration', '1000000']), ['-analyzeduration', '1000000']);
});

test('parseRate', (t) => {
  t.is(parseRate('10/1'), 10);
  t.is(parseRate('30000/1001'), 29.97);
  t.is(parseRate('0/0'), null, 'unknown');
  t.is(parseRate('90000/1'), null, 'RTP clock rate is not a frame rate');
  t.is(parseRate(undefined), null);
});

test('parseProbeOutput takes the first video stream', (t) => {
  const json = JSON.stringify({
    streams: [{ codec_name: 'h264', width: 768, height: 576, avg_frame_rate: '0/0', r_frame_rate: '10/1' }],
  });
  t.deepEqual(parseProbeOutput(json), { width: 768, height: 576, fps: 10, codec: 'h264' });
  t.is(parseProbeOutput('{"streams":[]}'), null, 'no video stream');
  t.is(parseProbeOutput('not json'), null, 'garbage');
});
