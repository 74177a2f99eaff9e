/**
 * A private mosquitto on a loopback port for publisher tests. "Is it ours?" is
 * checked two ways: the port was free (freePort) and this process's own log
 * says it opened that port; tests also look for their client ids in `log`.
 *
 * `persistent`: state kept across a stop and start on the same port (saved on
 * SIGTERM), for the soak, whose subscriber has a persistent session: messages
 * published while it is still reconnecting after a restart wait for it in the
 * broker instead of being lost to the count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class Mosquitto {
  log = '';
  #child: ChildProcess | null = null;
  readonly #dir = mkdtempSync(join(tmpdir(), 'lookout-mosquitto-'));

  /** Times start() was called. */
  starts = 0;

  constructor(readonly port: number, options: { persistent?: boolean } = {}) {
    const persistence = options.persistent
      ? [
          'persistence true',
          `persistence_location ${this.#dir}/`,
          // Queued messages per offline persistent client: far above what one outage holds.
          'max_queued_messages 100000',
        ]
      : ['persistence false'];
    // Started as root, mosquitto drops to the user `mosquitto`, which must be able to write its
    // state here; in a 0700 root directory it cannot, saves nothing and every session is lost.
    if (options.persistent) chmodSync(this.#dir, 0o777);
    // An hour-long soak would pile up every publish in `log`; tests want them all (client ids, packets).
    const logTypes = options.persistent ? ['error', 'warning', 'notice', 'information'] : ['all'];
    writeFileSync(
      join(this.#dir, 'mosquitto.conf'),
      [`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...persistence, 'log_dest stderr', ...logTypes.map((t) => `log_type ${t}`), ''].join('\n'),
    );
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts and resolves once this instance logs that it listens on our port. */
  start(): Promise<void> {
    const child = spawn('mosquitto', ['-c', join(this.#dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    this.starts++;
    let own = ''; // this run's log only: after a restart `log` already holds the first run's lines
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mosquitto did not start:\n${own}`)), 10_000);
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        this.log += chunk;
        own += chunk;
        if (own.includes(`Opening ipv4 listen socket on port ${this.port}.`) && / running/.test(own)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited (${code}):\n${own}`));
      });
    });
  }

  /** Resolves true once mosquitto's log contains `text` (its log can trail what clients already saw), false after `timeoutMs`. */
  async logged(text: string, timeoutMs = 5000): Promise<boolean> {
    for (let waited = 0; !this.log.includes(text) && waited < timeoutMs; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.log.includes(text);
  }

  /** SIGTERM (a persistent one saves its state) and wait until the process is gone; SIGKILL after 10 s. */
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
