/**
 * `detector.threads: "auto"`: how many intra-op threads inference gets, from
 * the machine and what else the daemon runs on it.
 *
 * The rule: one core stays for the event loop and the ffmpeg decoders, plus one
 * more for every 4 cameras; inference gets the rest, at least 1 and at most 4.
 * Inference threads that must share a core with decoding wait for each other
 * (onnxruntime's thread pool synchronises every operator), so an oversubscribed
 * pool is slower than a single thread: on a 2-core machine with one camera, 2
 * threads ran the default model 2.4x slower than 1. Beyond 4 threads a small
 * edge model gains little.
 *
 *   cores:    1  2  4  4 (4-7 cameras)  8  16
 *   threads:  1  1  3  2                4   4
 */
import os from 'node:os';

export type ThreadsSetting = number | 'auto' | string;

/** Most threads "auto" picks. */
export const AUTO_MAX_THREADS = 4;

/** The threads "auto" picks for `cores` cores running `cameras` camera decoders. */
export function autoThreads(cores: number, cameras: number): number {
  const reserved = 1 + Math.floor(Math.max(0, cameras) / 4);
  return Math.min(AUTO_MAX_THREADS, Math.max(1, Math.floor(cores) - reserved));
}

/**
 * The intra-op threads for a `detector.threads` setting: a number as given (a
 * numeric string from the environment too), "auto" from the cores this process
 * may use (os.availableParallelism honours CPU affinity) and the camera count.
 */
export function resolveThreads(setting: ThreadsSetting, cameras: number, cores: number = os.availableParallelism()): number {
  if (setting === 'auto') return autoThreads(cores, cameras);
  const n = Number(setting);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`detector.threads must be a positive integer or "auto", got ${String(setting)}`);
  return n;
}
