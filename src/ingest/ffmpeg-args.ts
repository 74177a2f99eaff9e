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
  /**
   * Also write each frame as a JPEG at this height (0 = the source's) to
   * pipe:3 (snapshot.enabled). Both outputs come from one `fps` filter, so the
   * n-th JPEG is the n-th detector frame.
   */
  pictures?: { height: number } | null;
}

/** File descriptor of the picture output (see FfmpegArgsOptions.pictures). */
export const PICTURE_FD = 3;

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
  if (opts.pictures) return buildWithPictures(opts, opts.pictures.height);
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

/**
 * The detector output plus a picture output: `fps` once, then `split` into
 * the letterboxed rgb24 frames on pipe:1 and MJPEG on pipe:3. The picture is
 * stretched to full range and encoded from yuv420p (`-strict unofficial`):
 * the yuvj420p route gives the same pixels but makes swscale warn on every
 * frame, and warnings are what the stderr tail keeps as offline reasons.
 */
function buildWithPictures(opts: FfmpegArgsOptions, height: number): string[] {
  const lb = opts.letterbox;
  const size = height > 0 ? `-2:${height}:` : '';
  const graph = [
    `[0:v]fps=${opts.fps},split=2[det][pic]`,
    `[det]scale=${lb.scaledWidth}:${lb.scaledHeight},pad=${lb.dstWidth}:${lb.dstHeight}:${lb.padX}:${lb.padY}:color=${PAD_COLOR}[frames]`,
    `[pic]scale=${size}in_range=tv:out_range=pc,format=yuv420p[pictures]`,
  ].join(';');
  return [
    ...GLOBAL_ARGS,
    ...sourceInputArgs(opts.url, opts.rtspTimeoutS), ...(opts.inputArgs ?? []),
    '-i', opts.url,
    '-filter_complex', graph,
    '-map', '[frames]', '-an', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
    '-map', '[pictures]', '-an', '-c:v', 'mjpeg', '-q:v', '4', '-strict', 'unofficial', '-f', 'mjpeg', `pipe:${PICTURE_FD}`,
  ];
}
