import { join } from 'node:path';
import test from 'ava';
import { ConfigError } from '../../../src/errors.js';
import { loadCameraConfigs, type CameraConfig } from '../../../src/config/index.js';
import { TRACKER_DEFAULTS } from '../../../src/tracker/schema.js';
import { tmpDir } from './tmp-dir.js';

const DEFAULTS: Omit<CameraConfig, 'url'> = {
  enabled: true,
  detect: { fps: 5, width: 0, height: 0, labels: [], min_score: 'model', min_area: 0, fps_max: 0, fps_min: 1, idle_fps: 0.2, mask: [], priority: 1 },
  motion: { enabled: true, threshold: 10, mask: [] },
  tracker: { ...TRACKER_DEFAULTS },
  mqtt: { detections: false },
  snapshot: { enabled: true, mqtt: true, crop: true, height: 0, score_rise: 0.05 },
  stall_timeout_s: 10,
  rtsp_timeout_s: 5,
  ffmpeg: { input_args: [] },
  zones: {},
  required_zones: [],
};

test('one entry per *.json, sorted, named after the file; schema defaults fill the rest', (t) => {
  const tmp = tmpDir(t);
  tmp.write('cams/yard.json', { url: 'rtsp://admin:secret@10.0.0.3/s' });
  tmp.write('cams/door.json', { url: 'rtsps://cam.local/live', enabled: false });
  tmp.write('cams/notes.txt', 'not a camera');
  tmp.write('cams/.hidden.json', '{');
  const cams = join(tmp.dir, 'cams');
  t.deepEqual(
    loadCameraConfigs(cams),
    [
      { name: 'door', file: join(cams, 'door.json'), config: { ...DEFAULTS, url: 'rtsps://cam.local/live', enabled: false }, problems: [] },
      { name: 'yard', file: join(cams, 'yard.json'), config: { ...DEFAULTS, url: 'rtsp://admin:secret@10.0.0.3/s' }, problems: [] },
    ],
    'sorted by name; non-json and hidden files skipped; URLs kept as written',
  );
});

test('cameras.defaults merge under each camera file, which wins key by key', (t) => {
  const tmp = tmpDir(t);
  const file = tmp.write('cams/a.json', {
    url: 'rtsp://h/a',
    detect: { width: 640, labels: ['person'] },
    ffmpeg: { input_args: ['-c:v', 'h264_v4l2m2m'] },
  });
  const [entry] = loadCameraConfigs(join(tmp.dir, 'cams'), {
    detect: { fps: 2, width: 416, labels: ['car', 'dog'] },
    stall_timeout_s: 20,
    ffmpeg: { input_args: ['-hwaccel', 'auto'] },
  });
  t.deepEqual(
    entry,
    {
      name: 'a',
      file,
      problems: [],
      config: {
        ...DEFAULTS,
        url: 'rtsp://h/a',
        detect: { ...DEFAULTS.detect, fps: 2, width: 640, labels: ['person'] },
        stall_timeout_s: 20,
        ffmpeg: { input_args: ['-c:v', 'h264_v4l2m2m'] },
      },
    },
    'fps and stall_timeout_s from defaults; width, labels, input_args from the camera (arrays replace)',
  );
});

test('a video file url resolves against the camera file', (t) => {
  const tmp = tmpDir(t);
  const clip = tmp.write('media/clip.mp4', 'x');
  tmp.write('cams/demo.json', { url: '../media/clip.mp4' });
  const [entry] = loadCameraConfigs(join(tmp.dir, 'cams'));
  t.is(entry?.config?.url, clip, 'absolute path to the clip');
  t.deepEqual(entry?.problems, [], 'no problems');
});

test('every problem of a camera file at once, exact text, password masked', (t) => {
  const tmp = tmpDir(t);
  const cams = join(tmp.dir, 'cams');
  tmp.write('cams/bad.json', {
    url: 'http://admin:hunter2@cam/s',
    enabled: 'yes',
    detect: { fps: 0, width: 321, height: -2, labels: 'person', min_score: 1.5, min_area: -0.1, foo: 1, fps_max: -1, fps_min: 'x', idle_fps: -0.2, priority: 0 },
    motion: { enabled: 1, threshold: 300, mask: [[0, 0, 0.5, 0.5], [0.5, 0.5, 0.2, 1]] },
    stall_timeout_s: '10',
    rtsp_timeout_s: 0,
    ffmpeg: { input_args: ['-x', 1], output_args: [] },
    http: {},
  });
  tmp.write('cams/missing-clip.json', { url: 'clip.mp4' });
  tmp.write('cams/no-url.json', { detect: { fps: 1 } });
  tmp.write('cams/rtsp-no-host.json', { url: 'rtsp://' });
  tmp.write('cams/my cam.json', { url: '/nonexistent/clip.mp4' });
  tmp.write('cams/broken.json', '{"url": "rtsp://u:hunter2@h",}');
  tmp.write('cams/list.json', '[]');
  const entries = loadCameraConfigs(cams);
  const f = (name: string): string => join(cams, `${name}.json`);
  t.deepEqual(
    entries.map((e) => [e.name, e.config, e.problems]),
    [
      ['bad', null, [
        `${f('bad')}: url: must be rtsp://, rtsps:// or a path to a video file, got 'http://admin:***@cam/s'`,
        `${f('bad')}: enabled: must be true or false, got 'yes'`,
        `${f('bad')}: detect.fps: must be a number > 0, got 0`,
        `${f('bad')}: detect.width: must be 0 (the model's input size) or a positive even integer, got 321`,
        `${f('bad')}: detect.height: must be 0 (the model's input size) or a positive even integer, got -2`,
        `${f('bad')}: detect.labels: must be an array of strings, got 'person'`,
        `${f('bad')}: detect.min_score: must be a number >= 0 and <= 1, or "model" (the model's own default), got 1.5`,
        `${f('bad')}: detect.min_area: must be a number >= 0 and <= 1, got -0.1`,
        `${f('bad')}: detect.foo: unknown key`,
        `${f('bad')}: detect.fps_max: must be a number >= 0, got -1`,
        `${f('bad')}: detect.fps_min: must be a number >= 0, got 'x'`,
        `${f('bad')}: detect.idle_fps: must be a number >= 0, got -0.2`,
        `${f('bad')}: detect.priority: must be a number > 0, got 0`,
        `${f('bad')}: motion.enabled: must be true or false, got 1`,
        `${f('bad')}: motion.threshold: must be a number > 0 and <= 255, got 300`,
        `${f('bad')}: motion.mask: shape 1: [0.5,0.5,0.2,1] is not a rectangle [x1, y1, x2, y2] with 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1`,
        `${f('bad')}: stall_timeout_s: must be a number of seconds > 0 and <= 3600 (1 h), got '10'`,
        `${f('bad')}: rtsp_timeout_s: must be a number of seconds > 0 and <= 600 (10 min), got 0`,
        `${f('bad')}: ffmpeg.input_args: must be an array of strings, got an array`,
        `${f('bad')}: ffmpeg.output_args: unknown key`,
        `${f('bad')}: http: unknown key`,
      ]],
      ['broken', null, [`${f('broken')}: (json): trailing comma before '}' at line 1 column 30`]],
      ['list', null, [`${f('list')}: (json): must be a JSON object, got an array`]],
      ['missing-clip', null, [
        `${f('missing-clip')}: url: must be rtsp://, rtsps:// or a path to a video file; 'clip.mp4' (resolved to '${join(cams, 'clip.mp4')}') does not exist`,
      ]],
      ['my cam', null, [
        `${f('my cam')}: (name): camera name 'my cam' may only contain letters, digits, '_' and '-' (it becomes part of MQTT topics)`,
        `${f('my cam')}: url: must be rtsp://, rtsps:// or a path to a video file; '/nonexistent/clip.mp4' does not exist`,
      ]],
      ['no-url', null, [`${f('no-url')}: url: is required`]],
      ['rtsp-no-host', null, [`${f('rtsp-no-host')}: url: must be rtsp://, rtsps:// or a path to a video file; 'rtsp://' is not a valid URL`]],
    ],
    'each camera has its own complete problem list and no config',
  );
  t.false(JSON.stringify(entries).includes('hunter2'), 'no password in any problem');
});

test('a missing camera directory is a ConfigError naming it', (t) => {
  const dir = join(tmpDir(t).dir, 'nope');
  const err = t.throws(() => loadCameraConfigs(dir), { instanceOf: ConfigError }, 'throws a ConfigError');
  t.deepEqual(err?.problems, [`${dir}: (dir): cannot read: ENOENT: no such file or directory`], 'names the directory');
});
