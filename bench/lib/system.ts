/**
 * What the machine is and how busy it is, read from /proc (Linux): the
 * machine description recorded with every result, system CPU from /proc/stat,
 * and CPU + RSS of a process tree (the daemon and the ffmpegs it spawned,
 * found through their ppid) from /proc/<pid>/stat and /proc/<pid>/status.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  node: string;
  platform: string;
  kernel: string;
  mem_total_mb: number;
  /** 1/5/15-minute load averages when the run started: anything above ~0 means other work shared the CPUs. */
  loadavg_start: number[];
  /** Processes using more than 10% of a core when the run started (other workers, training runs...). */
  busy_processes_start: string[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    mem_total_mb: Math.round(os.totalmem() / 2 ** 20),
    loadavg_start: os.loadavg().map((v) => Math.round(v * 100) / 100),
    busy_processes_start: busyProcesses(),
  };
}

function busyProcesses(): string[] {
  try {
    const out = execFileSync('ps', ['-eo', 'pcpu=,ni=,comm=', '--sort=-pcpu'], { encoding: 'utf8' });
    return out.split('\n').map((l) => l.trim()).filter((l) => l && Number(l.split(/\s+/)[0]) > 10).slice(0, 8)
      .map((l) => { const [pcpu, ni, ...comm] = l.split(/\s+/); return `${comm.join(' ')} (${pcpu}% cpu, nice ${ni})`; });
  } catch {
    return [];
  }
}

let clkTck: number | null = null;
function ticksPerSecond(): number {
  if (clkTck === null) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** One process from /proc/PID/stat: state is its one-letter state (R, S, Z...), ticks its user + system CPU. */
export interface ProcStat { pid: number; ppid: number; comm: string; state: string; ticks: number }

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm is in parentheses and may hold spaces: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // After comm: state(0) ppid(1) ... utime(11) stime(12).
  return { pid, ppid: Number(f[1]), comm, state: f[0]!, ticks: Number(f[11]) + Number(f[12]) };
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** `root` and all its descendants, with their CPU ticks. */
export function processTree(root: number): ProcStat[] {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const self = stats.find((s) => s.pid === root);
  if (!self) return [];
  const out: ProcStat[] = [];
  const todo = [self];
  while (todo.length > 0) {
    const s = todo.pop()!;
    out.push(s);
    todo.push(...(children.get(s.pid) ?? []));
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function systemTicks(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal (guest is inside user)
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuSample {
  /** ms since the meter started. */
  t: number;
  /** CPU of the tree since the previous sample, in % of one core (200 = two cores busy). */
  tree_cpu_pct: number;
  /** Whole-machine CPU since the previous sample, in % of all cores (0..100). */
  system_cpu_pct: number;
  /** Resident memory of the tree now, MB. */
  tree_rss_mb: number;
  /** Processes in the tree now (daemon + ffmpegs). */
  tree_procs: number;
}

/** Samples a process tree's CPU and RSS and the machine's CPU, as deltas between calls. */
export class CpuMeter {
  readonly #root: number;
  readonly #start = Date.now();
  #lastAt = Date.now();
  #lastTicks = new Map<number, number>();
  #lastSystem = systemTicks();

  constructor(root: number) {
    this.#root = root;
    for (const s of processTree(root)) this.#lastTicks.set(s.pid, s.ticks);
  }

  sample(): CpuSample {
    const now = Date.now();
    const tree = processTree(this.#root);
    let delta = 0;
    const ticks = new Map<number, number>();
    for (const s of tree) {
      // A process born since the last sample spent all its ticks inside the interval.
      delta += s.ticks - (this.#lastTicks.get(s.pid) ?? 0);
      ticks.set(s.pid, s.ticks);
    }
    const sys = systemTicks();
    const seconds = Math.max(1e-3, (now - this.#lastAt) / 1000);
    const sysTotal = sys.total - this.#lastSystem.total;
    const sample: CpuSample = {
      t: now - this.#start,
      tree_cpu_pct: (100 * Math.max(0, delta)) / ticksPerSecond() / seconds,
      system_cpu_pct: sysTotal > 0 ? (100 * (sys.busy - this.#lastSystem.busy)) / sysTotal : 0,
      tree_rss_mb: tree.reduce((a, s) => a + rssKb(s.pid), 0) / 1024,
      tree_procs: tree.length,
    };
    this.#lastAt = now;
    this.#lastTicks = ticks;
    this.#lastSystem = sys;
    return sample;
  }
}
