/**
 * Runs Node scripts natively (x64) or as arm64 under QEMU user-mode, with the
 * same arguments, and owns every process it starts: each one is tracked until
 * it exits, `stopAll()` kills what is left, and a process exit kills
 * stragglers too. QEMU runs the arm64 Node in-process, so its pid is the
 * emulated program's; x86 children it spawns (ffmpeg) run natively.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Emulator } from './setup.js';

/** Pi 4's core; cortex-a76 is close to a Pi 5 or a Jetson Orin. */
export const QEMU_CPU = 'cortex-a72';

export type Arch = 'x64' | 'arm64';

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface NodeRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

/** Starts `node ...args` on `arch`; for arm64 through qemu-aarch64-static -L sysroot. */
export function startNode(arch: Arch, emu: Emulator, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): NodeRun {
  const [cmd, argv] =
    arch === 'x64' ? [process.execPath, args] : [emu.qemu, ['-L', emu.sysroot, emu.node, ...args]];
  const child = spawn(cmd, argv, {
    cwd,
    // arm64 runs also find the arm64 builds of optional dependencies (see Emulator.armOptionals).
    env: { ...process.env, QEMU_CPU, NOTIFY_SOCKET: '', ...(arch === 'arm64' && emu.armOptionals ? { NODE_PATH: emu.armOptionals } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (e) => {
      err += `\nspawn failed: ${e.message}`;
      live.delete(child);
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, exited, stdout: () => out, stderr: () => err };
}

export interface NodeResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs to completion; SIGKILL after `timeoutMs` (reported as signal SIGKILL). */
export async function runNode(arch: Arch, emu: Emulator, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<NodeResult> {
  const started = Date.now();
  const run = startNode(arch, emu, args, env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  try {
    const { code, signal } = await run.exited;
    return { code, signal, stdout: run.stdout(), stderr: run.stderr(), ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
    run.child.kill('SIGKILL'); // no-op when it has exited
  }
}

const cleanups = new Set<() => Promise<void>>();

/** Registers teardown that stopAll() runs too (an interrupted run); returns the unregister function. */
export function addCleanup(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs registered teardown, then SIGKILLs every process started here that is still running and waits for them. */
export async function stopAll(): Promise<void> {
  for (const fn of [...cleanups]) await fn().catch(() => undefined);
  cleanups.clear();
  const waits = [...live].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  }));
  await Promise.all(waits);
}
