import { spawn, type ChildProcess } from 'node:child_process';
import { systemClock, type Clock } from '../clock.js';

/**
 * Spawns a child as the leader of its own process group, with stdout and
 * stderr piped and stdin closed.
 *
 * Why a group: kill(-pid) then reaches anything the child started, and a
 * Ctrl-C in a terminal (SIGINT to the foreground group) does not hit ffmpeg
 * behind the daemon's back, so shutdown order stays ours. fluent-ffmpeg
 * cannot do this (it spawns without `detached`), which is why lookout builds
 * ffmpeg's arguments with fluent-ffmpeg but spawns with node:child_process.
 */
export function spawnGroup(command: string, args: readonly string[], extraPipes = 0): ChildProcess {
  // Extra pipes are fds 3, 4, ... of the child (ffmpeg's pipe:3 picture output).
  return spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe', ...Array<'pipe'>(extraPipes).fill('pipe')] });
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once the child's 'exit' was seen (Node has reaped it by then). */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // A child that failed to spawn emits 'error' and never 'exit'.
    child.once('error', () => {
      if (child.pid === undefined || hasExited(child)) resolve();
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || hasExited(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we want.
  }
}

/**
 * SIGTERM to the whole group, SIGKILL after `graceMs`; resolves only when the
 * child has exited and been reaped, so no zombie or orphan is left behind.
 * Safe to call on an exited child and safe to call twice.
 */
export async function killGroup(child: ChildProcess, graceMs = 3000, clock: Clock = systemClock): Promise<void> {
  if (child.pid === undefined || hasExited(child)) return;
  const exited = waitForExit(child);
  // A stopped process (SIGSTOP in tests) does not act on SIGTERM until it is continued.
  signalGroup(child, 'SIGCONT');
  signalGroup(child, 'SIGTERM');
  const timer = clock.setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clock.clearTimeout(timer);
  }
}
