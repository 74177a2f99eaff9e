import { LookoutError } from '../errors.js';
import { maskUrl } from '../config/mask.js';
import { StderrTail } from './stderr-tail.js';
import { systemClock, type Clock } from '../clock.js';
import { isRtspUrl } from './ffmpeg-args.js';
import type { SourceInfo } from './frame.js';
import { killGroup, spawnGroup } from './process-group.js';

export interface ProbeOptions {
  /** Hard limit: ffprobe is killed after this long. */
  timeoutS: number;
  /** RTSP socket timeout handed to ffprobe's -timeout. */
  rtspTimeoutS: number;
  /** The camera's ffmpeg input_args; decoder choices are left out (see probeInputArgs). */
  inputArgs?: readonly string[];
  /** Aborting kills ffprobe (used by CameraSource.stop()). */
  signal?: AbortSignal;
  clock?: Clock;
}

/** Options that select a decoder: ffmpeg takes them, ffprobe rejects them ("Option not found"). */
const DECODER_ONLY = new Set(['-c', '-c:v', '-codec', '-codec:v', '-vcodec', '-hwaccel', '-hwaccel_device', '-hwaccel_output_format']);

/** The user's input_args minus decoder choices, which ffprobe does not need and would reject. */
export function probeInputArgs(inputArgs: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < inputArgs.length; i++) {
    const arg = inputArgs[i]!;
    if (DECODER_ONLY.has(arg)) {
      i += 1; // skip its value too
      continue;
    }
    out.push(arg);
  }
  return out;
}

export function ffprobeArgs(url: string, opts: Pick<ProbeOptions, 'rtspTimeoutS' | 'inputArgs'>): string[] {
  const input = isRtspUrl(url)
    ? ['-rtsp_transport', 'tcp', '-timeout', String(Math.round(opts.rtspTimeoutS * 1_000_000))]
    : [];
  return [
    '-hide_banner', '-loglevel', 'error',
    '-print_format', 'json', '-show_streams', '-select_streams', 'v:0',
    ...input, ...probeInputArgs(opts.inputArgs ?? []), url,
  ];
}

/** "30000/1001" -> 29.97; 0/0, absurd RTP clock rates and junk -> null. */
export function parseRate(rate: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(rate ?? '');
  if (!m) return null;
  const fps = Number(m[1]) / Number(m[2]);
  return Number.isFinite(fps) && fps > 0 && fps <= 240 ? Math.round(fps * 1000) / 1000 : null;
}

interface ProbeStream { width?: number; height?: number; codec_name?: string; avg_frame_rate?: string; r_frame_rate?: string }

export function parseProbeOutput(json: string): SourceInfo | null {
  let streams: ProbeStream[] | undefined;
  try {
    streams = (JSON.parse(json) as { streams?: ProbeStream[] }).streams;
  } catch {
    return null;
  }
  const s = streams?.find((st) => (st.width ?? 0) > 0 && (st.height ?? 0) > 0);
  if (!s) return null;
  return {
    width: s.width!,
    height: s.height!,
    fps: parseRate(s.avg_frame_rate) ?? parseRate(s.r_frame_rate),
    codec: s.codec_name ?? null,
  };
}

/**
 * Asks ffprobe for the source's video size, rate and codec. ffprobe is
 * spawned directly, not through fluent-ffmpeg's ffprobe(), because that hides
 * the child: a probe hanging on a stalled server could then be neither
 * killed on timeout nor on stop(). Rejects with LookoutError('EPROBE') whose
 * message names the masked URL.
 */
export async function probeSource(url: string, opts: ProbeOptions): Promise<SourceInfo> {
  const clock = opts.clock ?? systemClock;
  const masked = maskUrl(url);
  const fail = (why: string) => new LookoutError('EPROBE', `probe of ${masked} failed: ${why}`);
  if (opts.signal?.aborted) throw fail('aborted');

  const child = spawnGroup('ffprobe', ffprobeArgs(url, opts));
  let stdout = '';
  const stderr = new StderrTail(5);
  let killedFor: string | null = null;
  let spawnError: Error | null = null;
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => stderr.push(d));
  child.on('error', (err) => (spawnError = err));

  const kill = (why: string) => {
    killedFor ??= why;
    void killGroup(child, 1000, clock);
  };
  const timer = clock.setTimeout(() => kill(`no answer within ${opts.timeoutS} s`), opts.timeoutS * 1000);
  const onAbort = () => kill('aborted');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // 'close', not 'exit': stdout may still hold unread JSON at 'exit'.
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => { if (child.pid === undefined) resolve(); });
    });
  } finally {
    clock.clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (spawnError) throw fail(`cannot run ffprobe: ${(spawnError as Error).message}`);
  if (killedFor) throw fail(killedFor);
  if (child.exitCode !== 0) {
    throw fail(stderr.last ?? `ffprobe exited with code ${child.exitCode ?? child.signalCode}`);
  }
  const info = parseProbeOutput(stdout);
  if (!info) throw fail('no video stream found');
  return info;
}

