/**
 * The cameras' life cycle without a daemon: real camera files read by the
 * config loader, a real detection stage on the suite's generated model, a real
 * scheduler, pictures and live events. What goes to MQTT is recorded at the
 * publisher's interface, as in the camera output's tests. Starting a stream
 * (ffmpeg, RTSP) is left to the integration tests (reload, streaming,
 * camera-outage).
 */
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { CameraFleet, runnableCameras } from '../../../src/cameras/camera-fleet.js';
import { loadCameraConfigs, Redactor, type CameraEntry } from '../../../src/config/index.js';
import { DetectionStage } from '../../../src/detector/detection-stage.js';
import { getRuntime } from '../../../src/detector/runtimes/registry.js';
import { ConfigError } from '../../../src/errors.js';
import { LiveEvents } from '../../../src/http/live-events.js';
import { createLogger } from '../../../src/logger.js';
import { RESERVED_CAMERA_LEVELS } from '../../../src/mqtt/topics.js';
import { SystemLoadSource } from '../../../src/scheduler/load-source.js';
import { Scheduler, schedulerCamera } from '../../../src/scheduler/scheduler.js';
import { Snapshots } from '../../../src/snapshot/snapshots.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { recordingSink, type SentMessage } from '../../helpers/recording-sink.js';
import { generateTestModel } from '../../helpers/test-model/index.js';
import { tmpDir, type TmpDir } from '../config/tmp-dir.js';

const silent = createLogger('silent');

interface Setup {
  tmp: TmpDir;
  fleet: CameraFleet;
  stage: DetectionStage;
  scheduler: Scheduler;
  redactor: Redactor;
  sent: SentMessage[];
  /** The camera files as the loader reads them now. */
  read(): Map<string, CameraEntry>;
}

/**
 * A fleet on camera files in a temp dir, built as the daemon builds it;
 * `model`: the detection stage is started on the generated model (labels
 * 'bright' and 'dim' unless given, input 64x64).
 */
async function setup(t: ExecutionContext, cameras: Record<string, object>, model?: { labels?: string[] }): Promise<Setup> {
  const tmp = tmpDir(t);
  for (const [name, camera] of Object.entries(cameras)) tmp.write(`cams/${name}.json`, camera);
  const read = () => new Map(loadCameraConfigs(join(tmp.dir, 'cams')).map((entry) => [entry.name, entry]));
  const entries = [...read().values()];
  const clock = new FakeClock();
  const runnable = runnableCameras(entries);
  const stage = new DetectionStage({
    runtime: getRuntime('onnx'),
    modelDir: generateTestModel({ formats: ['onnx'], ...(model?.labels && { labels: model.labels }) }),
    threads: 1,
    iou: 0.45,
    maxDet: 100,
    agnostic: false,
    filters: new Map(runnable.map((camera) => [camera.name, { ...camera.config.detect, file: camera.file }] as const)),
    onResult: (result) => fleet.detected(result),
    logger: silent,
    clock,
  });
  const scheduler = new Scheduler({
    enabled: true,
    cpuTarget: 0.8,
    tempLimitC: 80,
    intervalS: 5,
    cameras: runnable.map((camera) => schedulerCamera(camera.name, camera.config)),
    load: new SystemLoadSource(),
    detector: { busyMs: () => stage.busyMs, workers: 1, counters: () => ({ inferences: 0, skippedBusy: 0 }) },
    clock,
    logger: silent,
  });
  const redactor = new Redactor([]);
  const snapshots = new Snapshots({ clock, logger: silent });
  const fleet = new CameraFleet({ entries, stage, scheduler, snapshots, liveEvents: new LiveEvents(), redactor, logger: silent, clock });
  if (model) {
    await stage.start();
    t.teardown(() => stage.stop());
  }
  const s = recordingSink();
  fleet.publishTo(s, null);
  return { tmp, fleet, stage, scheduler, redactor, sent: s.sent, read };
}

const states = (fleet: CameraFleet) => [...fleet.records.values()].map((r) => [r.name, r.state, r.reason]);

test('each camera file gets a record: an invalid one in error with its problems, a disabled one disabled, the others connecting', async (t) => {
  const s = await setup(t, { a: { url: 'rtsp://h/a' }, b: { url: 'rtsp://h/b', enabled: false }, c: { url: 'rtsp://h/c', detect: { fps: 0 } } });
  const c = join(s.tmp.dir, 'cams/c.json');
  t.deepEqual(states(s.fleet), [
    ['a', 'connecting', null],
    ['b', 'disabled', 'enabled is false'],
    ['c', 'error', `${c}: detect.fps: must be a number > 0, got 0`],
  ], 'one record per file, in file order, with the state and reason /status and MQTT show');
  t.deepEqual(runnableCameras([...s.read().values()]).map((camera) => camera.name), ['a'], 'only the valid, enabled camera runs');
  t.deepEqual([...s.fleet.cameras().keys()], ['a', 'b', 'c'], 'a reload compares against every file, valid or not');
  t.deepEqual(s.sent, [], 'nothing is published before a camera starts or changes');
});

test('a camera whose file was removed is forgotten; its last retained status says removed and names the file', async (t) => {
  const s = await setup(t, { a: { url: 'rtsp://h/a' }, b: { url: 'rtsp://h/b', enabled: false } });
  const b = join(s.tmp.dir, 'cams/b.json');
  await s.fleet.stopCamera('b', true);
  t.deepEqual(s.sent.map((m) => [m.topic, m.payload.state, m.payload.reason, m.retain]), [['lk/b/status', 'removed', `${b} was removed`, true]], 'one retained status: removed, naming the file');
  t.deepEqual(states(s.fleet), [['a', 'connecting', null]], 'b is no longer reported');
  t.false(s.fleet.cameras().has('b'), 'a later reload sees b as absent, not as unchanged');

  await s.fleet.stopCamera('a', true);
  t.is(s.scheduler.cameraStatus('a'), null, 'a removed running camera gives up its scheduler share');
  t.is(s.fleet.records.size, 0, 'no camera left');
  await s.fleet.stopCamera('a', true);
  t.is(s.sent.length, 2, 'stopping a camera that is already gone publishes nothing');
});

test('a camera stopped for a restart keeps its record until its file starts it again', async (t) => {
  const s = await setup(t, { a: { url: 'rtsp://h/a' } }, {});
  const a = join(s.tmp.dir, 'cams/a.json');
  await s.fleet.stopCamera('a', false);
  t.deepEqual(states(s.fleet), [['a', 'connecting', null]], 'the record stays while the camera restarts');
  t.is(s.scheduler.cameraStatus('a'), null, 'its scheduler share is given up meanwhile');
  t.deepEqual(s.sent, [], 'a restart does not announce a state of its own');
  s.tmp.write('cams/a.json', { url: 'rtsp://h/a', enabled: false });
  s.fleet.startCamera(s.read().get('a')!);
  t.deepEqual(states(s.fleet), [['a', 'disabled', 'enabled is false']], 'the re-read file decides the new state');
  t.deepEqual(s.sent.map((m) => [m.topic, m.payload.state, m.retain]), [['lk/a/status', 'disabled', true]], 'the new state is published, retained');
  t.is(s.fleet.cameras().get('a')?.file, a, 'the re-read entry is what the next reload compares with');
});

test('a re-read file with a problem is reported in error, not started, and the password in its url is masked from then on', async (t) => {
  const s = await setup(t, { a: { url: 'rtsp://h/a' } }, {});
  await s.fleet.stopCamera('a', false);
  const a = s.tmp.write('cams/a.json', { url: 'rtsp://user:Zebra-Crossing-77@h/a', detect: { labels: ['giraffe'] } });
  s.fleet.startCamera(s.read().get('a')!);
  const reason = `${a}: detect.labels: 'giraffe' not among the labels of ${s.stage.model!.file} (camera a)`;
  t.deepEqual(states(s.fleet), [['a', 'error', reason]], 'the label the model lacks, with file and key');
  t.like(s.sent.at(-1), { topic: 'lk/a/status', retain: true, payload: { state: 'error', reason } }, 'the error is the retained status');
  t.is(s.fleet.records.get('a')!.source, null, 'no stream was started');
  t.is(s.fleet.output('a'), undefined, 'no tracker output for it');
  t.is(s.scheduler.cameraStatus('a'), null, 'it takes no scheduler share');
  t.false(s.redactor.text('rtsp://h/a Zebra-Crossing-77').includes('Zebra-Crossing-77'), 'its password is masked wherever it is printed');

  const b = s.tmp.write('cams/b.json', { url: 'rtsp://user:Yellow-Umbrella-42@h/b', detect: { fps: 0 } });
  s.fleet.startCamera(s.read().get('b')!);
  t.deepEqual(states(s.fleet).at(-1), ['b', 'error', `${b}: detect.fps: must be a number > 0, got 0`], 'an added file that does not validate is reported with its problems');
  t.false(s.redactor.text('Yellow-Umbrella-42').includes('Yellow-Umbrella-42'), 'also the password of a file that does not validate');
});

test("a detect size other than the model's input puts the camera in error without starting a stream", async (t) => {
  const s = await setup(t, { a: { url: 'rtsp://h/a', enabled: false } }, {});
  await s.fleet.stopCamera('a', false);
  const a = s.tmp.write('cams/a.json', { url: 'rtsp://h/a', detect: { width: 320, height: 240 } });
  s.fleet.startCamera(s.read().get('a')!);
  const reason = `${a}: detect.width/height: 320x240 differs from the model's input 64x64; remove the keys to follow the model`;
  t.deepEqual(states(s.fleet), [['a', 'error', reason]], 'the message names the file, the keys and both sizes');
  t.deepEqual(s.sent.map((m) => [m.topic, m.payload.state, m.retain]), [['lk/a/status', 'connecting', true], ['lk/a/status', 'error', true]], 'announced as connecting, then in error');
  t.is(s.fleet.records.get('a')!.source, null, 'no stream was started');
});

test('discovery announces each camera with its labels, or the model labels it can report', async (t) => {
  const s = await setup(t, { a: { url: 'rtsp://h/a', detect: { labels: ['dim'] }, snapshot: { mqtt: false } }, b: { url: 'rtsp://h/b' }, c: { url: 'rtsp://h/c', enabled: false } }, {});
  t.deepEqual(s.fleet.discoveryCameras(), [
    { name: 'a', labels: ['dim'], reportable: ['dim'], snapshots: false },
    { name: 'b', labels: [], reportable: ['bright', 'dim'], snapshots: true },
    { name: 'c', labels: [], reportable: ['bright', 'dim'], snapshots: false },
  ], 'detect.labels, else the model labels; snapshot topics when snapshot.enabled and snapshot.mqtt (both on by default) and the camera runs');
});

test('at start, a model label spelling a reserved topic level is refused, naming the camera file', async (t) => {
  const s = await setup(t, { a: { url: 'rtsp://h/a' }, b: { url: 'rtsp://h/b', detect: { labels: ['bright'] } } }, { labels: ['bright', 'status'] });
  const a = join(s.tmp.dir, 'cams/a.json');
  const error = t.throws(() => s.fleet.checkLabels(), { instanceOf: ConfigError }, 'a config error (exit 78)');
  t.deepEqual(error!.problems, [`${a}: detect.labels: 'status' would collide with the reserved topics ${RESERVED_CAMERA_LEVELS.join(', ')}; list the labels to report without it`], 'only a, which reports every model label; b lists its labels');
});

