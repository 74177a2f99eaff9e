import { chmodSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ConfigError } from '../../../src/errors.js';
import { loadDaemonConfig } from '../../../src/config/index.js';
import { tmpDir } from './tmp-dir.js';
import { modelsDir } from '../../../src/package-root.js';

function problemsOf(t: import('ava').ExecutionContext, fn: () => unknown): string[] {
  const err = t.throws(fn, { instanceOf: ConfigError }, 'throws a ConfigError');
  return err?.problems ?? [];
}

test('an empty daemon file gives every default, paths resolved against its directory', (t) => {
  const tmp = tmpDir(t);
  const file = tmp.write('etc/lookout.json', {});
  t.deepEqual(
    loadDaemonConfig(file, {}),
    {
      mqtt: {
        url: 'embedded',
        embedded_port: 1883,
        username: '',
        password: '',
        client_id: `lookout-${hostname()}`,
        base_topic: 'lookout',
        qos: 1,
        ca: '',
        cert: '',
        key: '',
        reject_unauthorized: true,
        max_queue: 1000,
        stats_interval_s: 30,
        discovery: true,
        discovery_prefix: 'homeassistant',
      },
      http: { host: '127.0.0.1', port: 9595, token: '' },
      logging: { level: 'info' },
      cameras: { dir: join(tmp.dir, 'etc/cameras'), defaults: {} },
      detector: {
        runtime: 'onnx',
        model: join(modelsDir, 'yolov8-mnv3'),
        threads: 'auto',
        iou: 0.7,
        max_det: 300,
        agnostic_nms: false,
      },
      scheduler: { enabled: true, cpu_target: 75, temp_limit_c: 80, interval_s: 1 },
    },
    'defaults; cameras.dir and detector.model relative to the file; client_id from the host name',
  );
});

test('file values are taken; absolute paths stay; TLS files resolve relative to the file', (t) => {
  const tmp = tmpDir(t);
  tmp.write('ca.pem', 'x');
  const file = tmp.write('lookout.json', {
    mqtt: { url: 'mqtts://broker:8883', client_id: 'me', qos: 0, ca: 'ca.pem', reject_unauthorized: false },
    http: { port: 0 },
    cameras: { dir: '/srv/cams', defaults: { detect: { fps: 2 } } },
    detector: { model: '/opt/model', runtime: 'tfjs' },
  });
  const config = loadDaemonConfig(file, {});
  t.is(config.mqtt.url, 'mqtts://broker:8883', 'url from the file');
  t.is(config.mqtt.client_id, 'me', 'client_id from the file');
  t.is(config.mqtt.qos, 0, 'qos 0 is kept (not replaced by the default)');
  t.is(config.mqtt.ca, join(tmp.dir, 'ca.pem'), 'ca resolved against the file');
  t.is(config.mqtt.reject_unauthorized, false, 'false is kept');
  t.is(config.http.port, 0, 'port 0 allowed');
  t.is(config.cameras.dir, '/srv/cams', 'absolute cameras.dir unchanged');
  t.deepEqual(config.cameras.defaults, { detect: { fps: 2 } }, 'cameras.defaults as written');
  t.is(config.detector.model, '/opt/model', 'absolute model path unchanged');
  t.is(config.detector.runtime, 'tfjs', 'runtime from the file');
});

test('every problem is reported at once as file: key: reason, passwords never shown', (t) => {
  const tmp = tmpDir(t);
  const file = tmp.write('lookout.json', {
    mqtt: { url: 'http://user:hunter2@x', qos: 3, hots: 1, password: 5, max_queue: 0, base_topic: 'a/#', ca: 'nope.pem' },
    http: 5,
    logging: { level: 'loud' },
    foo: { bar: 1 },
    cameras: { dir: '', defaults: { detect: { fps: 0, x: 1 }, url: 'a', enabled: 'no' } },
    detector: { runtime: 'gpu', threads: 1.5, iou: 0, max_det: -1, agnostic_nms: 'yes' },
    scheduler: { enabled: 'on', cpu_target: 101, temp_limit_c: 0, interval_s: 0.05 },
  });
  const problems = problemsOf(t, () => loadDaemonConfig(file, {}));
  t.deepEqual(
    problems,
    [
      `${file}: mqtt.url: must be 'embedded' or a mqtt://, mqtts://, ws:// or wss:// URL, got 'http://user:***@x'`,
      `${file}: mqtt.qos: must be one of 0, 1, 2, got 3`,
      `${file}: mqtt.hots: unknown key`,
      `${file}: mqtt.password: must be a string`,
      `${file}: mqtt.max_queue: must be an integer >= 1, got 0`,
      `${file}: mqtt.base_topic: must be a non-empty MQTT topic without '+', '#' or a leading/trailing '/', got 'a/#'`,
      `${file}: http: must be an object, got a number`,
      `${file}: logging.level: must be one of 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent', got 'loud'`,
      `${file}: foo: unknown key`,
      `${file}: cameras.dir: must be a non-empty string, got ''`,
      `${file}: cameras.defaults.detect.fps: must be a number > 0, got 0`,
      `${file}: cameras.defaults.detect.x: unknown key`,
      `${file}: cameras.defaults.url: unknown key`,
      `${file}: cameras.defaults.enabled: must be true or false, got 'no'`,
      `${file}: detector.runtime: must be one of 'onnx', 'tfjs', got 'gpu'`,
      `${file}: detector.threads: must be "auto" or an integer from 1 to 64, got 1.5`,
      `${file}: detector.iou: must be a number > 0 and <= 1, got 0`,
      `${file}: detector.max_det: must be an integer >= 1, got -1`,
      `${file}: detector.agnostic_nms: must be true or false, got 'yes'`,
      `${file}: scheduler.enabled: must be true or false, got 'on'`,
      `${file}: scheduler.cpu_target: must be a number > 0 and <= 100, got 101`,
      `${file}: scheduler.temp_limit_c: must be a number > 0, got 0`,
      `${file}: scheduler.interval_s: must be a number of seconds >= 0.1 and <= 3600 (1 h), got 0.05`,
      `${file}: mqtt.ca: 'nope.pem' (resolved to '${join(tmp.dir, 'nope.pem')}') does not exist`,
    ],
    'all problems, in file order, then file checks',
  );
  t.false(problems.join('\n').includes('hunter2'), 'the password in the URL is masked');
});

test('a missing daemon file is named', (t) => {
  const file = join(tmpDir(t).dir, 'lookout.json');
  t.deepEqual(
    problemsOf(t, () => loadDaemonConfig(file, {})),
    [`${file}: (file): cannot read: ENOENT: no such file or directory`],
    'missing file problem',
  );
});

test('invalid JSON and a non-object top level are named', (t) => {
  const tmp = tmpDir(t);
  const broken = tmp.write('broken.json', '{\n  "mqtt": {"password": "hunter2",}\n}');
  t.deepEqual(
    problemsOf(t, () => loadDaemonConfig(broken, {})),
    [`${broken}: (json): trailing comma before '}' at line 2 column 34`],
    'JSON error with line and column, no content',
  );
  const list = tmp.write('list.json', '[]');
  t.deepEqual(
    problemsOf(t, () => loadDaemonConfig(list, {})),
    [`${list}: (json): must be a JSON object, got an array`],
    'top level must be an object',
  );
});

test('environment variables override the file and are parsed strictly', (t) => {
  const tmp = tmpDir(t);
  const file = tmp.write('lookout.json', { mqtt: { url: 'mqtt://file:1883', qos: 2 }, http: { port: 1000 } });
  const config = loadDaemonConfig(file, {
    LOOKOUT_MQTT_URL: 'mqtt://env:1883',
    LOOKOUT_HTTP_PORT: '8080',
    LOOKOUT_LOG_LEVEL: 'debug',
    LOOKOUT_MQTT_REJECT_UNAUTHORIZED: 'off',
    LOOKOUT_DETECTOR_AGNOSTIC_NMS: '1',
    LOOKOUT_DETECTOR_IOU: '0.5',
    LOOKOUT_SCHEDULER_CPU_TARGET: '60',
    LOOKOUT_SCHEDULER_ENABLED: 'no',
    LOOKOUT_CAMERAS_DIR: 'cams',
  });
  t.is(config.mqtt.url, 'mqtt://env:1883', 'env url wins over the file');
  t.is(config.http.port, 8080, 'env port parsed as a number');
  t.is(config.logging.level, 'debug', 'LOOKOUT_LOG_LEVEL sets logging.level');
  t.is(config.mqtt.reject_unauthorized, false, "'off' reads as false");
  t.is(config.detector.agnostic_nms, true, "'1' reads as true");
  t.is(config.detector.iou, 0.5, 'env number with a fraction');
  t.is(config.scheduler.cpu_target, 60, 'LOOKOUT_SCHEDULER_CPU_TARGET sets scheduler.cpu_target');
  t.is(config.scheduler.enabled, false, "LOOKOUT_SCHEDULER_ENABLED 'no' reads as false");
  t.is(config.mqtt.qos, 2, 'keys without env keep the file value');
  t.is(config.cameras.dir, join(tmp.dir, 'cams'), 'env path resolved against the daemon file too');
});

test('bad environment values are reported with the variable name', (t) => {
  const tmp = tmpDir(t);
  const file = tmp.write('lookout.json', { http: { port: 'x' } });
  t.deepEqual(
    problemsOf(t, () =>
      loadDaemonConfig(file, {
        LOOKOUT_HTTP_PORT: '12abc',
        LOOKOUT_MQTT_QOS: '5',
        LOOKOUT_MQTT_REJECT_UNAUTHORIZED: 'maybe',
        LOOKOUT_MQTT_URL: 'ftp://u:hunter2@h',
        LOOKOUT_MQTT_KEY: '/nonexistent/key.pem',
      }),
    ),
    [
      `${file}: http.port: must be an integer from 0 to 65535, got 'x'`,
      `env LOOKOUT_MQTT_URL: mqtt.url: must be 'embedded' or a mqtt://, mqtts://, ws:// or wss:// URL, got 'ftp://u:***@h'`,
      `env LOOKOUT_MQTT_QOS: mqtt.qos: must be one of 0, 1, 2, got 5`,
      `env LOOKOUT_MQTT_REJECT_UNAUTHORIZED: mqtt.reject_unauthorized: must be true or false, got 'maybe'`,
      `env LOOKOUT_HTTP_PORT: http.port: must be an integer from 0 to 65535, got '12abc'`,
      `env LOOKOUT_MQTT_KEY: mqtt.key: '/nonexistent/key.pem' does not exist`,
    ],
    'file problems first, then env problems in schema order, then files named by their env variable',
  );
});

test('mqtt.password: file < $CREDENTIALS_DIRECTORY/mqtt_password < LOOKOUT_MQTT_PASSWORD', (t) => {
  const tmp = tmpDir(t);
  const file = tmp.write('lookout.json', { mqtt: { password: 'from-file' } });
  tmp.write('creds/mqtt_password', 'from-credential\n');
  const creds = join(tmp.dir, 'creds');
  t.is(loadDaemonConfig(file, {}).mqtt.password, 'from-file', 'file alone');
  t.is(
    loadDaemonConfig(file, { CREDENTIALS_DIRECTORY: creds }).mqtt.password,
    'from-credential',
    'the credential beats the file; its trailing newline is dropped',
  );
  t.is(
    loadDaemonConfig(file, { CREDENTIALS_DIRECTORY: creds, LOOKOUT_MQTT_PASSWORD: 'from-env' }).mqtt.password,
    'from-env',
    'the environment beats the credential',
  );
  t.is(
    loadDaemonConfig(file, { CREDENTIALS_DIRECTORY: join(tmp.dir, 'empty') }).mqtt.password,
    'from-file',
    'a credentials directory without mqtt_password leaves the file value',
  );
});

test('an unreadable credential is a problem naming the credential file', (t) => {
  if (process.getuid?.() === 0) {
    // root reads mode-000 files, so make the credential a directory instead
    const tmp = tmpDir(t);
    const file = tmp.write('lookout.json', {});
    tmp.write('creds/mqtt_password/x', '');
    const cred = join(tmp.dir, 'creds/mqtt_password');
    t.deepEqual(
      problemsOf(t, () => loadDaemonConfig(file, { CREDENTIALS_DIRECTORY: join(tmp.dir, 'creds') })),
      [`${cred}: mqtt.password: cannot read: EISDIR: illegal operation on a directory`],
      'credential problem names the file and the key',
    );
    return;
  }
  const tmp = tmpDir(t);
  const file = tmp.write('lookout.json', {});
  const cred = tmp.write('creds/mqtt_password', 'x');
  chmodSync(cred, 0);
  t.deepEqual(
    problemsOf(t, () => loadDaemonConfig(file, { CREDENTIALS_DIRECTORY: join(tmp.dir, 'creds') })),
    [`${cred}: mqtt.password: cannot read: EACCES: permission denied`],
    'credential problem names the file and the key',
  );
});

test('detector.model: a bare name is a shipped model, a path is relative to the daemon file', (t) => {
  const tmp = tmpDir(t);
  const named = tmp.write('a.json', { detector: { model: 'mb3-centernet' } });
  t.is(loadDaemonConfig(named, {}).detector.model, join(modelsDir, 'mb3-centernet'), 'a name resolves under the lookout models/ directory');
  const pathed = tmp.write('b.json', { detector: { model: './mine/m1' } });
  t.is(loadDaemonConfig(pathed, {}).detector.model, join(tmp.dir, 'mine/m1'), 'a path resolves against the daemon file');
});
