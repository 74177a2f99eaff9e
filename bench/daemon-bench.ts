/**
 * Phase 1b: the daemon end to end on one camera fed faster than the model
 * can infer, so the model is the bottleneck. The camera is the demo clip as
 * a local file (the daemon loops files at their native rate). For models
 * faster than the clip's 10 fps the bench first re-times the clip to
 * 10*R fps (same frames, played R times faster), about 1.5x the bare model's
 * rate, and sets detect.fps (and detect.fps_max) to that rate, so neither
 * ffmpeg's fps filter nor a rate cap sits in the way. The adaptive scheduler
 * and motion gating are switched off where the build has them: this measures
 * the pipeline, not the controller. The figure is inferred frames/s from
 * /status (cameras.<name>.detector.inferences) over a fixed window after
 * warm-up, and its ratio to the bare model measured in the same run.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { withScope, type Scope } from './lib/cleanup.js';
import { hasCameraKey, hasDaemonKey, motionSwitchKey, sleep, startStack, waitForInference } from './lib/daemon.js';
import { DEMO_CLIP, variantName, type Variant } from './lib/models.js';
import { round } from './lib/stats.js';
import { analyseWindow } from './lib/window.js';
import { benchVariant, type ModelResult } from './model-bench.js';

export interface DaemonResult {
  name: string;
  model: string;
  runtime: string;
  threads: number | null;
  /** detector.threads as configured: a count, 'auto' (resolved to `threads`), or null (tfjs). */
  threads_setting: number | 'auto' | null;
  /** Frames per second offered to the daemon (the clip re-timed to 10 * speed fps). */
  feed_fps: number;
  bare_inferences_per_s: number | null;
  daemon_inferred_fps: number | null;
  /** daemon / bare; target >= 0.9 (for real models; the floor network shows the pipeline's own ceiling). */
  ratio: number | null;
  daemon_cpu_pct: number | null;
  rss_mb_max: number | null;
  inference_ms_mean: number | null;
  skipped_busy_fps: number | null;
  window_s: number;
  settings_not_in_schema: string[];
  error?: string;
}

const CLIP_FPS = 10;

/** The demo clip re-timed to `speed` x 10 fps (every frame kept), in a temp dir removed with the scope. */
async function fastClip(scope: Scope, speed: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-clip-'));
  scope.defer('fast clip', () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, `vtest-x${speed}.mp4`);
  await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', DEMO_CLIP, '-an', '-vf', `setpts=PTS/${speed}`, '-r', String(CLIP_FPS * speed),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(CLIP_FPS * speed), '-pix_fmt', 'yuv420p', file]);
  return file;
}
/** ffmpeg decodes the 768x576 clip at ~585 fps on one core: keep the feed well below. */
const MAX_FEED_FPS = 300;
const run = promisify(execFile);

/**
 * `setting` is detector.threads for the daemon ('auto' included); `v.threads` must be what it
 * resolves to, so that `bare` is the bare model at the same thread count.
 */
export async function benchDaemon(v: Variant, bare: ModelResult | undefined, quick: boolean, log: (l: string) => void, setting: number | 'auto' | null = v.threads): Promise<DaemonResult> {
  const threads = setting ?? 1;
  // The ratio needs the bare figure; measure it now if the model part did not run.
  const bareResult = bare ?? (await benchVariant(v, 3, 2));
  const bareIps = bareResult.inferences_per_s;
  const speed = Math.min(MAX_FEED_FPS / CLIP_FPS, Math.max(1, Math.ceil((1.5 * (bareIps ?? CLIP_FPS)) / CLIP_FPS)));
  const feed = speed * CLIP_FPS;
  const base: DaemonResult = {
    name: variantName(v), model: v.model, runtime: v.runtime, threads: v.threads, threads_setting: setting, feed_fps: feed, bare_inferences_per_s: bareIps,
    daemon_inferred_fps: null, ratio: null, daemon_cpu_pct: null, rss_mb_max: null, inference_ms_mean: null, skipped_busy_fps: null,
    window_s: 0, settings_not_in_schema: [],
  };
  const warmS = quick ? 3 : 5;
  const windowS = quick ? 8 : 20;
  return withScope(`daemon ${base.name}`, async (scope) => {
    const clip = feed > CLIP_FPS ? await fastClip(scope, feed / CLIP_FPS) : DEMO_CLIP;
    const stack = await startStack(scope, {
      modelDir: v.dir,
      runtime: v.runtime,
      threads,
      cameras: {
        cam: {
          url: clip,
          'detect.fps': feed,
          'detect.fps_max': hasCameraKey('detect.fps_max') ? feed : undefined,
          ...(motionSwitchKey() ? { [motionSwitchKey()!]: false } : {}),
        },
      },
      daemon: { 'scheduler.enabled': hasDaemonKey('scheduler.enabled') ? false : undefined },
    });
    await waitForInference(stack, ['cam']);
    const t0 = Date.now() - stack.startedAt + warmS * 1000;
    await sleep(warmS * 1000 + windowS * 1000 + 1100);
    const w = analyseWindow(stack.ticks, stack.latencies, t0, t0 + windowS * 1000 + 1000);
    const cam = w.cameras.cam;
    const fps = cam?.inferred_fps ?? null;
    const result: DaemonResult = {
      ...base,
      daemon_inferred_fps: fps,
      ratio: fps !== null && bareIps ? round(fps / bareIps, 3) : null,
      daemon_cpu_pct: w.daemon_cpu_pct,
      rss_mb_max: w.rss_mb_max,
      inference_ms_mean: cam?.inference_ms_mean ?? null,
      skipped_busy_fps: cam?.skipped_busy_fps ?? null,
      window_s: w.seconds,
      settings_not_in_schema: stack.dropped,
    };
    log(`  daemon ${fps} inferred fps vs bare ${bareIps} -> ratio ${result.ratio} (feed ${feed} fps, cpu ${w.daemon_cpu_pct}%)`);
    return result;
  });
}
