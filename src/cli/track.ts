/**
 * `lookout track FILE... [--config PATH] [--camera NAME] [--fps N] [--labels a,b]
 *  [--mot OUT] [--json] [--model NAME|DIR] [--frame-rate N]`
 * Runs a video (or a folder or list of frames) through the daemon's own
 * detection and tracking path (TrackSession) with a camera's settings, at N
 * inferred frames per second of video time (default: the camera's
 * detect.fps; 0 = every frame), each frame's position in the video being its
 * capture time. There is no scheduler: no frame is skipped for CPU load.
 * Exit: 0 ok, 64 usage, 66 an input could not be read, 78 config or model refused.
 */
import { zoneList } from '../zones/schema.js';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { CameraConfig } from '../config/index.js';
import { resolveModelDir } from '../config/load-daemon.js';
import { resolveThreads } from '../detector/runtimes/threads.js';
import { getRuntime } from '../detector/runtimes/registry.js';
import { ConfigError, LookoutError } from '../errors.js';
import { formatMotRow } from '../eval/mot-file.js';
import { createLogger } from '../logger.js';
import type { EventPayload } from '../mqtt/payloads.js';
import { openInputs, type FrameInput } from '../tracker/frame-source.js';
import { TrackSession } from '../tracker/track-session.js';
import type { Track } from '../tracker/tracker.js';
import { loadAll } from './load-config.js';

export const TRACK_USAGE =
  'usage: lookout track FILE... [--config PATH] [--camera NAME] [--fps N] [--labels a,b] [--mot OUT] [--json] [--model NAME|DIR] [--frame-rate N]\n';

const EX_USAGE = 64;
const EX_NOINPUT = 66;
const EX_CONFIG = 78;

export interface TrackFlags {
  files: string[];
  camera: string | null;
  fps: number | null;
  labels: string[] | null;
  mot: string | null;
  json: boolean;
  model: string | null;
  frameRate: number | null;
}

/** One inferred frame as `--json` prints it. */
export interface TrackLine {
  frame: number;
  time_s: number;
  counts: Record<string, number>;
  events: EventPayload[];
}

export interface TrackIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export function parseTrackFlags(argv: string[]): TrackFlags | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        camera: { type: 'string' }, fps: { type: 'string' }, labels: { type: 'string' }, mot: { type: 'string' },
        json: { type: 'boolean' }, model: { type: 'string' }, 'frame-rate': { type: 'string' },
      },
    });
  } catch (err) {
    return (err as Error).message;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) return 'no input files';
  const fps = values.fps === undefined ? null : Number(values.fps);
  if (fps !== null && !(Number.isFinite(fps) && fps >= 0)) return `--fps must be a number >= 0 (0 = every frame), got '${values.fps}'`;
  const frameRate = values['frame-rate'] === undefined ? null : Number(values['frame-rate']);
  if (frameRate !== null && !(Number.isFinite(frameRate) && frameRate > 0)) return `--frame-rate must be a number > 0, got '${values['frame-rate']}'`;
  const labels = values.labels === undefined ? null : values.labels.split(',').map((l) => l.trim()).filter(Boolean);
  if (labels !== null && labels.length === 0) return '--labels needs at least one label';
  return { files: positionals, camera: values.camera ?? null, fps, labels, mot: values.mot ?? null, json: values.json ?? false, model: values.model ?? null, frameRate };
}

/** The camera whose settings apply: --camera, else the only configured camera. */
function pickCamera(configFile: string, flags: TrackFlags): { name: string; file: string; camera: CameraConfig; loaded: ReturnType<typeof loadAll> } {
  const loaded = loadAll(configFile, process.env);
  const { cameras } = loaded;
  const name = flags.camera ?? (cameras.length === 1 ? cameras[0]!.name : null);
  if (name === null) {
    throw new ConfigError([`${loaded.camerasDir}: ${cameras.length === 0 ? 'no camera files' : `${cameras.length} cameras (${cameras.map((c) => c.name).join(', ')})`}: pass --camera NAME`]);
  }
  const entry = cameras.find((c) => c.name === name);
  if (!entry) throw new ConfigError([`${loaded.camerasDir}: no camera '${name}' (cameras: ${cameras.map((c) => c.name).join(', ') || 'none'})`]);
  if (!entry.config) throw new ConfigError(entry.problems);
  return { name, file: entry.file, camera: entry.config, loaded };
}

export interface SequenceResult {
  lines: TrackLine[];
  /** MOTChallenge rows of confirmed objects matched in each frame. */
  mot: string[];
}

/** Runs one input through the session; `onLine` gets every inferred frame as it is done. */
export async function trackInput(
  session: TrackSession,
  input: FrameInput,
  fps: number,
  labels: readonly string[],
  onLine: (line: TrackLine, matched: Track[]) => void = () => {},
): Promise<SequenceResult> {
  const lb = session.letterbox(input.width, input.height);
  const lines: TrackLine[] = [];
  const mot: string[] = [];
  let lastMs = 0;
  for await (const frame of input.frames(lb, fps)) {
    lastMs = Math.round(frame.time_s * 1000);
    const out = await session.frame(frame.data, lb, lastMs);
    const counts: Record<string, number> = {};
    for (const label of [...new Set([...labels, ...Object.keys(out.counts)])].sort()) counts[label] = out.counts[label] ?? 0;
    const line: TrackLine = { frame: frame.number, time_s: Math.round(frame.time_s * 1000) / 1000, counts, events: out.events };
    for (const track of out.matched) mot.push(formatMotRow(frame.number, track.number, track.box, track.score));
    lines.push(line);
    onLine(line, out.matched);
  }
  session.end(lastMs);
  return { lines, mot };
}

export async function runTrackCommand(configFile: string, argv: string[], io: TrackIO): Promise<number> {
  const flags = parseTrackFlags(argv);
  if (typeof flags === 'string') {
    io.stderr.write(`lookout track: ${flags}\n${TRACK_USAGE}`);
    return EX_USAGE;
  }
  let picked;
  try {
    picked = pickCamera(configFile, flags);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) io.stderr.write(`lookout track: ${problem}\n`);
    return EX_CONFIG;
  }
  const { config } = picked.loaded;
  const labels = flags.labels ?? picked.camera.detect.labels;
  const fps = flags.fps ?? picked.camera.detect.fps;
  let inputs: FrameInput[];
  try {
    inputs = await openInputs(flags.files, flags.frameRate);
  } catch (error) {
    io.stderr.write(`lookout track: ${(error as Error).message}\n`);
    return EX_NOINPUT;
  }
  if (flags.mot && inputs.length > 1) {
    io.stderr.write(`lookout track: --mot writes one sequence; got ${inputs.length} inputs\n`);
    return EX_USAGE;
  }
  const logger = createLogger('warn', pino.destination({ fd: 2, sync: true }));
  const modelDir = flags.model ? resolveModelDir(flags.model, process.cwd()) : config.detector.model;
  let failed = false;
  const mot: string[] = [];
  for (const input of inputs) {
    const session = new TrackSession({
      camera: picked.name,
      file: picked.file,
      filter: { ...picked.camera.detect, labels },
      tracker: picked.camera.tracker,
      zones: zoneList(picked.camera.zones),
      requiredZones: picked.camera.required_zones,
      runtime: getRuntime(config.detector.runtime),
      modelDir,
      threads: resolveThreads(config.detector.threads, 1),
      iou: config.detector.iou,
      maxDet: config.detector.max_det,
      agnostic: config.detector.agnostic_nms,
      logger,
    });
    try {
      await session.start();
    } catch (error) {
      io.stderr.write(`lookout track: ${error instanceof ConfigError ? error.problems.join('\n') : (error as Error).message}\n`);
      return error instanceof LookoutError ? EX_CONFIG : 1;
    }
    try {
      let newEvents = 0;
      let frames = 0;
      const result = await trackInput(session, input, fps, labels, (line) => {
        frames++;
        newEvents += line.events.filter((e) => e.type === 'new').length;
        if (flags.json) io.stdout.write(`${JSON.stringify(line)}\n`);
        else if (line.events.length > 0) io.stdout.write(humanLine(input.name, line));
      });
      mot.push(...result.mot);
      io.stderr.write(`${input.name}: ${frames} frames inferred at ${fps === 0 ? 'every frame' : `${fps} fps`}, ${newEvents} new objects\n`);
    } catch (error) {
      failed = true;
      io.stderr.write(`lookout track: ${input.name}: ${(error as Error).message}\n`);
    } finally {
      await session.stop();
    }
  }
  if (flags.mot) writeFileSync(flags.mot, mot.length > 0 ? `${mot.join('\n')}\n` : '');
  return failed ? EX_NOINPUT : 0;
}

function humanLine(name: string, line: TrackLine): string {
  const events = line.events.map((e) => `${e.type} ${e.label} ${e.id}${e.zone === undefined ? '' : ` ${e.zone}`}${e.stationary ? ' (stationary)' : ''}`).join(', ');
  const counts = Object.entries(line.counts).map(([l, n]) => `${l}=${n}`).join(' ');
  return `${name}#${line.frame} ${line.time_s.toFixed(2)}s: ${events}${counts ? ` | ${counts}` : ''}\n`;
}
