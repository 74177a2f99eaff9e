/**
 * `lookout detect FILE... [--model DIR] [--runtime onnx|tfjs] [--threads N]
 *  [--json] [--annotate OUTDIR] [--min-score X]`
 * Runs the model on images and video files decoded by ffmpeg, letterboxed like
 * the ingest path, and prints one line per image or video frame.
 * Exit: 0 ok, 64 usage, 66 an input could not be read (others still run),
 * 78 model or config refused.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { EX_CONFIG, LookoutError } from '../errors.js';
import { computeLetterbox } from '../ingest/letterbox.js';
import { annotateFile, type FrameBoxes } from './annotate.js';
import type { Detection } from './detections.js';
import { defaultDetectFilter } from './filters.js';
import { FrameDetector } from './frame-detector.js';
import { resolveModelDir } from '../config/load-daemon.js';
import type { DecodeOptions } from './yolo-decode.js';
import { decodeFrames, probeMedia } from './media.js';
import type { LoadedModel } from './model.js';
import { modelMinScore } from './model-dir.js';
import { getRuntime } from './runtimes/registry.js';
import { resolveThreads, type ThreadsSetting } from './runtimes/threads.js';

export const EX_USAGE = 64;
export const EX_NOINPUT = 66;

export interface DetectCommandIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Values from the daemon config, used where no flag is given (wired by the CLI). */
  defaults?: { model?: string; runtime?: string; threads?: ThreadsSetting; minScore?: number; decode?: Partial<Omit<DecodeOptions, 'scoreThreshold'>> };
}

export const DETECT_USAGE = 'usage: lookout detect FILE... [--model DIR] [--runtime onnx|tfjs] [--threads N|auto] [--json] [--annotate OUTDIR] [--min-score X]\n';

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

async function detectFile(file: string, model: LoadedModel, flags: Flags & { minScore: number }, io: DetectCommandIO): Promise<void> {
  const info = await probeMedia(file);
  const lb = computeLetterbox(info.width, info.height, model.inputWidth, model.inputHeight);
  // The daemon file's NMS settings, so the CLI sees what the daemon would publish.
  const detector = new FrameDetector(model, io.defaults?.decode ?? {});
  const boxes: FrameBoxes[][] = [];
  let frame = 0;
  for await (const rgb of decodeFrames(file, model.inputWidth, model.inputHeight, lb)) {
    const result = await detector.detect(rgb, lb, flags.minScore);
    const line = toLine(file, frame, info.width, info.height, result.inferenceMs, result.detections);
    io.stdout.write(flags.json ? `${JSON.stringify(line)}\n` : humanLine(line));
    if (flags.annotate) boxes.push(result.detections);
    frame++;
  }
  if (frame === 0) throw new Error(`${file}: ffmpeg decoded no frames`);
  if (flags.annotate) {
    const out = await annotateFile(file, info, boxes, flags.annotate);
    io.stderr.write(`annotated: ${out}\n`);
  }
}

export async function runDetectCommand(argv: string[], io: DetectCommandIO): Promise<number> {
  const flags = parseFlags(argv, io);
  if (typeof flags === 'string') {
    io.stderr.write(`lookout detect: ${flags}\n${DETECT_USAGE}`);
    return EX_USAGE;
  }
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
  let failed = false;
  try {
    for (const file of flags.files) {
      try {
        await detectFile(file, model, resolved, io);
      } catch (err) {
        failed = true;
        io.stderr.write(`lookout detect: ${(err as Error).message}\n`);
      }
    }
  } finally {
    await model.dispose();
  }
  return failed ? EX_NOINPUT : 0;
}
