/**
 * Turns the 1 s ticks of a run (CPU samples + /status snapshots) into
 * per-window figures and per-second series. Fields the scheduler adds to
 * /status are read when present and reported as null when not, so the same
 * harness runs before and after the scheduler lands:
 *   cameras.<name>.scheduler.{wanted_fps, target_fps, inferred_fps, skipped:{cpu,busy,motion,rate}, motion_level}
 *   scheduler.{budget_fps, cpu_percent, temp_c, cpu_target, decision}
 */
import type { LatencySample, Tick } from './daemon.js';
import { mean, quantile, round } from './stats.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export interface CameraWindow {
  inferred_fps: number | null;
  fps_in: number | null;
  inference_ms_mean: number | null;
  skipped_busy_fps: number | null;
  /** From the scheduler, when /status has it. */
  target_fps: number | null;
  skipped_cpu_fps: number | null;
  skipped_motion_fps: number | null;
  skipped_rate_fps: number | null;
  wanted_fps: number | null;
  motion_level: number | null;
}

export interface WindowResult {
  seconds: number;
  cameras: Record<string, CameraWindow>;
  /** max/min of the cameras' inferred fps. */
  fairness: number | null;
  total_inferred_fps: number | null;
  daemon_cpu_pct: number | null;
  system_cpu_pct: number | null;
  rss_mb_max: number | null;
  latency_ms: { n: number; p50: number | null; p95: number | null; p99: number | null; mean: number | null };
  /** Means over the window of what the controller acted on. */
  scheduler: { budget_fps: number | null; cpu_percent: number | null; temp_c: number | null; cpu_target: number | null; decisions: Record<string, number> } | null;
  /** /status fields this build does not expose yet. */
  missing: string[];
}

function inWindow(ticks: Tick[], t0: number, t1: number): Tick[] {
  return ticks.filter((k) => k.t >= t0 && k.t <= t1 && k.status);
}

const counter = (s: any, cam: string, path: string[]): number | null => {
  let v = s?.cameras?.[cam];
  for (const p of path) v = v?.[p];
  return num(v);
};

function rate(first: Tick, last: Tick, cam: string, path: string[]): number | null {
  const a = counter(first.status, cam, path);
  const b = counter(last.status, cam, path);
  const dt = (last.t - first.t) / 1000;
  return a === null || b === null || dt <= 0 ? null : (b - a) / dt;
}

export function analyseWindow(ticks: Tick[], latencies: LatencySample[], t0: number, t1: number): WindowResult {
  const w = inWindow(ticks, t0, t1);
  const missing = new Set<string>();
  const cameras: Record<string, CameraWindow> = {};
  const first = w[0];
  const last = w.at(-1);
  const names = Object.keys(last?.status?.cameras ?? {});
  for (const cam of names) {
    const sched = last?.status?.cameras?.[cam]?.scheduler;
    if (sched === undefined) missing.add('cameras.<name>.scheduler');
    const mean_ = (f: (s: any) => unknown) => mean(w.map((k) => num(f(k.status?.cameras?.[cam]))).filter((v): v is number => v !== null));
    cameras[cam] = {
      inferred_fps: first && last && first !== last ? round(rate(first, last, cam, ['detector', 'inferences']), 2) : null,
      fps_in: round(mean_((c) => c?.fps_in), 2),
      inference_ms_mean: round(num(last?.status?.cameras?.[cam]?.detector?.inference_ms_mean), 1),
      skipped_busy_fps: first && last ? round(rate(first, last, cam, ['detector', 'skipped_busy']), 2) : null,
      target_fps: round(mean_((c) => c?.scheduler?.target_fps), 2),
      skipped_cpu_fps: first && last ? round(rate(first, last, cam, ['scheduler', 'skipped', 'cpu']), 2) : null,
      skipped_motion_fps: first && last ? round(rate(first, last, cam, ['scheduler', 'skipped', 'motion']), 2) : null,
      skipped_rate_fps: first && last ? round(rate(first, last, cam, ['scheduler', 'skipped', 'rate']), 2) : null,
      wanted_fps: round(mean_((c) => c?.scheduler?.wanted_fps), 2),
      motion_level: round(mean_((c) => c?.scheduler?.motion_level), 3),
    };
  }
  const rates = Object.values(cameras).map((c) => c.inferred_fps).filter((v): v is number => v !== null);
  const lat = latencies.filter((l) => l.t >= t0 && l.t <= t1).map((l) => l.latency_ms);
  const sched = last?.status?.scheduler;
  if (sched === undefined) missing.add('scheduler');
  const schedMean = (f: (s: any) => unknown) => round(mean(w.map((k) => num(f(k.status?.scheduler))).filter((v): v is number => v !== null)), 1);
  const decisions: Record<string, number> = {};
  for (const k of w) if (typeof k.status?.scheduler?.decision === 'string') decisions[k.status.scheduler.decision] = (decisions[k.status.scheduler.decision] ?? 0) + 1;
  const cpuTicks = ticks.filter((k) => k.t > t0 && k.t <= t1);
  return {
    seconds: round(first && last ? (last.t - first.t) / 1000 : 0, 1) ?? 0,
    cameras,
    fairness: rates.length > 0 && Math.min(...rates) > 0 ? round(Math.max(...rates) / Math.min(...rates), 2) : null,
    total_inferred_fps: rates.length > 0 ? round(rates.reduce((a, b) => a + b, 0), 2) : null,
    daemon_cpu_pct: round(mean(cpuTicks.map((k) => k.cpu.tree_cpu_pct)), 1),
    system_cpu_pct: round(mean(cpuTicks.map((k) => k.cpu.system_cpu_pct)), 1),
    rss_mb_max: round(cpuTicks.length ? Math.max(...cpuTicks.map((k) => k.cpu.tree_rss_mb)) : null, 1),
    latency_ms: {
      n: lat.length,
      p50: round(quantile(lat, 0.5), 1),
      p95: round(quantile(lat, 0.95), 1),
      p99: round(quantile(lat, 0.99), 1),
      mean: round(mean(lat), 1),
    },
    scheduler: sched === undefined ? null : {
      budget_fps: schedMean((x) => x?.budget_fps ?? x?.budget),
      cpu_percent: schedMean((x) => x?.cpu_percent ?? x?.cpu),
      temp_c: schedMean((x) => x?.temp_c),
      cpu_target: num(sched?.cpu_target),
      decisions,
    },
    missing: [...missing],
  };
}

export interface SeriesPoint {
  t_s: number;
  system_cpu_pct: number;
  daemon_cpu_pct: number;
  cpu_target: number | null;
  /** The CPU % the scheduler acted on, and its budget (inferences/s over all cameras). */
  scheduler_cpu_pct: number | null;
  budget_fps: number | null;
  /** Per camera: inferred fps over the last tick, and the scheduler's target when exposed. */
  inferred_fps: Record<string, number>;
  target_fps: Record<string, number | null>;
}

/** One point per tick: what the plot draws. `origin` (ms) becomes t = 0. */
export function series(ticks: Tick[], origin: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let i = 1; i < ticks.length; i++) {
    const a = ticks[i - 1]!;
    const b = ticks[i]!;
    if (!a.status || !b.status) continue;
    const inferred: Record<string, number> = {};
    const target: Record<string, number | null> = {};
    for (const cam of Object.keys(b.status.cameras ?? {})) {
      const r = rate(a, b, cam, ['detector', 'inferences']);
      inferred[cam] = round(r, 2) ?? 0;
      target[cam] = num(b.status.cameras[cam]?.scheduler?.target_fps);
    }
    out.push({
      t_s: round((b.t - origin) / 1000, 1)!,
      system_cpu_pct: round(b.cpu.system_cpu_pct, 1)!,
      daemon_cpu_pct: round(b.cpu.tree_cpu_pct, 1)!,
      cpu_target: num(b.status.scheduler?.cpu_target),
      scheduler_cpu_pct: num(b.status.scheduler?.cpu_percent ?? b.status.scheduler?.cpu),
      budget_fps: num(b.status.scheduler?.budget_fps ?? b.status.scheduler?.budget),
      inferred_fps: inferred,
      target_fps: target,
    });
  }
  return out;
}
