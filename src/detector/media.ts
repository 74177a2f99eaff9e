/**
 * ffmpeg/ffprobe plumbing for `lookout detect`: images and video files are
 * decoded by ffmpeg (no native image library), letterboxed exactly like the
 * ingest path so results match what the daemon would see.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
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

const IMAGE_EXT = /\.(jpe?g|png|bmp|webp|tiff?|gif)$/i;
export const isImageFile = (file: string): boolean => IMAGE_EXT.test(file);

export async function probeMedia(file: string): Promise<MediaInfo> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate', '-of', 'json', file]);
  const stream = (JSON.parse(stdout) as { streams?: Array<{ width?: number; height?: number; r_frame_rate?: string }> }).streams?.[0];
  if (!stream?.width || !stream.height) throw new Error(`${file}: no video stream or image found`);
  return { width: stream.width, height: stream.height, rate: isImageFile(file) ? null : (stream.r_frame_rate ?? null) };
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
  const vf = lb ? ['-vf', `scale=${lb.scaledWidth}:${lb.scaledHeight},pad=${lb.dstWidth}:${lb.dstHeight}:${lb.padX}:${lb.padY}:color=${PAD_COLOR}`] : [];
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
    if (code !== 0) throw new Error(`${file}: ffmpeg exited with ${code}: ${stderr.trim()}`);
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
