/**
 * Everything the benchmark starts is registered here and stopped in reverse
 * order: at the end of each scenario (scope.close() in a finally), and on
 * Ctrl-C / SIGTERM. Last resort on any exit: SIGKILL to every descendant of
 * the bench and to the process groups still registered, so nothing outlives it.
 */
import type { ChildProcess } from 'node:child_process';
import { killGroup, spawnGroup } from '../../src/ingest/process-group.js';
import { processTree } from './system.js';

type Stopper = () => Promise<void> | void;

const groups = new Set<number>();
const scopes = new Set<Scope>();

process.once('exit', () => {
  // Backstop for a crash: every descendant of the bench (daemon, its ffmpegs,
  // brokers, RTSP servers, hogs), then the groups it started.
  for (const { pid } of processTree(process.pid)) {
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nbench: ${signal}, stopping everything it started...`);
    void Promise.allSettled([...scopes].reverse().map((s) => s.close())).finally(() => process.exit(130));
  });
}

export class Scope {
  readonly #stoppers: Array<{ what: string; stop: Stopper }> = [];
  #closing: Promise<void> | null = null;

  constructor(readonly name: string) {
    scopes.add(this);
  }

  /** Registers something to stop when the scope closes (stopped last-in first-out). */
  defer(what: string, stop: Stopper): void {
    this.#stoppers.push({ what, stop });
  }

  /** Spawns `command` as the leader of its own process group, killed (group-wide) when the scope closes. */
  spawn(command: string, args: readonly string[]): ChildProcess {
    const child = spawnGroup(command, args);
    const pid = child.pid;
    if (pid !== undefined) groups.add(pid);
    child.stdout?.resume();
    child.stderr?.resume();
    this.defer(`${command} (pid ${pid})`, async () => {
      await killGroup(child, 3000);
      if (pid !== undefined) groups.delete(pid);
    });
    return child;
  }

  /** Marks a process group (started elsewhere) for the exit-time SIGKILL backstop. */
  guardGroup(pid: number): void {
    groups.add(pid);
    this.defer(`guard ${pid}`, () => void groups.delete(pid));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const { what, stop } of this.#stoppers.reverse()) {
        try {
          await stop();
        } catch (err) {
          console.error(`bench: stopping ${what} failed: ${(err as Error).message}`);
        }
      }
      scopes.delete(this);
    })();
    return this.#closing;
  }
}

/** Runs `fn` with a fresh scope that is closed whatever happens. */
export async function withScope<T>(name: string, fn: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope(name);
  try {
    return await fn(scope);
  } finally {
    await scope.close();
  }
}
