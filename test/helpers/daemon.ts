/**
 * Drives the built daemon (dist/src/cli.js) as a child process with a config
 * written into a temp directory, the way systemd or a user would run it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));

export interface ConfigDir {
  dir: string;
  configFile: string;
  camerasDir: string;
  remove(): void;
}

/** Writes lookout.json and cameras/<name>.json (raw strings are written as-is, for bad-file tests). */
export function writeConfig(daemon: object | string, cameras: Record<string, object | string>): ConfigDir {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-it-'));
  const camerasDir = join(dir, 'cameras');
  mkdirSync(camerasDir);
  const configFile = join(dir, 'lookout.json');
  const text = (v: object | string) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  writeFileSync(configFile, text(daemon));
  for (const [name, camera] of Object.entries(cameras)) writeFileSync(join(camerasDir, `${name}.json`), text(camera));
  return { dir, configFile, camerasDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LogLine {
  level: string;
  msg: string;
  camera?: string;
  [key: string]: unknown;
}

export class DaemonProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NOTIFY_SOCKET: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          /* not a log line */
        }
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM and wait; SIGKILL after `graceMs` so a hung daemon cannot hang the suite. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    if (this.running) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      const result = await this.exited;
      clearTimeout(timer);
      return { ...result, ms: Date.now() - started };
    }
    return { ...(await this.exited), ms: 0 };
  }
}

/** Polls `fn` until it returns a truthy value; rejects with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function getJson(port: number, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** ffmpeg processes whose parent is `pid`. */
export function childFfmpegPids(pid: number): number[] {
  return listProcesses()
    .filter((p) => p.ppid === pid && p.comm === 'ffmpeg')
    .map((p) => p.pid);
}

export function listProcesses(): Array<{ pid: number; ppid: number; stat: string; comm: string }> {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,comm='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [pid, ppid, stat, comm] = l.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), stat: stat!, comm: comm! };
    });
}
