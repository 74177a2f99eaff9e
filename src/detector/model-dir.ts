/**
 * A model directory: model.onnx and/or model.json (+ weight shards), plus an
 * optional lookout-model.json {labels, imgsz [h,w], strides, layout, source,
 * license, task}. Metadata embedded by Ultralytics (ONNX metadata_props, tfjs
 * metadata.yaml) fills whatever lookout-model.json leaves out.
 *
 * Every refusal is LookoutError('EMODEL') whose message starts with the file
 * and says what was expected: the daemon maps EMODEL to exit 78.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LookoutError } from '../errors.js';
import type { InputLayout } from './model.js';
import { namesFromYaml, parseImgsz, parseNamesDict, parseSimpleYaml } from './metadata-parse.js';

export const METADATA_FILE = 'lookout-model.json';
export const ONNX_FILE = 'model.onnx';
export const TFJS_FILE = 'model.json';

export interface ModelMetadata {
  labels?: string[];
  /** [height, width] */
  imgsz?: [number, number];
  strides?: number[];
  layout?: InputLayout;
  source?: string;
  license?: string;
  task?: string;
  /** The model's own default score threshold, used where a camera or `lookout detect` sets none. */
  min_score?: number;
}

export function modelError(file: string, problem: string, cause?: unknown): LookoutError {
  return new LookoutError('EMODEL', `${file}: ${problem}`, cause === undefined ? undefined : { cause });
}

/** Path of the model file a runtime needs; refuses a missing one, naming it. */
export function requireModelFile(dir: string, name: string, runtime: string): string {
  const file = path.join(dir, name);
  if (!fs.existsSync(dir)) throw modelError(dir, `model directory does not exist (expected it to hold ${name} for the ${runtime} runtime)`);
  if (!fs.existsSync(file)) {
    const present = fs.readdirSync(dir).filter((f) => f === ONNX_FILE || f === TFJS_FILE);
    const hint = present.length > 0 ? `; the directory has ${present.join(', ')}: pick the matching detector.runtime` : '';
    throw modelError(file, `missing: the ${runtime} runtime expects ${name} in the model directory${hint}`);
  }
  return file;
}

/** Reads a file or refuses with EMODEL naming it. */
export function readModelFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw modelError(file, `cannot read: ${(err as Error).message}`, err);
  }
}

const stringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** lookout-model.json, validated; {} when absent. */
export function readLookoutMetadata(dir: string): ModelMetadata {
  const file = path.join(dir, METADATA_FILE);
  if (!fs.existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readModelFile(file).toString('utf8'));
  } catch (err) {
    if (err instanceof LookoutError) throw err;
    throw modelError(file, `not valid JSON: ${(err as Error).message}`, err);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw modelError(file, 'expected a JSON object');
  const o = raw as Record<string, unknown>;
  const meta: ModelMetadata = {};
  const bad = (key: string, expected: string) => modelError(file, `${key}: expected ${expected}`);
  if (o.labels !== undefined) {
    if (!stringArray(o.labels) || o.labels.length === 0) throw bad('labels', 'a non-empty array of strings');
    meta.labels = o.labels;
  }
  if (o.imgsz !== undefined) {
    const sz = Array.isArray(o.imgsz) ? parseImgsz(o.imgsz.map(String)) : typeof o.imgsz === 'number' ? parseImgsz(String(o.imgsz)) : null;
    if (!sz) throw bad('imgsz', '[height, width] in pixels');
    meta.imgsz = sz;
  }
  if (o.strides !== undefined) {
    if (!Array.isArray(o.strides) || !o.strides.every((s) => Number.isInteger(s) && s > 0)) throw bad('strides', 'an array of positive integers');
    meta.strides = o.strides as number[];
  }
  if (o.layout !== undefined) {
    if (o.layout !== 'nchw' && o.layout !== 'nhwc') throw bad('layout', "'nchw' or 'nhwc'");
    meta.layout = o.layout;
  }
  for (const key of ['source', 'license', 'task'] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== 'string') throw bad(key, 'a string');
    meta[key] = o[key] as string;
  }
  if (meta.task !== undefined && meta.task !== 'detect') throw bad('task', `'detect' (got '${meta.task}')`);
  if (o.min_score !== undefined) {
    if (typeof o.min_score !== 'number' || !(o.min_score >= 0 && o.min_score <= 1)) throw bad('min_score', 'a number from 0 to 1');
    meta.min_score = o.min_score;
  }
  return meta;
}

/** The score threshold a model ships with (lookout-model.json `min_score`), else `fallback`. */
export function modelMinScore(dir: string, fallback: number): number {
  return readLookoutMetadata(dir).min_score ?? fallback;
}

/** Ultralytics ONNX metadata_props -> metadata (unparseable entries are ignored). */
export function metadataFromOnnxProps(props: Record<string, string>): ModelMetadata {
  const meta: ModelMetadata = {};
  const labels = props.names !== undefined ? parseNamesDict(props.names) : null;
  if (labels && labels.length > 0) meta.labels = labels;
  const imgsz = parseImgsz(props.imgsz);
  if (imgsz) meta.imgsz = imgsz;
  if (props.task !== undefined) meta.task = props.task;
  if (props.license !== undefined) meta.license = props.license;
  return meta;
}

/** metadata.yaml next to an Ultralytics tfjs export, if present. */
export function readUltralyticsYaml(dir: string): ModelMetadata {
  const file = path.join(dir, 'metadata.yaml');
  if (!fs.existsSync(file)) return {};
  const yaml = parseSimpleYaml(readModelFile(file).toString('utf8'));
  const meta: ModelMetadata = {};
  const labels = namesFromYaml(yaml.names);
  if (labels && labels.length > 0) meta.labels = labels;
  const imgsz = parseImgsz(yaml.imgsz as string | string[] | undefined);
  if (imgsz) meta.imgsz = imgsz;
  if (typeof yaml.task === 'string') meta.task = yaml.task;
  if (typeof yaml.license === 'string') meta.license = yaml.license;
  return meta;
}

/** lookout-model.json wins key by key over embedded metadata. */
export function mergeMetadata(lookout: ModelMetadata, embedded: ModelMetadata): ModelMetadata {
  return { ...embedded, ...lookout };
}
