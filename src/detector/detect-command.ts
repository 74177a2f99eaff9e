/**
 * `lookout detect FILE... [--model DIR] [--runtime onnx|tfjs] [--threads N|auto]
 *  [--json] [--annotate OUTDIR] [--min-score X]`
 * Runs the model on images and video files decoded by ffmpeg, letterboxed like
 * the ingest path, and prints one line per image or video frame, in argument
 * order. Photos are decoded in batches of up to PHOTO_BATCH per ffmpeg (same
 * pixels as one ffmpeg per file); videos and GIFs one file at a time.
 * Exit: 0 ok, 64 usage, 66 an input could not be read (others still run),
 * 78 model or config refused.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { EX_CONFIG, LookoutError } from '../errors.js';
import { computeLetterbox } from '../ingest/letterbox.js';
import { annotateFile, type FrameBoxes } from './annotate.js';
import type { DrawnShape } from '../geometry/overlay.js';
import type { Detection } from './detections.js';
import { defaultDetectFilter } from './filters.js';
import { FrameDetector } from './frame-detector.js';
import { resolveModelDir } from '../config/load-daemon.js';
import type { DecodeOptions } from './yolo-decode.js';
import { decodeFrames, decodeImageBatch, isStillImageFile, MediaError, probeImages, probeMedia, unreadableReason, type MediaInfo } from './media.js';
import type { LoadedModel } from './model.js';
import { modelMinScore } from './model-dir.js';
import { readAhead } from './read-ahead.js';
import { getRuntime } from './runtimes/registry.js';
import { resolveThreads, type ThreadsSetting } from './runtimes/threads.js';

export const EX_USAGE = 64;
export const EX_NOINPUT = 66;

export interface DetectCommandIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Values from the daemon config, used where no flag is given (wired by the CLI). */
  defaults?: { model?: string; runtime?: string; threads?: ThreadsSetting; minScore?: number; decode?: Partial<Omit<DecodeOptions, 'scoreThreshold'>> };
  /** Zones and masks to draw with --annotate (the CLI's --camera NAME). */
  geometry?: readonly DrawnShape[];
}

export const DETECT_USAGE = 'usage: lookout detect FILE... [--model DIR] [--runtime onnx|tfjs] [--threads N|auto] [--json] [--annotate OUTDIR [--camera NAME]] [--min-score X]\n';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export interface DetectLine {
  file: string;
  frame: number;
  width: number;
  height: number;
  inference_ms: number;
  objects: Array<Pick<Detection, 'label' | 'class_id' | 'score' | 'box'>>;
}

function toLine(file: string, frame: number, width: number, height: number, ms: number, detections: Detection[]): DetectLine {
  return {
    file, frame, width, height,
    inference_ms: round(ms, 2),
    objects: detections.map((d) => ({
      label: d.label,
      class_id: d.class_id,
      score: round(d.score, 4),
      box: d.box.map((v) => round(v, 2)) as Detection['box'],
    })),
  };
}

function humanLine(l: DetectLine): string {
  const objects = l.objects.map((o) => `${o.label} ${o.score.toFixed(2)} [${o.box.join(', ')}]`).join('; ');
  return `${l.file}#${l.frame}: ${l.objects.length} object(s) in ${l.inference_ms} ms${objects ? `: ${objects}` : ''}\n`;
}

interface Flags { model: string; runtime: string; threads: number; json: boolean; annotate: string | null; minScore: number | null; files: string[] }

function parseFlags(argv: string[], io: DetectCommandIO): Flags | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: 'string' }, runtime: { type: 'string' }, threads: { type: 'string' },
        json: { type: 'boolean' }, annotate: { type: 'string' }, 'min-score': { type: 'string' },
      },
    });
  } catch (err) {
    return (err as Error).message;
  }
  const { values, positionals } = parsed;
  // --model follows detector.model's rule: a bare name is a shipped model, a path is relative to here.
  const model = values.model !== undefined ? resolveModelDir(values.model, process.cwd()) : io.defaults?.model;
  if (!model) return 'no model: pass --model DIR (or configure detector.model)';
  if (positionals.length === 0) return 'no input files';
  // Unset: the model's own default (lookout-model.json min_score), resolved once the model is known.
  const minScore = values['min-score'] !== undefined ? Number(values['min-score']) : (io.defaults?.minScore ?? null);
  if (minScore !== null && !(minScore >= 0 && minScore <= 1)) return `--min-score must be a number from 0 to 1, got '${values['min-score']}'`;
  // One camera's worth of decoding runs beside the model here: the ffmpeg that reads the files.
  const setting = values.threads ?? io.defaults?.threads ?? 'auto';
  if (setting !== 'auto' && !/^[1-9]\d*$/.test(String(setting))) return `--threads must be a positive whole number or 'auto', got '${values.threads}'`;
  const threads = resolveThreads(setting, 1);
  return {
    model, minScore, threads, files: positionals,
    runtime: values.runtime ?? io.defaults?.runtime ?? 'onnx',
    json: values.json ?? false,
    annotate: values.annotate ?? null,
  };
}

type Resolved = Flags & { minScore: number };

function writeLine(line: DetectLine, flags: Resolved, io: DetectCommandIO): void {
  io.stdout.write(flags.json ? `${JSON.stringify(line)}\n` : humanLine(line));
}

/** One file through its own ffprobe + ffmpeg: videos, GIFs, and photos a batch could not take. */
async function detectFile(file: string, detector: FrameDetector, model: LoadedModel, flags: Resolved, io: DetectCommandIO): Promise<void> {
  const info = await probeMedia(file);
  const lb = computeLetterbox(info.width, info.height, model.inputWidth, model.inputHeight);
  const boxes: FrameBoxes[][] = [];
  let frame = 0;
  for await (const rgb of decodeFrames(file, model.inputWidth, model.inputHeight, lb)) {
    const result = await detector.detect(rgb, lb, flags.minScore);
    writeLine(toLine(file, frame, info.width, info.height, result.inferenceMs, result.detections), flags, io);
    if (flags.annotate) boxes.push(result.detections);
    frame++;
  }
  if (frame === 0) throw new MediaError(file, 'ffmpeg decoded no frames');
  if (flags.annotate) {
    const out = await annotateFile(file, info, boxes, flags.annotate, io.geometry);
    io.stderr.write(`annotated: ${out}\n`);
  }
}

/** Photos per batch: two ffmpeg processes per batch instead of two per photo. */
export const PHOTO_BATCH = 32;
/** Decoded photos that may wait for the model (one is width x height x 3 bytes). */
const READ_AHEAD = 8;

type Probed = Map<string, MediaInfo | MediaError>;

/** Sizes of a run of photos from one ffmpeg, by file; unreadable files are left out (detectPhotos names them). */
async function probePhotos(files: readonly string[]): Promise<Probed> {
  const readable = files.filter((f) => unreadableReason(f) === null);
  const probed: Probed = new Map();
  (await probeImages(readable)).forEach((r, i) => probed.set(readable[i]!, r));
  return probed;
}

/** A run of photos made ready before its turn: sizes read, its ffmpeg already decoding into the read-ahead. */
interface PhotoBatch {
  probed: Probed;
  items: Array<{ file: string; info: MediaInfo; lb: ReturnType<typeof computeLetterbox> }>;
  /** `first` is the generator's first next(), called at once so that ffmpeg starts now. */
  frames: { decoded: AsyncGenerator<Buffer>; first: Promise<IteratorResult<Buffer>> } | null;
}

async function preparePhotos(probing: Promise<Probed>, files: readonly string[], model: LoadedModel): Promise<PhotoBatch> {
  const probed = await probing;
  const items = files.flatMap((file) => {
    const info = probed.get(file);
    return info && !(info instanceof MediaError) ? [{ file, info, lb: computeLetterbox(info.width, info.height, model.inputWidth, model.inputHeight) }] : [];
  });
  if (items.length === 0) return { probed, items, frames: null };
  // Read ahead: ffmpeg decodes the next photos while the model runs on earlier ones.
  const decoded = readAhead(decodeImageBatch(items, model.inputWidth, model.inputHeight), READ_AHEAD);
  const first = decoded.next();
  first.catch(() => {}); // a failure waits for detectPhotos, which reads the files one by one then
  return { probed, items, frames: { decoded, first } };
}

/** The arguments in order, as runs: up to PHOTO_BATCH still images together, anything else (videos, GIFs) alone. */
function inputRuns(files: readonly string[]): Array<{ files: string[]; photos: boolean }> {
  const runs: Array<{ files: string[]; photos: boolean }> = [];
  for (let i = 0; i < files.length; ) {
    let j = i;
    while (j < files.length && j - i < PHOTO_BATCH && isStillImageFile(files[j]!)) j++;
    if (j === i) j = i + 1;
    runs.push({ files: files.slice(i, j), photos: isStillImageFile(files[i]!) });
    i = j;
  }
  return runs;
}

/**
 * Starts probing run k's photos (once); the promise is marked handled so that
 * a failure waits, without an unhandled rejection, for the loop to reach it.
 */
function prober(runs: ReturnType<typeof inputRuns>) {
  const started = new Map<number, Promise<Probed>>();
  return (k: number): Promise<Probed> | undefined => {
    if (!runs[k]?.photos) return undefined;
    let probing = started.get(k);
    if (!probing) {
      probing = probePhotos(runs[k]!.files);
      probing.catch(() => {});
      started.set(k, probing);
    }
    return probing;
  };
}

/**
 * Still images, in order: sizes from one ffmpeg, pixels from one more (see
 * media.ts). A file that cannot be read is reported by name and the rest go
 * on; if the batch decode itself fails, the files it did not deliver are read
 * one by one, so the error lands on the file that caused it.
 * Returns whether any file failed.
 */
async function detectPhotos(files: string[], preparing: Promise<PhotoBatch>, detector: FrameDetector, model: LoadedModel, flags: Resolved, io: DetectCommandIO): Promise<boolean> {
  let failed = false;
  const fail = (err: unknown) => {
    failed = true;
    io.stderr.write(`lookout detect: ${(err as Error).message}\n`);
  };
  const { probed, items, frames } = await preparing;
  let first = frames?.first ?? null;
  let batchBroken = false;
  let next = 0; // index into items of the next frame the batch delivers
  try {
    for (const file of files) {
      const info = probed.get(file);
      if (!info) {
        fail(new MediaError(file, unreadableReason(file) ?? 'cannot be read'));
        continue;
      }
      if (info instanceof MediaError) {
        fail(info);
        continue;
      }
      const item = items[next++]!;
      let rgb: Buffer | null = null;
      if (!batchBroken && frames) {
        try {
          const r = await (first ?? frames.decoded.next());
          first = null;
          rgb = r.done ? null : r.value;
          if (r.done) batchBroken = true;
        } catch {
          batchBroken = true;
        }
      }
      try {
        if (rgb === null) {
          await detectFile(file, detector, model, flags, io);
          continue;
        }
        const result = await detector.detect(rgb, item.lb, flags.minScore);
        writeLine(toLine(file, 0, item.info.width, item.info.height, result.inferenceMs, result.detections), flags, io);
        if (flags.annotate) io.stderr.write(`annotated: ${await annotateFile(file, item.info, [result.detections], flags.annotate, io.geometry)}\n`);
      } catch (err) {
        fail(err);
      }
    }
  } finally {
    await frames?.decoded.return(undefined);
  }
  return failed;
}

export async function runDetectCommand(argv: string[], io: DetectCommandIO): Promise<number> {
  const flags = parseFlags(argv, io);
  if (typeof flags === 'string') {
    io.stderr.write(`lookout detect: ${flags}\n${DETECT_USAGE}`);
    return EX_USAGE;
  }
  const runs = inputRuns(flags.files);
  const probe = prober(runs);
  // The first photos' sizes are read while the model loads; each next run's while the model works on this one.
  probe(0);
  let model: LoadedModel;
  try {
    model = await getRuntime(flags.runtime, '--runtime').load(flags.model, { threads: flags.threads });
  } catch (err) {
    io.stderr.write(`lookout detect: ${(err as Error).message}\n`);
    return err instanceof LookoutError ? EX_CONFIG : 1;
  }
  if (flags.annotate) fs.mkdirSync(flags.annotate, { recursive: true });
  // The model loaded, so its lookout-model.json (if any) has been validated already.
  const resolved = { ...flags, minScore: flags.minScore ?? modelMinScore(flags.model, defaultDetectFilter.min_score) };
  // The daemon file's NMS settings, so the CLI sees what the daemon would publish.
  const detector = new FrameDetector(model, io.defaults?.decode ?? {});
  // Each run of photos is prepared (sizes, then its ffmpeg started) while the model works on the one before,
  // so that a batch's first frame is decoded before its turn.
  const prepared = new Map<number, Promise<PhotoBatch>>();
  const prepare = (k: number): Promise<PhotoBatch> | undefined => {
    const probing = probe(k);
    if (!probing) return undefined;
    let preparing = prepared.get(k);
    if (!preparing) {
      preparing = preparePhotos(probing, runs[k]!.files, model);
      preparing.catch(() => {});
      prepared.set(k, preparing);
    }
    return preparing;
  };
  let failed = false;
  try {
    for (const [k, run] of runs.entries()) {
      const preparing = prepare(k);
      if (preparing) {
        prepared.delete(k); // detectPhotos ends its ffmpeg
        prepare(k + 1);
        try {
          if (await detectPhotos(run.files, preparing, detector, model, resolved, io)) failed = true;
        } catch (err) {
          // Not one file's fault (ffmpeg missing, say): nothing else can run either.
          io.stderr.write(`lookout detect: ${(err as Error).message}\n`);
          return 1;
        }
        continue;
      }
      const file = run.files[0]!;
      try {
        await detectFile(file, detector, model, resolved, io);
      } catch (err) {
        failed = true;
        io.stderr.write(`lookout detect: ${(err as Error).message}\n`);
      }
    }
  } finally {
    // A run prepared but never reached (an error ended the command) still has an ffmpeg to end.
    for (const preparing of prepared.values()) await (await preparing.catch(() => null))?.frames?.decoded.return(undefined);
    await model.dispose();
  }
  return failed ? EX_NOINPUT : 0;
}
