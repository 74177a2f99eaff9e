/**
 * sd_notify for Type=notify: READY=1 once cameras and broker are set up,
 * WATCHDOG=1 every WATCHDOG_USEC/2, STATUS=<text> for `systemctl status`, and
 * STOPPING=1 on shutdown. Without NOTIFY_SOCKET (not under systemd) every call
 * is a no-op.
 *
 * Why the systemd-notify binary: the protocol is a unix *datagram* socket and
 * Node can only do unix stream sockets. The npm modules that fill the gap are
 * native addons; lookout already carries one (onnxruntime) whose arm64 build
 * has to be right, and a second one would double that risk. systemd-notify is
 * installed wherever systemd is. Because the datagram then comes from a child
 * process, the unit needs NotifyAccess=all; `--pid=<our pid>` keeps MAINPID
 * pointing at node, and systemd-notify (systemd >= 246) waits until systemd
 * has processed the message, so the child exiting first does not lose it.
 */
import { execFile } from 'node:child_process';
import { systemClock, type Clock, type Timer } from '../clock.js';
import type { Logger } from '../logger.js';

export interface SystemdNotifierOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** The PID systemd should treat as the service's main process. */
  pid?: number;
  /** Path or name of the systemd-notify binary. */
  command?: string;
  clock?: Clock;
  /** Kill a systemd-notify that hangs (e.g. a socket nobody reads) after this long. */
  sendTimeoutMs?: number;
}

export class SystemdNotifier {
  readonly #logger: Logger;
  readonly #env: NodeJS.ProcessEnv;
  readonly #pid: number;
  readonly #command: string;
  readonly #clock: Clock;
  readonly #sendTimeoutMs: number;
  #queue: Promise<void> = Promise.resolve();
  #watchdogTimer: Timer | null = null;
  #failureLogged = false;

  constructor(options: SystemdNotifierOptions) {
    this.#logger = options.logger.child({ component: 'systemd' });
    this.#env = options.env ?? process.env;
    this.#pid = options.pid ?? process.pid;
    this.#command = options.command ?? 'systemd-notify';
    this.#clock = options.clock ?? systemClock;
    this.#sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
  }

  /** True when started by systemd with Type=notify. */
  get enabled(): boolean {
    return (this.#env.NOTIFY_SOCKET ?? '') !== '';
  }

  /**
   * Half of WatchdogSec in ms, or null when systemd expects no pings (no
   * WatchdogSec, or WATCHDOG_PID names another process).
   */
  get watchdogIntervalMs(): number | null {
    const usec = Number(this.#env.WATCHDOG_USEC ?? '');
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return null;
    const watchdogPid = this.#env.WATCHDOG_PID;
    if (watchdogPid !== undefined && watchdogPid !== '' && Number(watchdogPid) !== this.#pid) return null;
    return Math.max(1, Math.floor(usec / 2000));
  }

  /** Starts watchdog pings (if systemd asked for them). */
  async start(): Promise<void> {
    const interval = this.watchdogIntervalMs;
    if (interval === null || this.#watchdogTimer !== null) return;
    this.#logger.debug({ interval_ms: interval }, 'systemd watchdog enabled');
    const ping = () => {
      void this.watchdog();
      this.#watchdogTimer = this.#clock.setTimeout(ping, interval);
      if (typeof this.#watchdogTimer === 'object') this.#watchdogTimer.unref?.();
    };
    ping();
  }

  /** Stops the watchdog pings and waits for notifications still being sent. */
  async stop(): Promise<void> {
    if (this.#watchdogTimer !== null) this.#clock.clearTimeout(this.#watchdogTimer);
    this.#watchdogTimer = null;
    await this.#queue;
  }

  ready(status?: string): Promise<void> {
    return this.notify({ READY: '1', ...(status === undefined ? {} : { STATUS: status }) });
  }

  stopping(status?: string): Promise<void> {
    return this.notify({ STOPPING: '1', ...(status === undefined ? {} : { STATUS: status }) });
  }

  status(text: string): Promise<void> {
    return this.notify({ STATUS: text });
  }

  watchdog(): Promise<void> {
    return this.notify({ WATCHDOG: '1' });
  }

  /**
   * Sends assignments in call order (READY must not overtake STATUS). Never
   * rejects: a failed notification is logged, it must not take the daemon down.
   */
  notify(assignments: Record<string, string>): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    // One assignment per line: a newline in a value would smuggle in another one.
    const args = Object.entries(assignments).map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, ' ')}`);
    this.#queue = this.#queue.then(() => this.#send(args));
    return this.#queue;
  }

  #send(args: string[]): Promise<void> {
    return new Promise((resolve) => {
      execFile(this.#command, [`--pid=${this.#pid}`, ...args], { env: this.#env, timeout: this.#sendTimeoutMs }, (error, _stdout, stderr) => {
        if (error) {
          const fields = { err: { message: error.message, code: error.code }, stderr: stderr.trim(), args };
          if (this.#failureLogged) {
            this.#logger.debug(fields, 'systemd notification failed');
          } else {
            this.#failureLogged = true;
            this.#logger.error(fields, `systemd notification failed (is ${this.#command} installed?)`);
          }
        }
        resolve();
      });
    });
  }
}
