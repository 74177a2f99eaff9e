/**
 * The one place that builds lookout's services from the validated config,
 * starts them in order and stops them in reverse. A camera that fails affects
 * only itself (src/cameras/camera-fleet.ts); a service the whole daemon needs
 * (HTTP port, embedded broker) fails start(). The reports it serves are built
 * in src/status/.
 */
import os from 'node:os';
import { join } from 'node:path';
import { CameraFleet, runnableCameras } from './cameras/camera-fleet.js';
import { systemClock, type Clock, type Timer } from './clock.js';
import { configRedactor, type CameraEntry, type DaemonConfig, type Redact } from './config/index.js';
import { DetectionStage } from './detector/detection-stage.js';
import { getRuntime } from './detector/runtimes/registry.js';
import { resolveThreads } from './detector/runtimes/threads.js';
import { HomeAssistantDiscovery } from './discovery/home-assistant.js';
import { HealthServer, type Readiness } from './http/health-server.js';
import { LiveEvents } from './http/live-events.js';
import { createMetrics } from './http/metrics.js';
import { PageRoutes } from './http/page.js';
import { pictureAccess } from './http/picture-access.js';
import type { Logger } from './logger.js';
import { EmbeddedBroker } from './mqtt/embedded-broker.js';
import { MqttPublisher } from './mqtt/publisher.js';
import { packageRoot, packageVersion } from './package-root.js';
import { Reloader, type ReloadStatus } from './reload/reloader.js';
import { SystemLoadSource } from './scheduler/load-source.js';
import { Scheduler, schedulerCamera } from './scheduler/scheduler.js';
import { Snapshots } from './snapshot/snapshots.js';
import type { CameraRecord } from './status/camera-record.js';
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
  readonly #stage: DetectionStage;
  readonly #scheduler: Scheduler;
  /** The cameras: records, sources, outputs; the Reloader's target. */
  readonly #fleet: CameraFleet;
  readonly #http: HealthServer;
  readonly #notifier: SystemdNotifier;
  readonly #broker: EmbeddedBroker | null;
  #publisher: MqttPublisher | null = null;
  /** Camera changes without a restart (SIGHUP, file watch); created at start. */
  #reloader: Reloader | null = null;
  /** What the reports read: /status, /readyz, MQTT stats, /metrics. */
  readonly #view: DaemonView;
  #statsTimer: Timer | null = null;
  #startedAt: number;
  #stopping: Promise<void> | null = null;

  constructor(options: DaemonOptions) {
    const { config } = options;
    this.#options = options;
    this.#log = options.logger;
    const clock = (this.#clock = options.clock ?? systemClock);
    const logger = this.#log;
    this.#startedAt = clock.now();
    const redactor = (this.#redactor = options.redactor ?? configRedactor(config, options.cameras));
    const runnable = runnableCameras(options.cameras);
    const stage = (this.#stage = new DetectionStage({
      runtime: getRuntime(config.detector.runtime),
      modelDir: config.detector.model,
      threads: resolveThreads(config.detector.threads, runnable.length),
      iou: config.detector.iou, maxDet: config.detector.max_det, agnostic: config.detector.agnostic_nms,
      filters: new Map(runnable.map((camera) => [camera.name, { ...camera.config.detect, file: camera.file }] as const)),
      onResult: (result) => this.#fleet.detected(result),
      logger,
      clock,
    }));
    this.#scheduler = new Scheduler({
      enabled: config.scheduler.enabled, cpuTarget: config.scheduler.cpu_target,
      tempLimitC: config.scheduler.temp_limit_c, intervalS: config.scheduler.interval_s,
      cameras: runnable.map((camera) => schedulerCamera(camera.name, camera.config)),
      load: new SystemLoadSource(),
      detector: {
        busyMs: () => stage.busyMs,
        get workers() { return stage.workers; },
        counters: (name) => ({ inferences: stage.stats(name).inferences, skippedBusy: stage.stats(name).skipped_busy }),
      },
      clock,
      logger,
    });
    // Pictures per camera (snapshot.*) for the page, latest.jpg and MQTT snapshots; the last events per camera for the page.
    const snapshots = new Snapshots({ clock, logger });
    const liveEvents = new LiveEvents((event) => redactor.jsonLine(JSON.stringify(event)));
    this.#fleet = new CameraFleet({ entries: options.cameras, stage, scheduler: this.#scheduler, snapshots, liveEvents, redactor, logger, clock });
    this.#view = {
      records: this.#fleet.records,
      detector: stage,
      scheduler: this.#scheduler,
      output: (camera) => this.#fleet.output(camera),
      mqttUrl: () => (this.#broker ? this.#broker.url : config.mqtt.url),
      publisher: () => this.#publisher,
      startedAt: () => this.#startedAt,
    };
    const metrics = createMetrics(() => metricsSnapshot(this.#view));
    const page = new PageRoutes({ access: pictureAccess(config.http.host, config.http.token), token: config.http.token, pictures: snapshots, events: liveEvents, webDir: join(packageRoot, 'web'), logger });
    this.#http = new HealthServer({
      page,
      onStop: () => liveEvents.close(),
      host: config.http.host, port: config.http.port, logger, clock, redactor,
      provider: { liveness: () => true, readiness: () => this.readiness(), status: () => this.status(), metrics: () => metrics.render() },
    });
    this.#notifier = new SystemdNotifier({ logger, env: options.env, clock });
    this.#broker = config.mqtt.url === 'embedded' ? new EmbeddedBroker({ port: config.mqtt.embedded_port, logger }) : null;
  }

  get httpAddress(): { host: string; port: number } | null {
    return this.#http.address;
  }

  get cameras(): ReadonlyMap<string, CameraRecord> {
    return this.#fleet.records;
  }

  async start(): Promise<void> {
    const { config } = this.#options;
    const fleet = this.#fleet;
    this.#startedAt = this.#clock.now();
    // The model first: a bad model is a config error (exit 78) and must not
    // leave ports half-open or cameras running.
    await this.#stage.start();
    await this.#broker?.start();
    const url = this.#broker ? this.#broker.url : config.mqtt.url;
    const publisher = (this.#publisher = new MqttPublisher({ config: { ...config.mqtt, url }, logger: this.#log, clock: this.#clock, redactor: this.#redactor }));
    const discovery = config.mqtt.discovery
      ? new HomeAssistantDiscovery({ sink: publisher, baseTopic: config.mqtt.base_topic, version: packageVersion, hostname: os.hostname(), cameras: fleet.discoveryCameras(), logger: this.#log })
      : null;
    discovery?.start();
    fleet.publishTo(publisher, discovery);
    // Republish every retained state on each (re)connect: a broker restarted without persistence has forgotten it.
    publisher.on('connect', () => {
      discovery?.publishAll();
      fleet.republish();
    });
    fleet.checkLabels();
    await publisher.start();
    await this.#http.start();
    await this.#scheduler.start();
    fleet.startAll();
    this.#scheduleStats();
    this.#reloader = new Reloader({ configFile: this.#options.configFile, config, env: this.#options.env ?? process.env, clock: this.#clock, logger: this.#log, target: fleet });
    this.#reloader.start();
    await this.#notifier.start();
    this.#log.info({ http: this.#http.address, cameras: [...fleet.records.keys()] }, 'lookout started');
    void this.#notifier.ready(`${fleet.records.size} camera(s)`);
  }

  /** The one shutdown path; safe to call more than once. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const failed = (what: string) => (error: unknown) => this.#log.error({ err: error }, `${what} stop failed`);
    this.#log.info('lookout stopping');
    void this.#notifier.stopping();
    if (this.#statsTimer !== null) this.#clock.clearTimeout(this.#statsTimer);
    this.#statsTimer = null;
    await this.#reloader?.stop();
    await this.#fleet.stopAll();
    await this.#scheduler.stop();
    await this.#stage.stop().catch(failed('detector'));
    await this.#publisher?.stop().catch(failed('MQTT'));
    await this.#http.stop().catch(failed('HTTP'));
    await this.#broker?.stop().catch(failed('embedded broker'));
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
