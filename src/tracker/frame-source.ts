/**
 * Frames for `lookout track`: a video file, a folder of images (a
 * MOTChallenge `img1/` with 000001.jpg...), a text file listing images, or
 * image files given one by one. Each frame carries its number in the video
 * (from 1) and its position in time. A video is decoded by the ingest's own
 * ffmpeg filter chain (fps, scale, pad), so at a camera's detect.fps the
 * frames are the ones the daemon would get from the same file; images are
 * letterboxed the same way, and only the picked ones are decoded.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeFrames, isImageFile, probeMedia } from '../detector/media.js';
import { buildFfmpegArgs, sourceInputArgs } from '../ingest/ffmpeg-args.js';
import { FrameSplitter } from '../ingest/frame-splitter.js';
import type { Letterbox } from '../ingest/letterbox.js';

export interface SourceFrame {
  /** Frame number in the video, from 1. */
  number: number;
  /** Position in the video, seconds. */
  time_s: number;
  data: Buffer;
}

export interface FrameInput {
  /** What the user named, for messages. */
  name: string;
  width: number;
  height: number;
  /** Frames per second of the video (or of the image sequence). */
  rate: number;
  /** Frames in the order they play, at `fps` frames per second of video time (0 = every frame). */
  frames(lb: Letterbox, fps: number): AsyncGenerator<SourceFrame>;
}

export class FrameInputError extends Error {
  readonly code = 'EINPUT';
}

/**
 * Opens the inputs: several image files make one sequence; otherwise each
 * argument (video, folder, list) is one. `rate` is the frame rate for image
 * sequences (default: frameRate of a seqinfo.ini beside the folder).
 */
export async function openInputs(files: readonly string[], rate: number | null): Promise<FrameInput[]> {
  if (files.length > 1 && files.every((f) => isImageFile(f) && existsSync(f))) return [await imageSequence(files.join(' '), files, rate, dirname(files[0]!))];
  const inputs: FrameInput[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new FrameInputError(`${file}: no such file or folder`);
    if (statSync(file).isDirectory()) {
      const images = readdirSync(file).filter(isImageFile).sort().map((f) => join(file, f));
      if (images.length === 0) throw new FrameInputError(`${file}: no image files (.jpg, .png...) in the folder`);
      inputs.push(await imageSequence(file, images, rate, file));
    } else if (/\.(txt|lst)$/i.test(file)) {
      const images = readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => resolve(dirname(file), l));
      if (images.length === 0) throw new FrameInputError(`${file}: lists no image files`);
      inputs.push(await imageSequence(file, images, rate, dirname(images[0]!)));
    } else if (isImageFile(file)) {
      inputs.push(await imageSequence(file, [file], rate, dirname(file)));
    } else {
      inputs.push(await video(file));
    }
  }
  return inputs;
}

async function video(file: string): Promise<FrameInput> {
  const info = await probeMedia(file).catch((error: Error) => {
    throw new FrameInputError(`${file}: not a video ffprobe can read: ${error.message.split('\n')[0]}`);
  });
  const rate = parseRate(info.rate);
  if (!rate) throw new FrameInputError(`${file}: ffprobe gives no frame rate`);
  return {
    name: file,
    width: info.width,
    height: info.height,
    rate,
    async *frames(lb, fps) {
      // The ingest's own ffmpeg filter chain (fps, scale, pad), so the daemon and this see the same frames.
      const every = fps <= 0 || fps >= rate;
      const args = ingestDecodeArgs(file, every ? null : fps, lb);
      let k = 0;
      for await (const data of runFfmpeg(file, args, lb.dstWidth * lb.dstHeight * 3)) {
        const time_s = every ? k / rate : k / fps;
        k++;
        yield { number: Math.round(time_s * rate) + 1, time_s, data };
      }
    },
  };
}

/** buildFfmpegArgs as the camera source runs it on a file, less its looping at native rate; no fps filter for every frame. */
export function ingestDecodeArgs(file: string, fps: number | null, lb: Letterbox): string[] {
  const args = buildFfmpegArgs({ url: file, fps: fps ?? 1, letterbox: lb, rtspTimeoutS: 10 });
  const loop = sourceInputArgs(file, 10);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (loop.includes(args[i]!) && (args[i] !== '-1' || args[i - 1] === '-stream_loop')) continue;
    out.push(fps === null ? args[i]!.replace(/^fps=[^,]+,/, '') : args[i]!);
  }
  return out;
}

async function* runFfmpeg(file: string, args: string[], frameBytes: number): AsyncGenerator<Buffer> {
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const closed = once(child, 'close');
  const splitter = new FrameSplitter(frameBytes);
  try {
    for await (const chunk of child.stdout!) {
      for (const frame of splitter.push(chunk as Buffer)) yield frame;
    }
    const [code] = (await closed) as [number | null];
    if (code !== 0) throw new FrameInputError(`${file}: ffmpeg exited with ${code}: ${stderr.trim()}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await closed;
    }
  }
}

async function imageSequence(name: string, images: readonly string[], rateFlag: number | null, folder: string): Promise<FrameInput> {
  const rate = rateFlag ?? seqinfoRate(folder);
  if (!rate) throw new FrameInputError(`${name}: frames without a frame rate: pass --frame-rate N (or put a seqinfo.ini with frameRate beside the folder)`);
  const info = await probeMedia(images[0]!).catch((error: Error) => {
    throw new FrameInputError(`${images[0]}: not an image ffprobe can read: ${error.message.split('\n')[0]}`);
  });
  return {
    name,
    width: info.width,
    height: info.height,
    rate,
    async *frames(lb, fps) {
      const want = frameSampler(fps);
      for (let i = 0; i < images.length; i++) {
        const time_s = i / rate;
        if (!want(i + 1, time_s)) continue;
        let data: Buffer | null = null;
        for await (const frame of decodeFrames(images[i]!, lb.dstWidth, lb.dstHeight, lb)) data = frame;
        if (!data) throw new FrameInputError(`${images[i]}: ffmpeg decoded no image`);
        yield { number: i + 1, time_s, data };
      }
    },
  };
}

/** frameRate from a MOTChallenge seqinfo.ini in the folder or its parent. */
function seqinfoRate(folder: string): number | null {
  for (const dir of [folder, dirname(resolve(folder))]) {
    const file = join(dir, 'seqinfo.ini');
    if (!existsSync(file)) continue;
    const match = /^\s*frameRate\s*=\s*([\d.]+)/m.exec(readFileSync(file, 'utf8'));
    if (match) return Number(match[1]);
  }
  return null;
}

function parseRate(rate: string | null): number | null {
  if (!rate) return null;
  const [n, d] = rate.split('/').map(Number);
  const value = d ? n! / d : n!;
  return Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * Picks frames at `fps` inferred frames per second of video time (0 = every
 * frame): the first frame, then the first frame at or after each 1/fps step.
 */
export function frameSampler(fps: number): (number: number, time_s: number) => boolean {
  if (fps <= 0) return () => true;
  let next = 0;
  const step = 1 / fps;
  return (_number, time_s) => {
    if (time_s + 1e-9 < next) return false;
    while (next <= time_s + 1e-9) next += step;
    return true;
  };
}

export const inputLabel = (input: FrameInput): string => basename(input.name);
