/**
 * ffmpeg/ffprobe plumbing for `lookout detect`: images and video files are
 * decoded by ffmpeg (no native image library), letterboxed exactly like the
 * ingest path so results match what the daemon would see.
 *
 * Photos go in batches: one ffmpeg reads the sizes of many files (its input
 * listing), and one more decodes them all, each through its own
 * scale+pad chain with the ingest path's exact numbers, joined by the concat
 * filter into one rawvideo stream. Two processes per batch instead of two per
 * file. Videos (and animated GIFs) keep one ffprobe + one ffmpeg each.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { FrameSplitter } from '../ingest/frame-splitter.js';
import { PAD_COLOR, type Letterbox } from '../ingest/letterbox.js';

const run = promisify(execFile);

export interface MediaInfo {
  width: number;
  height: number;
  /** Frames per second as ffprobe's fraction string ('25/1'), null for images. */
  rate: string | null;
}

/** An input file that cannot be read; the message names the file and the reason (no command lines). */
export class MediaError extends Error {
  readonly code = 'EMEDIA';
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'MediaError';
  }
}

const IMAGE_EXT = /\.(jpe?g|png|bmp|webp|tiff?|gif)$/i;
export const isImageFile = (file: string): boolean => IMAGE_EXT.test(file);
/** Still images that decode to exactly one frame: these can share a batch (a GIF may be animated). */
const STILL_EXT = /\.(jpe?g|png|bmp|webp|tiff?)$/i;
export const isStillImageFile = (file: string): boolean => STILL_EXT.test(file);

/** Why a path cannot be opened, from the file system (before any ffmpeg runs); null when it can. */
export function unreadableReason(file: string): string | null {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) return 'is a directory, not an image or video file';
    fs.accessSync(file, fs.constants.R_OK);
    if (st.size === 0) return 'is empty';
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return (err as Error).message;
  }
}

const missingTool = (tool: string) => new Error(`${tool} not found on PATH: lookout detect decodes with ffmpeg (Debian: apt-get install ffmpeg)`);

/** The last meaningful line of ffmpeg's stderr, without the file name it starts with. */
function ffmpegReason(file: string, stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.at(-1) ?? 'unknown error';
  const reason = last.startsWith(`${file}: `) ? last.slice(file.length + 2) : last;
  return `ffmpeg cannot read it (${reason})`;
}

export async function probeMedia(file: string): Promise<MediaInfo> {
  const why = unreadableReason(file);
  if (why) throw new MediaError(file, why);
  let stdout: string;
  try {
    ({ stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate', '-of', 'json', file]));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missingTool('ffprobe');
    throw new MediaError(file, ffmpegReason(file, String((err as { stderr?: unknown }).stderr ?? '')));
  }
  const stream = (JSON.parse(stdout) as { streams?: Array<{ width?: number; height?: number; r_frame_rate?: string }> }).streams?.[0];
  if (!stream?.width || !stream.height) throw new MediaError(file, 'no video stream or image found');
  return { width: stream.width, height: stream.height, rate: isImageFile(file) ? null : (stream.r_frame_rate ?? null) };
}

/**
 * Sizes of many still images from one ffmpeg: it lists every input it opens
 * ("Input #i ... Stream #i:0: Video: codec, pix_fmt, WxH") before it finds no
 * output to write. It stops at the first input it cannot open and names it;
 * that file gets the error and the listing goes on after it.
 */
export async function probeImages(files: readonly string[]): Promise<Array<MediaInfo | MediaError>> {
  const out: Array<MediaInfo | MediaError> = new Array(files.length);
  let from = 0;
  while (from < files.length) {
    const batch = files.slice(from);
    let stderr = '';
    try {
      await run('ffmpeg', ['-hide_banner', '-nostdin', ...batch.flatMap((f) => ['-i', f])], { maxBuffer: 64 * 1024 * 1024 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missingTool('ffmpeg');
      stderr = String((err as { stderr?: unknown }).stderr ?? '');
    }
    const sizes = new Map<number, MediaInfo>();
    // Decoder complaints ("[png @ 0x...] Invalid PNG signature") come while an input is opened, before its listing.
    const complaints = new Map<number, string>();
    let pending: string[] = [];
    let input = -1;
    for (const line of stderr.split('\n')) {
      const head = /^Input #(\d+), /.exec(line);
      if (head) {
        input = Number(head[1]);
        if (pending.length > 0) complaints.set(input, pending[0]!);
        pending = [];
        continue;
      }
      const complaint = /^\[[\w-]+ @ 0x[0-9a-f]+\] (.+)$/.exec(line);
      if (complaint) pending.push(complaint[1]!.trim());
      const stream = /^\s*Stream #(\d+):\d+.*?: Video: .*?, (\d+)x(\d+)(?:[ ,]|$)/.exec(line);
      if (stream && Number(stream[1]) === input && !sizes.has(input)) sizes.set(input, { width: Number(stream[2]), height: Number(stream[3]), rate: null });
    }
    const opened = input + 1; // inputs listed before ffmpeg stopped
    for (let i = 0; i < opened; i++) {
      const complaint = complaints.get(i);
      out[from + i] = sizes.get(i) ?? new MediaError(batch[i]!, complaint ? `ffmpeg cannot read it (${complaint})` : 'no video stream or image found');
    }
    if (opened >= batch.length) break;
    // Input #opened is the one ffmpeg could not open.
    out[from + opened] = new MediaError(batch[opened]!, ffmpegReason(batch[opened]!, stderr));
    from += opened + 1;
  }
  return out;
}

/** The ingest path's filter chain (src/ingest/ffmpeg-args.ts) for one letterbox. */
export const letterboxFilter = (lb: Letterbox): string =>
  `scale=${lb.scaledWidth}:${lb.scaledHeight},pad=${lb.dstWidth}:${lb.dstHeight}:${lb.padX}:${lb.padY}:color=${PAD_COLOR}`;

/**
 * Decodes still images in one ffmpeg: each input through its own letterbox
 * chain (then rgb24 at square pixels, which concat needs and which changes no
 * pixel), concatenated into one stream of dstWidth x dstHeight rgb24 frames,
 * one per file in order. Throws if ffmpeg fails or yields a different number
 * of frames: the caller then reads the files one by one to find the culprit.
 */
export async function* decodeImageBatch(items: ReadonlyArray<{ file: string; lb: Letterbox }>, dstWidth: number, dstHeight: number): AsyncGenerator<Buffer> {
  const chains = items.map(({ lb }, i) => `[${i}:v:0]${letterboxFilter(lb)},setsar=1,format=rgb24[v${i}]`);
  const graph = `${chains.join(';')};${items.map((_, i) => `[v${i}]`).join('')}concat=n=${items.length}:v=1:a=0[out]`;
  const args = ['-v', 'error', '-nostdin', ...items.flatMap(({ file }) => ['-i', file]), '-filter_complex', graph, '-map', '[out]',
    '-vsync', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const closed = once(child, 'close');
  const splitter = new FrameSplitter(dstWidth * dstHeight * 3);
  let frames = 0;
  try {
    for await (const chunk of child.stdout!) {
      for (const frame of splitter.push(chunk as Buffer)) {
        if (++frames > items.length) throw new Error(`batch decode gave more frames than ${items.length} files`);
        yield frame;
      }
    }
    const [code] = (await closed) as [number | null];
    if (code !== 0) throw new Error(`batch decode failed (ffmpeg exit ${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
    if (frames !== items.length) throw new Error(`batch decode gave ${frames} frames for ${items.length} files`);
  } finally {
    await finish(child);
  }
}

/** Ends a child we own and waits until it has exited. */
async function finish(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'close');
  }
}

/**
 * Yields rgb24 frames of `file`: letterboxed to lb.dst* when `lb` is given,
 * at source size otherwise. Consuming slowly applies backpressure to ffmpeg.
 */
export async function* decodeFrames(file: string, width: number, height: number, lb: Letterbox | null): AsyncGenerator<Buffer> {
  const vf = lb ? ['-vf', letterboxFilter(lb)] : [];
  const child = spawn('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-an', ...vf, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const closed = once(child, 'close');
  const splitter = new FrameSplitter(width * height * 3);
  try {
    for await (const chunk of child.stdout!) {
      for (const frame of splitter.push(chunk as Buffer)) yield frame;
    }
    const [code] = (await closed) as [number | null];
    if (code !== 0) throw new MediaError(file, ffmpegReason(file, stderr));
  } finally {
    await finish(child);
  }
}

/** An ffmpeg that encodes rgb24 frames written to `write()` into `outFile`. */
export function startEncoder(outFile: string, width: number, height: number, rate: string | null) {
  const input = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, ...(rate ? ['-r', rate] : []), '-i', 'pipe:0'];
  const output = rate ? ['-pix_fmt', 'yuv420p'] : ['-frames:v', '1', '-update', '1'];
  const child = spawn('ffmpeg', ['-v', 'error', '-y', ...input, ...output, outFile], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const closed = once(child, 'close');
  return {
    async write(frame: Buffer): Promise<void> {
      if (!child.stdin!.write(frame)) await once(child.stdin!, 'drain');
    },
    async end(): Promise<void> {
      child.stdin!.end();
      const [code] = (await closed) as [number | null];
      if (code !== 0) throw new Error(`${outFile}: ffmpeg encoder exited with ${code}: ${stderr.trim()}`);
    },
    abort: () => finish(child),
  };
}
