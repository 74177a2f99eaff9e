/**
 * A real mosquitto for the soak that can be stopped and started again on the
 * same port with its state kept (persistence on, saved on SIGTERM): the soak's
 * subscriber has a persistent session, so messages the daemon publishes while
 * the subscriber is still reconnecting after a restart wait for it in the
 * broker instead of being lost to the count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class PersistentBroker {
  readonly #dir = mkdtempSync(join(tmpdir(), 'lookout-soak-mosquitto-'));
  #child: ChildProcess | null = null;
  starts = 0;

  constructor(readonly port: number) {
    // Started as root, mosquitto drops to the user `mosquitto`, which must be able to write its
    // state here; in a 0700 root directory it cannot, saves nothing and every session is lost.
    chmodSync(this.#dir, 0o777);
    writeFileSync(
      join(this.#dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${this.#dir}/`,
        // Queued messages per offline persistent client: far above what one outage holds.
        'max_queued_messages 100000',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        'log_type notice',
        'log_type information',
        '',
      ].join('\n'),
    );
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Starts and resolves once this instance says it listens on our port. */
  start(): Promise<void> {
    const child = spawn('mosquitto', ['-c', join(this.#dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    this.starts++;
    let log = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mosquitto did not start within 10 s:\n${log}`)), 10_000);
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        log = (log + chunk).slice(-4000);
        if (log.includes(`Opening ipv4 listen socket on port ${this.port}.`) && / running/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited (${code}):\n${log}`));
      });
    });
  }

  /** SIGTERM (mosquitto saves its state) and wait until the process is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
