/**
 * The one place that builds lookout's services from the validated config,
 * starts them in order and stops them in reverse. A camera that fails affects
 * only itself; a service the whole daemon needs (HTTP port, embedded broker)
 * fails start().
 */
import os from 'node:os';
import { systemClock, type Clock, type Timer } from './clock.js';
import type { CameraEntry, CameraConfig, DaemonConfig } from './config/index.js';
import { configRedactor, configSecrets, Redactor, type Redact } from './config/index.js';
import { HealthServer, type Readiness } from './http/health-server.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { CameraSource } from './ingest/index.js';
import { DetectionStage } from './detector/detection-stage.js';
import { ConfigError } from './errors.js';
import { CameraOutput } from './mqtt/camera-output.js';
import { cameraTap } from './mqtt/camera-tap.js';
import { HomeAssistantDiscovery } from './discovery/home-assistant.js';
import { join } from 'node:path';
import { LiveEvents } from './http/live-events.js';
import { PageRoutes } from './http/page.js';
import { pictureAccess } from './http/picture-access.js';
import { Snapshots } from './snapshot/snapshots.js';
import { zoneList } from './zones/schema.js';
import { cameraLabelProblems } from './cameras/label-checks.js';
import { Reloader, type ReloadStatus } from './reload/reloader.js';
import { ProbeCache } from './reload/probe-cache.js';
import { cameraGeometry } from './geometry/overlay.js';
import { packageRoot, packageVersion } from './package-root.js';
import type { ConfiguredFilter } from './detector/filters.js';
import { getRuntime } from './detector/runtimes/registry.js';
import { resolveThreads } from './detector/runtimes/threads.js';
import type { Logger } from './logger.js';
import { EmbeddedBroker } from './mqtt/embedded-broker.js';
import { MqttPublisher } from './mqtt/publisher.js';
import { SystemLoadSource } from './scheduler/load-source.js';
import { Scheduler, schedulerCamera } from './scheduler/scheduler.js';
import { CameraRecord } from './status/camera-record.js';
import type { DaemonView } from './status/daemon-view.js';
import { metricsSnapshot } from './status/metrics-snapshot.js';
import { statsReport } from './status/stats-report.js';
import { readinessReport, statusReport, type StatusReport } from './status/status-report.js';
import { SystemdNotifier } from './systemd/notify.js';

export interface DaemonOptions {
  config: DaemonConfig;
  /** The daemon file, for messages. */
  configFile: string;
  cameras: readonly CameraEntry[];
  logger: Logger;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** Keeps the config's secrets out of /status, /readyz and MQTT (default: built from config and cameras). */
  redactor?: Redact;
}

export class Daemon {
  readonly #options: DaemonOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #redactor: Redact;
  readonly #records = new Map<string, CameraRecord>();
  readonly #metrics: Metrics;
  readonly #http: HealthServer;
  readonly #notifier: SystemdNotifier;
  readonly #broker: EmbeddedBroker | null;
  #publisher: MqttPublisher | null = null;
  #discovery: HomeAssistantDiscovery | null = null;
  /** Pictures per camera (snapshot.*), for the page, latest.jpg and MQTT snapshots. */
  readonly #snapshots: Snapshots;
  /** The last events per camera, for the live page. */
  readonly #liveEvents: LiveEvents;
  readonly #stage: DetectionStage;
  readonly #scheduler: Scheduler;
  readonly #cameraConfigs = new Map<string, CameraConfig>();
  /** Every camera entry as last read (valid or not): what a reload compares files with. */
  readonly #entries = new Map<string, CameraEntry>();
  /** Camera changes without a restart (SIGHUP, file watch); created at start. */
  #reloader: Reloader | null = null;
  /** A restarted camera's last probe, so it does not probe the same stream again. */
  readonly #probes = new ProbeCache();
  /** Per running camera: tracker, events, counts and detections on MQTT. */
  readonly #outputs = new Map<string, CameraOutput>();
  /** What the reports read: /status, /readyz, MQTT stats, /metrics. */
  readonly #view: DaemonView;
  #statsTimer: Timer | null = null;
  #startedAt: number;
  #stopping: Promise<void> | null = null;

  constructor(options: DaemonOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#startedAt = this.#clock.now();
    this.#redactor = options.redactor ?? configRedactor(options.config, options.cameras);
    const { config } = options;
    for (const entry of options.cameras) {
      this.#entries.set(entry.name, entry);
      this.#records.set(entry.name, this.#createRecord(entry));
    }
    const filters = new Map<string, ConfiguredFilter & { file: string }>();
    for (const [name, camera] of this.#cameraConfigs) filters.set(name, { ...camera.detect, file: this.#records.get(name)!.file });
    this.#stage = new DetectionStage({
      runtime: getRuntime(config.detector.runtime),
      modelDir: config.detector.model,
      threads: resolveThreads(config.detector.threads, options.cameras.filter((c) => c.config?.enabled === true).length),
      iou: config.detector.iou,
      maxDet: config.detector.max_det,
      agnostic: config.detector.agnostic_nms,
      filters,
      onResult: (result) => {
        const output = this.#outputs.get(result.camera);
        if (output) this.#snapshots.result(result, output.handle(result));
      },
      logger: this.#log,
      clock: this.#clock,
    });
    const stage = this.#stage;
    this.#scheduler = new Scheduler({
      enabled: config.scheduler.enabled,
      cpuTarget: config.scheduler.cpu_target,
      tempLimitC: config.scheduler.temp_limit_c,
      intervalS: config.scheduler.interval_s,
      cameras: [...this.#cameraConfigs].map(([name, camera]) => schedulerCamera(name, camera)),
      load: new SystemLoadSource(),
      detector: {
        busyMs: () => stage.busyMs,
        get workers() { return stage.workers; },
        counters: (name) => ({ inferences: stage.stats(name).inferences, skippedBusy: stage.stats(name).skipped_busy }),
      },
      clock: this.#clock,
      logger: this.#log,
    });
    this.#view = {
      records: this.#records,
      detector: stage,
      scheduler: this.#scheduler,
      output: (camera) => this.#outputs.get(camera),
      mqttUrl: () => this.#publisherUrl(),
      publisher: () => this.#publisher,
      startedAt: () => this.#startedAt,
    };
    this.#metrics = createMetrics(() => metricsSnapshot(this.#view));
    this.#snapshots = new Snapshots({ clock: this.#clock, logger: this.#log });
    const redactor = this.#redactor;
    this.#liveEvents = new LiveEvents((event) => redactor.jsonLine(JSON.stringify(event)));
    const page = new PageRoutes({
      access: pictureAccess(config.http.host, config.http.token),
      token: config.http.token,
      pictures: this.#snapshots,
      events: this.#liveEvents,
      webDir: join(packageRoot, 'web'),
      logger: this.#log,
    });
    this.#http = new HealthServer({
      page,
      onStop: () => this.#liveEvents.close(),
      host: config.http.host,
      port: config.http.port,
      logger: this.#log,
      clock: this.#clock,
      redactor: this.#redactor,
      provider: {
        liveness: () => true,
        readiness: () => this.readiness(),
        status: () => this.status(),
        metrics: () => this.#metrics.render(),
      },
    });
    this.#notifier = new SystemdNotifier({ logger: this.#log, env: options.env, clock: this.#clock });
    this.#broker = config.mqtt.url === 'embedded' ? new EmbeddedBroker({ port: config.mqtt.embedded_port, logger: this.#log }) : null;
  }

  get httpAddress(): { host: string; port: number } | null {
    return this.#http.address;
  }

  get cameras(): ReadonlyMap<string, CameraRecord> {
    return this.#records;
  }

  async start(): Promise<void> {
    const { config } = this.#options;
    this.#startedAt = this.#clock.now();
    // The model first: a bad model is a config error (exit 78) and must not
    // leave ports half-open or cameras running.
    await this.#stage.start();
    let url = config.mqtt.url;
    if (this.#broker) {
      await this.#broker.start();
      url = this.#broker.url;
    }
    const publisher = new MqttPublisher({ config: { ...config.mqtt, url }, logger: this.#log, clock: this.#clock, redactor: this.#redactor });
    this.#publisher = publisher;
    if (config.mqtt.discovery) {
      this.#discovery = new HomeAssistantDiscovery({
        sink: publisher,
        baseTopic: config.mqtt.base_topic,
        version: packageVersion,
        hostname: os.hostname(),
        cameras: [...this.#records.values()].map((record) => this.#discoveryCamera(record.name, this.#cameraConfigs.get(record.name))),
        logger: this.#log,
      });
      this.#discovery.start();
    }
    // Republish every camera's retained state on each (re)connect: a broker
    // restarted without persistence has forgotten it.
    publisher.on('connect', () => {
      this.#discovery?.publishAll();
      for (const record of this.#records.values()) this.#publishStatus(record);
      for (const output of this.#outputs.values()) output.republish();
    });
    this.#checkCountTopics();
    await publisher.start();
    await this.#http.start();
    await this.#scheduler.start();

    for (const record of this.#records.values()) {
      const camera = this.#cameraConfigs.get(record.name);
      // Initial states go out from the 'connect' handler; changes from here on publish themselves.
      if (camera) this.#startCamera(record, camera, publisher);
      else this.#snapshots.add(record.name, null, publisher);
    }
    this.#scheduleStats();
    this.#reloader = new Reloader({
      configFile: this.#options.configFile,
      config,
      env: this.#options.env ?? process.env,
      clock: this.#clock,
      logger: this.#log,
      target: {
        cameras: () => this.#entries,
        stopCamera: (name, removed) => this.#stopCamera(name, removed),
        startCamera: (entry) => this.#addCamera(entry, publisher),
      },
    });
    this.#reloader.start();
    await this.#notifier.start();
    const address = this.#http.address;
    this.#log.info({ http: address, cameras: [...this.#records.keys()] }, 'lookout started');
    void this.#notifier.ready(`${this.#records.size} camera(s)`);
  }

  /** The one shutdown path; safe to call more than once. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#log.info('lookout stopping');
    void this.#notifier.stopping();
    if (this.#statsTimer !== null) this.#clock.clearTimeout(this.#statsTimer);
    this.#statsTimer = null;
    await this.#reloader?.stop();
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
    await this.#scheduler.stop();
    await this.#stage.stop().catch((error) => this.#log.error({ err: error }, 'detector stop failed'));
    await this.#publisher?.stop().catch((error) => this.#log.error({ err: error }, 'MQTT stop failed'));
    await this.#http.stop().catch((error) => this.#log.error({ err: error }, 'HTTP stop failed'));
    await this.#broker?.stop().catch((error) => this.#log.error({ err: error }, 'embedded broker stop failed'));
    await this.#notifier.stop();
    this.#log.info('lookout stopped');
  }

  /** Re-reads the camera files and applies what changed (SIGHUP); see src/reload/reloader.ts. */
  reload(trigger: string): Promise<void> {
    return this.#reloader?.reload(trigger) ?? Promise.resolve();
  }

  readiness(): Readiness {
    return readinessReport(this.#view);
  }

  status(): StatusReport & { reload: ReloadStatus | null } {
    const { config, configFile } = this.#options;
    const about = { version: packageVersion, hostname: os.hostname(), pid: process.pid, configFile, runtime: config.detector.runtime, model: config.detector.model };
    return { ...statusReport(this.#view, about, this.#clock.now()), reload: this.#reloader?.status ?? null };
  }

  /** Stops a camera for a reload; `removed`: its file is gone, so its retained topics are cleared and it is forgotten. */
  async #stopCamera(name: string, removed: boolean): Promise<void> {
    const record = this.#records.get(name);
    if (!record) return;
    this.#probes.remember(name, removed ? undefined : this.#cameraConfigs.get(name), record.sourceInfo);
    if (record.source) {
      for (const event of ['state', 'source', 'frame', 'picture']) record.source.removeAllListeners(event);
      await record.source.stop().catch((error) => this.#log.error({ camera: name, err: error }, 'camera stop failed'));
    }
    // Ends every object: its end events go out and its counts (camera and zones) drop to 0.
    this.#outputs.get(name)?.endAll();
    this.#outputs.delete(name);
    this.#scheduler.removeCamera(name);
    this.#stage.setFilter(name, null);
    this.#cameraConfigs.delete(name);
    if (!removed) return;
    this.#setState(record, 'removed', `${record.file} was removed`);
    this.#discovery?.removeCamera(name);
    this.#snapshots.remove(name);
    this.#records.delete(name);
    this.#entries.delete(name);
  }

  /** Starts a camera from a freshly read file (added or changed); an invalid one is reported in error. */
  #addCamera(entry: CameraEntry, publisher: MqttPublisher): void {
    // A new or changed file may hold a new password: masked before anything about it is logged.
    if (this.#redactor instanceof Redactor) this.#redactor.add(configSecrets(null, [entry]));
    this.#entries.set(entry.name, entry);
    const record = this.#createRecord(entry);
    this.#records.set(entry.name, record);
    const camera = this.#cameraConfigs.get(entry.name);
    if (!camera) {
      this.#publishStatus(record);
      return;
    }
    const problems = [...this.#stage.setFilter(entry.name, { ...camera.detect, file: entry.file }), ...cameraLabelProblems(entry.file, camera, this.#stage.model!)];
    if (problems.length > 0) {
      this.#stage.setFilter(entry.name, null);
      this.#cameraConfigs.delete(entry.name);
      this.#log.error({ camera: entry.name, problems }, `camera ${entry.name} not started: ${problems.join('; ')}`);
      this.#setState(record, 'error', problems.join('; '));
      this.#publishStatus(record);
      return;
    }
    this.#scheduler.addCamera(schedulerCamera(entry.name, camera));
    this.#discovery?.setCamera(this.#discoveryCamera(entry.name, camera));
    this.#publishStatus(record);
    this.#startCamera(record, camera, publisher);
  }

  #discoveryCamera(name: string, camera: CameraConfig | undefined) {
    const labels = camera?.detect.labels ?? [];
    return {
      name,
      labels,
      reportable: labels.length > 0 ? labels : this.#stage.model!.labels,
      snapshots: camera !== undefined && camera.snapshot.enabled && camera.snapshot.mqtt,
    };
  }

  #publisherUrl(): string {
    return this.#broker ? this.#broker.url : this.#options.config.mqtt.url;
  }

  #createRecord(entry: CameraEntry): CameraRecord {
    if (!entry.config) {
      return new CameraRecord({ name: entry.name, file: entry.file, state: 'error', reason: entry.problems.join('; ') });
    }
    if (!entry.config.enabled) {
      return new CameraRecord({ name: entry.name, file: entry.file, state: 'disabled', reason: 'enabled is false' });
    }
    this.#cameraConfigs.set(entry.name, entry.config);
    return new CameraRecord({ name: entry.name, file: entry.file, state: 'connecting', reason: null });
  }

  /** Creates the camera's source once the model's input size is known, and starts it. */
  #startCamera(record: CameraRecord, camera: CameraConfig, publisher: MqttPublisher): void {
    const input = this.#stage.inputSize!;
    const width = camera.detect.width || input.width;
    const height = camera.detect.height || input.height;
    if (width !== input.width || height !== input.height) {
      this.#setState(record, 'error', `${record.file}: detect.width/height: ${width}x${height} differs from the model's input ${input.width}x${input.height}; remove the keys to follow the model`);
      return;
    }
    // The source adds the camera field to its own logger.
    const probe = this.#probes.probeFor(record.name, camera);
    const source = new CameraSource({ ...toSourceOptions(record.name, camera), ...(probe && { probe }), width, height, logger: this.#log, clock: this.#clock });
    record.source = source;
    this.#snapshots.add(record.name, camera.snapshot.enabled ? { ...camera.snapshot, geometry: cameraGeometry(camera) } : null, publisher);
    source.on('picture', (picture) => this.#snapshots.picture(picture));
    const output = new CameraOutput({
      camera: record.name,
      sink: cameraTap(publisher, record.name, {
        onCount: (count) => this.#discovery?.labelSeen(record.name, count.label),
        onEvent: (event) => this.#liveEvents.add(event),
      }),
      clock: this.#clock,
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
      this.#scheduler.setSourceFps(record.name, info.fps);
      this.#publishStatus(record);
    });
    // camera source -> scheduler (infer now or skip) -> detector.
    source.on('frame', (frame) => {
      if (this.#scheduler.admit(frame)) this.#stage.push(record.name, frame);
    });
    source.start().catch((error: Error) => {
      this.#log.error({ camera: record.name, err: error }, `camera ${record.name} failed to start: ${error.message}`);
      this.#setState(record, 'error', error.message);
    });
  }

  #setState(record: CameraRecord, state: CameraRecord['state'], reason: string | null): void {
    if (record.state === state && record.reason === reason) return;
    record.state = state;
    record.reason = reason;
    this.#publishStatus(record);
  }

  #publishStatus(record: CameraRecord): void {
    const publisher = this.#publisher;
    if (!publisher) return;
    publisher.publish(publisher.topics.cameraStatus(record.name), record.statusPayload(this.#clock.now(), this.#stage.stats(record.name).skipped_busy), { retain: true });
  }

  /**
   * Count topics are `<base>/<camera>/<label>`: a label that spells a reserved
   * level (status, events...) would collide, so refuse it at start.
   */
  #checkCountTopics(): void {
    const problems = [...this.#cameraConfigs].flatMap(([name, camera]) => cameraLabelProblems(this.#records.get(name)!.file, camera, this.#stage.model!));
    if (problems.length > 0) throw new ConfigError(problems);
  }

  #scheduleStats(): void {
    const intervalMs = this.#options.config.mqtt.stats_interval_s * 1000;
    this.#statsTimer = this.#clock.setTimeout(() => {
      this.#publishStats();
      this.#scheduleStats();
    }, intervalMs);
    (this.#statsTimer as { unref?: () => unknown }).unref?.();
  }

  #publishStats(): void {
    const publisher = this.#publisher;
    if (!publisher || this.#stopping) return;
    publisher.publish(publisher.topics.stats, statsReport(this.#view, this.#clock.now()));
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
