/**
 * The cameras' life cycle, apart from the Daemon that only wires services:
 * one record per camera file (running, disabled or in error), the running
 * cameras' configs, their tracker/MQTT outputs and the probe results kept
 * across a restart. It starts a camera (source -> scheduler -> detector, its
 * pictures and its output), stops one for a reload, starts one from a file
 * re-read while lookout runs, and publishes each camera's retained status.
 * It is the Reloader's target, so a reload and a start go through the same
 * checks and give the same messages.
 */
import type { Clock } from '../clock.js';
import { configSecrets, Redactor, type CameraConfig, type CameraEntry, type Redact } from '../config/index.js';
import type { DetectionResult, DetectionStage } from '../detector/detection-stage.js';
import type { DiscoveryCamera, HomeAssistantDiscovery } from '../discovery/home-assistant.js';
import { ConfigError } from '../errors.js';
import { cameraGeometry } from '../geometry/overlay.js';
import type { LiveEvents } from '../http/live-events.js';
import { CameraSource } from '../ingest/index.js';
import type { Logger } from '../logger.js';
import { CameraOutput } from '../mqtt/camera-output.js';
import { cameraTap } from '../mqtt/camera-tap.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import { ProbeCache } from '../reload/probe-cache.js';
import type { ReloadTarget } from '../reload/reloader.js';
import { schedulerCamera, type Scheduler } from '../scheduler/scheduler.js';
import type { Snapshots } from '../snapshot/snapshots.js';
import { CameraRecord } from '../status/camera-record.js';
import { zoneList } from '../zones/schema.js';
import { cameraLabelProblems } from './label-checks.js';

/** Where camera state, counts, events and snapshots go: the MQTT publisher. */
export type FleetSink = Pick<MqttPublisher, 'publish' | 'topics'>;
export type FleetDiscovery = Pick<HomeAssistantDiscovery, 'setCamera' | 'removeCamera' | 'labelSeen'>;

export interface CameraFleetOptions {
  /** The camera files as read at start, in file order. */
  entries: readonly CameraEntry[];
  stage: DetectionStage;
  scheduler: Scheduler;
  snapshots: Snapshots;
  liveEvents: LiveEvents;
  /** A Redactor learns the secrets of files re-read while running. */
  redactor: Redact;
  logger: Logger;
  clock: Clock;
}

/** A camera lookout runs: its file validated and `enabled` is true. */
export interface RunnableCamera {
  name: string;
  file: string;
  config: CameraConfig;
}

/** The entries lookout runs at start, in file order: what the detector's filters and the scheduler are built from. */
export function runnableCameras(entries: readonly CameraEntry[]): RunnableCamera[] {
  return entries.flatMap((entry) => (entry.config?.enabled === true ? [{ name: entry.name, file: entry.file, config: entry.config }] : []));
}

export class CameraFleet implements ReloadTarget {
  readonly #o: CameraFleetOptions;
  readonly #log: Logger;
  /** Every camera by name, running or not, in camera-file order (a reloaded camera moves to the end). */
  readonly #records = new Map<string, CameraRecord>();
  /** The configs of the cameras that run (valid and enabled). */
  readonly #configs = new Map<string, CameraConfig>();
  /** Every camera entry as last read (valid or not): what a reload compares files with. */
  readonly #entries = new Map<string, CameraEntry>();
  /** Per running camera: tracker, events, counts and detections on MQTT. */
  readonly #outputs = new Map<string, CameraOutput>();
  /** A restarted camera's last probe, so it does not probe the same stream again. */
  readonly #probes = new ProbeCache();
  /** Set by publishTo() at start: until then nothing is published. */
  #sink: FleetSink | null = null;
  #discovery: FleetDiscovery | null = null;

  constructor(options: CameraFleetOptions) {
    this.#o = options;
    this.#log = options.logger;
    for (const entry of options.entries) {
      this.#entries.set(entry.name, entry);
      this.#records.set(entry.name, this.#createRecord(entry));
    }
  }

  get records(): ReadonlyMap<string, CameraRecord> {
    return this.#records;
  }

  /** The camera's tracker and MQTT output; undefined for a camera that does not run. */
  output(name: string): CameraOutput | undefined {
    return this.#outputs.get(name);
  }

  /** The MQTT side, created when the daemon starts: camera states go out from here on. */
  publishTo(sink: FleetSink, discovery: FleetDiscovery | null): void {
    this.#sink = sink;
    this.#discovery = discovery;
  }

  /** What Home Assistant discovery announces per camera at start. */
  discoveryCameras(): DiscoveryCamera[] {
    return [...this.#records.values()].map((record) => this.#discoveryCamera(record.name, this.#configs.get(record.name)));
  }

  /**
   * Count topics are `<base>/<camera>/<label>`: a label that spells a reserved
   * level (status, events...) would collide, so refuse it at start.
   */
  checkLabels(): void {
    const problems = [...this.#configs].flatMap(([name, camera]) => cameraLabelProblems(this.#records.get(name)!.file, camera, this.#o.stage.model!));
    if (problems.length > 0) throw new ConfigError(problems);
  }

  /** Every camera's retained state again, on each (re)connect: a broker restarted without persistence has forgotten it. */
  republish(): void {
    for (const record of this.#records.values()) this.#publishStatus(record);
    for (const output of this.#outputs.values()) output.republish();
  }

  /** A detector result: to the camera's tracker and MQTT output, then to its pictures. */
  detected(result: DetectionResult): void {
    const output = this.#outputs.get(result.camera);
    if (output) this.#o.snapshots.result(result, output.handle(result));
  }

  /** Starts every camera that runs; the others get no pictures. */
  startAll(): void {
    const sink = this.#publisher();
    for (const record of this.#records.values()) {
      const camera = this.#configs.get(record.name);
      // Initial states go out from the 'connect' handler; changes from here on publish themselves.
      if (camera) this.#start(record, camera, sink);
      else this.#o.snapshots.add(record.name, null, sink);
    }
  }

  /** Stops every camera at shutdown: each one's objects end and its last state is 'offline'. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.#records.values()].map(async (record) => {
        if (!record.source) return;
        // One final state, not the source's own 'stopped' followed by ours.
        record.source.removeAllListeners('state');
        await record.source.stop().catch((error) => this.#log.error({ camera: record.name, err: error }, 'camera stop failed'));
        this.#outputs.get(record.name)?.endAll();
        this.#setState(record, 'offline', 'lookout stopped');
      }),
    );
  }

  /** The camera entries running now (valid or not), by name: what a reload compares the files with. */
  cameras(): ReadonlyMap<string, CameraEntry> {
    return this.#entries;
  }

  /** Stops a camera for a reload; `removed`: its file is gone, so its retained topics are cleared and it is forgotten. */
  async stopCamera(name: string, removed: boolean): Promise<void> {
    const record = this.#records.get(name);
    if (!record) return;
    this.#probes.remember(name, removed ? undefined : this.#configs.get(name), record.sourceInfo);
    if (record.source) {
      for (const event of ['state', 'source', 'frame', 'picture']) record.source.removeAllListeners(event);
      await record.source.stop().catch((error) => this.#log.error({ camera: name, err: error }, 'camera stop failed'));
    }
    // Ends every object: its end events go out and its counts (camera and zones) drop to 0.
    this.#outputs.get(name)?.endAll();
    this.#outputs.delete(name);
    this.#o.scheduler.removeCamera(name);
    this.#o.stage.setFilter(name, null);
    this.#configs.delete(name);
    if (!removed) return;
    this.#setState(record, 'removed', `${record.file} was removed`);
    this.#discovery?.removeCamera(name);
    this.#o.snapshots.remove(name);
    this.#records.delete(name);
    this.#entries.delete(name);
  }

  /** Starts a camera from a freshly read file (added or changed); an invalid one is reported in error. */
  startCamera(entry: CameraEntry): void {
    const { stage } = this.#o;
    // A new or changed file may hold a new password: masked before anything about it is logged.
    if (this.#o.redactor instanceof Redactor) this.#o.redactor.add(configSecrets(null, [entry]));
    this.#entries.set(entry.name, entry);
    const record = this.#createRecord(entry);
    this.#records.set(entry.name, record);
    const camera = this.#configs.get(entry.name);
    if (!camera) {
      this.#publishStatus(record);
      return;
    }
    const problems = [...stage.setFilter(entry.name, { ...camera.detect, file: entry.file }), ...cameraLabelProblems(entry.file, camera, stage.model!)];
    if (problems.length > 0) {
      stage.setFilter(entry.name, null);
      this.#configs.delete(entry.name);
      this.#log.error({ camera: entry.name, problems }, `camera ${entry.name} not started: ${problems.join('; ')}`);
      this.#setState(record, 'error', problems.join('; '));
      this.#publishStatus(record);
      return;
    }
    this.#o.scheduler.addCamera(schedulerCamera(entry.name, camera));
    this.#discovery?.setCamera(this.#discoveryCamera(entry.name, camera));
    this.#publishStatus(record);
    this.#start(record, camera, this.#publisher());
  }

  #createRecord(entry: CameraEntry): CameraRecord {
    if (!entry.config) {
      return new CameraRecord({ name: entry.name, file: entry.file, state: 'error', reason: entry.problems.join('; ') });
    }
    if (!entry.config.enabled) {
      return new CameraRecord({ name: entry.name, file: entry.file, state: 'disabled', reason: 'enabled is false' });
    }
    this.#configs.set(entry.name, entry.config);
    return new CameraRecord({ name: entry.name, file: entry.file, state: 'connecting', reason: null });
  }

  /** Creates the camera's source once the model's input size is known, and starts it. */
  #start(record: CameraRecord, camera: CameraConfig, sink: FleetSink): void {
    const { stage, scheduler, snapshots, clock } = this.#o;
    const input = stage.inputSize!;
    const width = camera.detect.width || input.width;
    const height = camera.detect.height || input.height;
    if (width !== input.width || height !== input.height) {
      this.#setState(record, 'error', `${record.file}: detect.width/height: ${width}x${height} differs from the model's input ${input.width}x${input.height}; remove the keys to follow the model`);
      return;
    }
    // The source adds the camera field to its own logger.
    const probe = this.#probes.probeFor(record.name, camera);
    const source = new CameraSource({ ...toSourceOptions(record.name, camera), ...(probe && { probe }), width, height, logger: this.#log, clock });
    record.source = source;
    snapshots.add(record.name, camera.snapshot.enabled ? { ...camera.snapshot, geometry: cameraGeometry(camera) } : null, sink);
    source.on('picture', (picture) => snapshots.picture(picture));
    const output = new CameraOutput({
      camera: record.name,
      sink: cameraTap(sink, record.name, {
        onCount: (count) => this.#discovery?.labelSeen(record.name, count.label),
        onEvent: (event) => this.#o.liveEvents.add(event),
      }),
      clock,
      tracker: camera.tracker,
      zones: zoneList(camera.zones),
      requiredZones: camera.required_zones,
      publishDetections: camera.mqtt.detections,
      sourceSize: () => record.sourceInfo,
    });
    this.#outputs.set(record.name, output);
    source.on('state', ({ state, reason }) => {
      // A lost stream ends what was in view; a reconnect starts afresh.
      if (state !== 'streaming' && record.state === 'streaming') output.endAll();
      this.#setState(record, state, reason);
    });
    source.on('source', (info) => {
      record.sourceInfo = info;
      scheduler.setSourceFps(record.name, info.fps);
      this.#publishStatus(record);
    });
    // camera source -> scheduler (infer now or skip) -> detector.
    source.on('frame', (frame) => {
      if (scheduler.admit(frame)) stage.push(record.name, frame);
    });
    source.start().catch((error: Error) => {
      this.#log.error({ camera: record.name, err: error }, `camera ${record.name} failed to start: ${error.message}`);
      this.#setState(record, 'error', error.message);
    });
  }

  #discoveryCamera(name: string, camera: CameraConfig | undefined): DiscoveryCamera {
    const labels = camera?.detect.labels ?? [];
    return {
      name,
      labels,
      reportable: labels.length > 0 ? labels : this.#o.stage.model!.labels,
      snapshots: camera !== undefined && camera.snapshot.enabled && camera.snapshot.mqtt,
    };
  }

  #setState(record: CameraRecord, state: CameraRecord['state'], reason: string | null): void {
    if (record.state === state && record.reason === reason) return;
    record.state = state;
    record.reason = reason;
    this.#publishStatus(record);
  }

  #publishStatus(record: CameraRecord): void {
    const sink = this.#sink;
    if (!sink) return;
    sink.publish(sink.topics.cameraStatus(record.name), record.statusPayload(this.#o.clock.now(), this.#o.stage.stats(record.name).skipped_busy), { retain: true });
  }

  /** Starting a camera needs the MQTT side: the daemon calls publishTo() before it starts any. */
  #publisher(): FleetSink {
    if (!this.#sink) throw new Error('CameraFleet.publishTo() first');
    return this.#sink;
  }
}

function toSourceOptions(name: string, config: CameraConfig) {
  return {
    name,
    url: config.url,
    fps: config.detect.fps,
    stallTimeoutS: config.stall_timeout_s,
    rtspTimeoutS: config.rtsp_timeout_s,
    inputArgs: config.ffmpeg.input_args,
    pictures: config.snapshot.enabled ? { height: config.snapshot.height } : null,
  };
}
