/**
 * Camera changes without a restart. A reload re-reads the daemon file and
 * every camera file, then:
 * - a camera whose file changed (its validated config or its problems) is
 *   stopped and started again with the new file: a file that became invalid
 *   leaves that camera in `error` with the usual `file: key: reason`;
 * - a new file starts a camera; a removed file stops one for good (the target
 *   clears its retained topics);
 * - a camera whose file did not change is not touched (same ffmpeg, tracks
 *   and ids);
 * - the daemon file is not applied live: a difference from the running
 *   config (or a file that no longer validates) is reported in the log and in
 *   /status as needing a restart, and nothing else changes. Camera files are
 *   read with the running config's cameras.dir and cameras.defaults.
 *
 * A reload runs on SIGHUP (`systemctl reload lookout`) and when a file in the
 * camera directory or the daemon file changes (fs.watch). File events are
 * gathered over one debounce window from the first event, so a burst of
 * writes (an editor's, or a script's) gives at most one reload per window.
 * Reloads never overlap: one asked for during another runs after it.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Clock, Timer } from '../clock.js';
import { loadCameraConfigs, loadDaemonConfig, type CameraEntry, type DaemonConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';

/** File events within this window of the first one make one reload. */
export const RELOAD_DEBOUNCE_MS = 300;

/** What a reload changes: the camera fleet (src/cameras/camera-fleet.ts) implements it. */
export interface ReloadTarget {
  /** The camera entries running now (valid or not), by name. */
  cameras(): ReadonlyMap<string, CameraEntry>;
  /** Stops a camera; `removed`: its file is gone, so clear its retained topics and forget it. */
  stopCamera(name: string, removed: boolean): Promise<void>;
  /** Starts (or reports as disabled / in error) a camera from its freshly read entry. */
  startCamera(entry: CameraEntry): void;
}

export interface ReloaderOptions {
  configFile: string;
  /** The running daemon config: its cameras.dir and cameras.defaults are used, the rest compared. */
  config: DaemonConfig;
  env: NodeJS.ProcessEnv;
  target: ReloadTarget;
  logger: Logger;
  clock: Clock;
  debounceMs?: number;
}

export interface ReloadResult {
  trigger: string;
  restarted: string[];
  added: string[];
  removed: string[];
  unchanged: string[];
  /** Daemon file keys that differ from the running config (or its problems): a restart applies them. */
  restartNeeded: string[];
}

/** What /status shows. */
export interface ReloadStatus {
  reloads: number;
  last_reload_at: string | null;
  last_trigger: string | null;
  /** Null when the running daemon config matches the file; else what a restart would apply. */
  restart_needed: { reason: string; keys: string[] } | null;
}

export class Reloader {
  readonly #o: ReloaderOptions;
  readonly #log: Logger;
  readonly #camerasDir: string;
  readonly #debounceMs: number;
  readonly #watchers: FSWatcher[] = [];
  #timer: Timer | null = null;
  #running: Promise<void> | null = null;
  #again: string | null = null;
  #queued: Promise<void> | null = null;
  #stopped = false;
  #reloads = 0;
  #lastAt: number | null = null;
  #lastTrigger: string | null = null;
  #restartNeeded: { reason: string; keys: string[] } | null = null;
  /** Results of every reload, for tests and logs. */
  readonly results: ReloadResult[] = [];

  constructor(options: ReloaderOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'reload' });
    this.#camerasDir = resolve(dirname(options.configFile), options.config.cameras.dir);
    this.#debounceMs = options.debounceMs ?? RELOAD_DEBOUNCE_MS;
  }

  get status(): ReloadStatus {
    return {
      reloads: this.#reloads,
      last_reload_at: this.#lastAt === null ? null : new Date(this.#lastAt).toISOString(),
      last_trigger: this.#lastTrigger,
      restart_needed: this.#restartNeeded,
    };
  }

  /** Watches the camera directory and the daemon file's directory. */
  start(): void {
    const configDir = dirname(resolve(this.#o.configFile));
    const configName = basename(this.#o.configFile);
    this.#watch(this.#camerasDir, (name) => name === null || (name.endsWith('.json') && !name.startsWith('.')), 'camera directory');
    if (configDir !== this.#camerasDir) this.#watch(configDir, (name) => name === null || name === configName, 'daemon file');
    else this.#log.debug('the daemon file lies in the camera directory; one watcher serves both');
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const w of this.#watchers.splice(0)) w.close();
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
    await this.#queued;
  }

  /** A file changed: reload once the debounce window from the first change is over. */
  fileChanged(what: string): void {
    if (this.#stopped || this.#timer !== null) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      void this.reload(`file change (${what})`);
    }, this.#debounceMs);
  }

  /** Reloads now (SIGHUP), or once right after the reload in progress (several asks make one). Resolves when it is done. */
  reload(trigger: string): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (!this.#running) return this.#start(trigger);
    this.#again = trigger;
    this.#queued ??= this.#running.then(() => {
      const again = this.#again!;
      this.#again = null;
      this.#queued = null;
      return this.#stopped ? undefined : this.#start(again);
    });
    return this.#queued;
  }

  #start(trigger: string): Promise<void> {
    const run = this.#reload(trigger)
      .catch((error: Error) => this.#log.error({ err: { message: error.message } }, `reload failed: ${error.message}`))
      .finally(() => {
        if (this.#running === run) this.#running = null;
      });
    this.#running = run;
    return run;
  }

  async #reload(trigger: string): Promise<void> {
    const started = this.#o.clock.now();
    this.#log.info({ trigger }, `reloading the configuration (${trigger})`);
    const result: ReloadResult = { trigger, restarted: [], added: [], removed: [], unchanged: [], restartNeeded: [] };
    this.#checkDaemonFile(result);
    let entries: CameraEntry[];
    try {
      entries = loadCameraConfigs(this.#camerasDir, this.#o.config.cameras.defaults);
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
      this.#log.error({ problems }, `reload: camera directory unreadable, nothing changed: ${problems.join('; ')}`);
      return;
    }
    const current = this.#o.target.cameras();
    const next = new Map(entries.map((e) => [e.name, e]));
    for (const name of current.keys()) {
      if (!next.has(name)) result.removed.push(name);
    }
    for (const entry of entries) {
      const old = current.get(entry.name);
      if (!old) result.added.push(entry.name);
      else if (fingerprint(old) !== fingerprint(entry)) result.restarted.push(entry.name);
      else result.unchanged.push(entry.name);
    }
    for (const name of result.removed) {
      await this.#o.target.stopCamera(name, true);
      this.#log.info({ camera: name }, `camera ${name} removed (its file is gone)`);
    }
    for (const name of result.restarted) {
      await this.#o.target.stopCamera(name, false);
      this.#o.target.startCamera(next.get(name)!);
      const entry = next.get(name)!;
      if (entry.config) this.#log.info({ camera: name }, `camera ${name} restarted: ${entry.file} changed`);
      else this.#log.error({ camera: name, problems: entry.problems }, `camera ${name} stopped: invalid file ${entry.file}: ${entry.problems.join('; ')}`);
    }
    for (const name of result.added) {
      this.#o.target.startCamera(next.get(name)!);
      this.#log.info({ camera: name }, `camera ${name} added`);
    }
    this.#reloads++;
    this.#lastAt = this.#o.clock.now();
    this.#lastTrigger = trigger;
    this.results.push(result);
    this.#log.info(
      { trigger, restarted: result.restarted, added: result.added, removed: result.removed, unchanged: result.unchanged, restart_needed: result.restartNeeded, ms: this.#lastAt - started },
      `reload done: ${result.restarted.length} restarted, ${result.added.length} added, ${result.removed.length} removed, ${result.unchanged.length} unchanged`,
    );
  }

  /** Compares the daemon file with the running config; only reports. */
  #checkDaemonFile(result: ReloadResult): void {
    let fresh: DaemonConfig;
    try {
      fresh = loadDaemonConfig(this.#o.configFile, this.#o.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#restartNeeded = { reason: `${this.#o.configFile} does not validate; the running configuration stays: ${error.problems.join('; ')}`, keys: [] };
      result.restartNeeded = [];
      this.#log.warn({ problems: error.problems }, `reload: ${this.#o.configFile} does not validate; the running configuration stays (a restart would fail)`);
      return;
    }
    const keys = changedKeys(this.#o.config, fresh);
    result.restartNeeded = keys;
    if (keys.length === 0) {
      if (this.#restartNeeded !== null) this.#log.info('reload: the daemon file matches the running configuration again');
      this.#restartNeeded = null;
      return;
    }
    this.#restartNeeded = { reason: `${this.#o.configFile} changed (${keys.join(', ')}); these apply only on a restart`, keys };
    this.#log.warn({ keys }, `reload: ${this.#o.configFile} changed (${keys.join(', ')}): not applied live, restart lookout to apply it`);
  }

  #watch(dir: string, wanted: (name: string | null) => boolean, what: string): void {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        const file = name === null ? null : String(name);
        if (wanted(file)) this.fileChanged(`${what}${file ? `: ${file}` : ''}`);
      });
      watcher.on('error', (error) => this.#log.warn({ err: { message: error.message }, dir }, `stopped watching ${dir} for changes: ${error.message}; SIGHUP still reloads`));
      this.#watchers.push(watcher);
    } catch (error) {
      this.#log.warn({ err: { message: (error as Error).message }, dir }, `cannot watch ${dir} for changes: ${(error as Error).message}; SIGHUP still reloads`);
    }
  }
}

/** A camera file's effect: its validated config, or its problems. */
function fingerprint(entry: CameraEntry): string {
  return JSON.stringify({ config: entry.config, problems: entry.problems, secrets: entry.secrets ?? [] });
}

/** Dotted leaf keys whose values differ (values never reported: some are secrets). */
export function changedKeys(a: unknown, b: unknown, prefix = ''): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedKeys(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(root)'];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
