/**
 * What the soak measures about the daemon, read from /proc and from its own
 * /metrics: resident memory, open file descriptors, child processes (ffmpegs,
 * zombies) and the event-loop lag p99 of prom-client's default metrics (a
 * histogram that prom-client resets on every scrape, so each scrape gives the
 * p99 of the interval since the previous one).
 */
import fs from 'node:fs';
import { processTree, type ProcStat } from '../../bench/lib/system.js';

/** Every descendant of `root` (not root itself). */
export function descendants(root: number): ProcStat[] {
  return processTree(root).filter((p) => p.pid !== root);
}

export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function openFds(pid: number): number | null {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/** The value of an unlabelled series in Prometheus text format, null when absent. */
export function metricValue(text: string, name: string): number | null {
  const m = new RegExp(`^${name}(?:\\{\\})? ([^ \\n]+)`, 'm').exec(text);
  if (!m) return null;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : null;
}

export interface Sample {
  /** Seconds since the soak's clock started (daemon ready). */
  t: number;
  rss_mb: number | null;
  tree_rss_mb: number;
  fds: number | null;
  children: number;
  ffmpegs: number;
  zombies: number;
  /** Event-loop lag p99 / max over the interval since the previous scrape, ms (null if /metrics did not answer). */
  lag_p99_ms: number | null;
  lag_max_ms: number | null;
  /** The main thread's V8 heap in use and the memory V8 knows is held outside it (Buffers, ArrayBuffers), MB:
   * with the RSS they tell a JavaScript leak from native memory (onnxruntime, the allocator). */
  heap_used_mb: number | null;
  external_mb: number | null;
  /** Cameras that /status says are streaming, and whether the daemon's MQTT connection is up. */
  streaming: number;
  mqtt_connected: boolean | null;
}

export async function takeSample(pid: number, httpPort: number, t: number): Promise<Sample> {
  const kids = descendants(pid);
  const tree = [pid, ...kids.map((k) => k.pid)];
  let metrics: string | null = null;
  let status: any = null;
  try {
    metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(4000) })).text();
  } catch {
    /* not answering: recorded as null */
  }
  try {
    status = await (await fetch(`http://127.0.0.1:${httpPort}/status`, { signal: AbortSignal.timeout(4000) })).json();
  } catch {
    /* idem */
  }
  const seconds = (name: string) => {
    const v = metrics === null ? null : metricValue(metrics, name);
    return v === null ? null : Math.round(v * 1e5) / 100;
  };
  const megabytes = (name: string) => {
    const v = metrics === null ? null : metricValue(metrics, name);
    return v === null ? null : Math.round(v / 104857.6) / 10;
  };
  const cameras = Object.values((status?.cameras ?? {}) as Record<string, { state?: string }>);
  return {
    t,
    rss_mb: rssMb(pid),
    tree_rss_mb: tree.reduce((a, p) => a + (rssMb(p) ?? 0), 0),
    fds: openFds(pid),
    children: kids.length,
    ffmpegs: kids.filter((k) => k.comm === 'ffmpeg' && k.state !== 'Z').length,
    zombies: kids.filter((k) => k.state === 'Z').length,
    lag_p99_ms: seconds('nodejs_eventloop_lag_p99_seconds'),
    lag_max_ms: seconds('nodejs_eventloop_lag_max_seconds'),
    heap_used_mb: megabytes('nodejs_heap_size_used_bytes'),
    external_mb: megabytes('nodejs_external_memory_bytes'),
    streaming: cameras.filter((c) => c.state === 'streaming').length,
    mqtt_connected: typeof status?.mqtt?.connected === 'boolean' ? status.mqtt.connected : null,
  };
}
