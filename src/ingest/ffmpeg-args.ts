import ffmpeg from 'fluent-ffmpeg';
import { PAD_COLOR, type Letterbox } from './letterbox.js';

export interface FfmpegArgsOptions {
  url: string;
  /** Output frame rate (the detect.fps cap). */
  fps: number;
  letterbox: Letterbox;
  /** ffmpeg 5.1's RTSP -timeout, given in seconds here. */
  rtspTimeoutS: number;
  /** User input options (e.g. a hardware decoder), placed right before -i. */
  inputArgs?: readonly string[];
}

export function isRtspUrl(url: string): boolean {
  return /^rtsps?:\/\//i.test(url);
}

/**
 * Global options go first: no stdin reading since ffmpeg runs in the
 * background, and a log with each line tagged by its level. Warnings and
 * worse are kept for the offline reason; `verbose` is needed for one line,
 * `[graph N input from stream ...] w:W h:H ...`, which ffmpeg 5.1 prints each
 * time it (re)configures the filter graph: the only word it gives when a
 * camera changes its picture size inside the stream (nothing at info).
 */
const GLOBAL_ARGS = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+verbose'];

/** The filter graph's input size in a line of ffmpeg's verbose log (level tag removed). */
const GRAPH_INPUT = /^\[graph \d+ input from stream \d+:\d+ @ [^\]]*\] w:(\d+) h:(\d+) /;

export function graphInputSize(line: string): { width: number; height: number } | null {
  const match = GRAPH_INPUT.exec(line);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}

/** Input options lookout sets for a source, before the user's input_args. */
export function sourceInputArgs(url: string, rtspTimeoutS: number): string[] {
  if (isRtspUrl(url)) {
    // TCP because UDP loses packets (smeared frames) on busy links; -timeout
    // (microseconds) because without it ffmpeg 5.1 hangs forever on a
    // stalled server.
    return ['-rtsp_transport', 'tcp', '-timeout', String(Math.round(rtspTimeoutS * 1_000_000))];
  }
  // A file stands in for a camera: loop it forever at its native rate.
  return ['-stream_loop', '-1', '-re'];
}

/**
 * The full ffmpeg argument list (without the binary). fluent-ffmpeg builds
 * it; we only take the arguments because its runner cannot put ffmpeg in its
 * own process group (see process-group.ts).
 */
export function buildFfmpegArgs(opts: FfmpegArgsOptions): string[] {
  const lb = opts.letterbox;
  const command = ffmpeg(opts.url)
    // User input_args last, so they can override ours (ffmpeg: last one wins).
    .inputOptions([...sourceInputArgs(opts.url, opts.rtspTimeoutS), ...(opts.inputArgs ?? [])])
    .noAudio()
    .videoFilters([
      `fps=${opts.fps}`,
      `scale=${lb.scaledWidth}:${lb.scaledHeight}`,
      `pad=${lb.dstWidth}:${lb.dstHeight}:${lb.padX}:${lb.padY}:color=${PAD_COLOR}`,
    ])
    .outputOptions(['-pix_fmt', 'rgb24'])
    .format('rawvideo')
    .output('pipe:1');
  return [...GLOBAL_ARGS, ...command._getArguments()];
}
