/**
 * Value checks used as convict `format`s. Each one throws an Error whose
 * message is the `reason` part of a `file: key: reason` problem, and carries a
 * short `description` for the generated config reference. Messages quote the
 * offending value only through `shown()`, which masks credentials.
 */
import { maskWholeUrl } from './mask.js';
import { polygonProblem, rectProblem, type MaskShape, type Point } from '../geometry/polygon.js';

export type Check<T> = ((value: unknown) => asserts value is T) & { readonly description: string };

export class CheckFailed extends Error {
  /** Problems under the key, as [sub-key, reason] (an object leaf such as zones); the message joins them. */
  readonly items: ReadonlyArray<readonly [string, string]>;

  constructor(message: string, items: ReadonlyArray<readonly [string, string]> = []) {
    super(message);
    this.items = items;
  }
}

function check<T>(description: string, test: (value: unknown) => string | null): Check<T> {
  const fn = (value: unknown): void => {
    const reason = test(value);
    if (reason !== null) throw new CheckFailed(reason);
  };
  return Object.assign(fn, { description }) as Check<T>;
}

/** The offending value for a message: short, JSON-like, credentials masked. */
export function shown(value: unknown): string {
  if (typeof value === 'string') {
    // Masked before it is shortened: a cut inside the userinfo would leave no '@' to find it by.
    const masked = maskWholeUrl(value);
    return `'${masked.length > 80 ? `${masked.slice(0, 77)}...` : masked}'`;
  }
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

export const bool = check<boolean>('boolean', (v) =>
  typeof v === 'boolean' ? null : `must be true or false, got ${shown(v)}`,
);

export const string = check<string>('string', (v) =>
  typeof v === 'string' ? null : `must be a string, got ${shown(v)}`,
);

/** For secrets: the message never shows the value. */
export const secretString = check<string>('string (secret)', (v) =>
  typeof v === 'string' ? null : 'must be a string',
);

export const nonEmptyString = check<string>('non-empty string', (v) =>
  typeof v === 'string' && v !== '' ? null : `must be a non-empty string, got ${shown(v)}`,
);

export function oneOf<const V extends readonly (string | number)[]>(values: V): Check<V[number]> {
  const list = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
  return check<V[number]>(`one of ${list}`, (v) =>
    (values as readonly unknown[]).includes(v) ? null : `must be one of ${list}, got ${shown(v)}`,
  );
}

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Check<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  return check<number>(`integer ${range}`, (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? null
      : `must be an integer ${range}, got ${shown(v)}`,
  );
}

/** A finite number in a range; `minExclusive` for "> 0" style bounds. */
export function number(opts: { min: number; minExclusive?: boolean; max?: number }): Check<number> {
  const { min, minExclusive = false, max } = opts;
  const range = `${minExclusive ? '>' : '>='} ${min}${max === undefined ? '' : ` and <= ${max}`}`;
  return check<number>(`number ${range}`, (v) => {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (minExclusive ? v > min : v >= min) &&
      (max === undefined || v <= max);
    return ok ? null : `must be a number ${range}, got ${shown(v)}`;
  });
}

/** A readable span for a number of seconds: 3600 -> "1 h". */
function span(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export type DurationCheck = Check<number> & { readonly maxSeconds: number };

/**
 * A duration in seconds with a documented maximum. Every duration key has one:
 * a timer cannot wait longer than 2^31-1 ms (about 24.8 days), and Node fires
 * a longer one after 1 ms, so an unbounded key turns a typo into a flood.
 */
export function seconds(opts: { min: number; minExclusive?: boolean; max: number }): DurationCheck {
  const { min, minExclusive = false, max } = opts;
  if (max * 1000 > 2 ** 31 - 1) throw new RangeError(`a duration maximum of ${max} s is beyond what a timer can wait`);
  const range = `${minExclusive ? '>' : '>='} ${min} and <= ${max} (${span(max)})`;
  const fn = check<number>(`seconds ${range}`, (v) => {
    const ok = typeof v === 'number' && Number.isFinite(v) && (minExclusive ? v > min : v >= min) && v <= max;
    return ok ? null : `must be a number of seconds ${range}, got ${shown(v)}`;
  });
  return Object.assign(fn, { maxSeconds: max }) as DurationCheck;
}

/* Scores are not comparable across models (a CenterNet heat peak runs higher than a YOLOv8
   IoU-aware class score), so by default a camera takes its model's own threshold. */
export const scoreOrModel = check<number | 'model'>('number 0..1 or "model"', (v) =>
  v === 'model' || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1)
    ? null
    : `must be a number >= 0 and <= 1, or "model" (the model's own default), got ${shown(v)}`,
);

/* A thread count, or "auto" (chosen from the machine's cores). A numeric string comes from the environment. */
export function integerOrAuto(min: number, max: number): Check<number | 'auto'> {
  return check<number | 'auto'>(`"auto" or integer from ${min} to ${max}`, (v) => {
    const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
    return v === 'auto' || (Number.isInteger(n) && (n as number) >= min && (n as number) <= max)
      ? null
      : `must be "auto" or an integer from ${min} to ${max}, got ${shown(v)}`;
  });
}

/* Video scalers and YUV->RGB conversion want even sizes. */
/* 0 means "the model's input size", so a camera follows the model unless set. */
export const evenSize = check<number>('0 or a positive even integer', (v) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) % 2 === 0
    ? null
    : `must be 0 (the model's input size) or a positive even integer, got ${shown(v)}`,
);

export const stringArray = check<string[]>('array of strings', (v) =>
  Array.isArray(v) && v.every((item) => typeof item === 'string')
    ? null
    : `must be an array of strings, got ${shown(v)}`,
);

/* Non-empty, and no characters that would turn a topic into a wildcard or an empty level. */
export const mqttTopic = check<string>('MQTT topic prefix', (v) =>
  typeof v === 'string' && v !== '' && !/[+#\0]/.test(v) && !v.startsWith('/') && !v.endsWith('/')
    ? null
    : `must be a non-empty MQTT topic without '+', '#' or a leading/trailing '/', got ${shown(v)}`,
);

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

export const mqttUrl = check<string>("'embedded' or mqtt://, mqtts://, ws://, wss:// URL", (v) => {
  if (v === 'embedded') return null;
  if (typeof v === 'string') {
    const url = URL.canParse(v) ? new URL(v) : null;
    if (url && MQTT_PROTOCOLS.includes(url.protocol) && url.hostname !== '') return null;
  }
  return `must be 'embedded' or a mqtt://, mqtts://, ws:// or wss:// URL, got ${shown(v)}`;
});

export const CAMERA_URL_RULE = 'must be rtsp://, rtsps:// or a path to a video file';

/**
 * Syntax only: whether a path exists depends on the camera file's directory,
 * so the loader checks that after resolving it.
 */
export const cameraUrl = check<string>('rtsp://, rtsps:// URL or video file path', (v) => {
  if (v === null || v === undefined) return 'is required';
  if (typeof v !== 'string' || v === '') return `${CAMERA_URL_RULE}, got ${shown(v)}`;
  if (!isUrlLike(v)) return null;
  if (!/^rtsps?:\/\//i.test(v)) return `${CAMERA_URL_RULE}, got ${shown(v)}`;
  if (!URL.canParse(v) || new URL(v).hostname === '') return `${CAMERA_URL_RULE}; ${shown(v)} is not a valid URL`;
  return null;
});

/** `scheme://...`: anything else is taken for a file path. */
export function isUrlLike(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

export const plainObject = check<Record<string, unknown>>('object', (v) =>
  isPlainObject(v) ? null : `must be an object, got ${shown(v)}`,
);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/* Object masks (detect.mask): polygons of 3 or more [x, y] points in 0..1. */
export const polygons = check<Array<Array<Point>>>('array of polygons [[x, y], ...] in 0..1', (v) => {
  if (!Array.isArray(v)) return `must be an array of polygons (each 3 or more [x, y] points in 0..1), got ${shown(v)}`;
  for (const [i, p] of v.entries()) {
    const problem = polygonProblem(p);
    if (problem !== null) return `polygon ${i}: ${problem}`;
  }
  return null;
});

/* motion.mask: polygons, or [x1, y1, x2, y2] rectangles (the older form, still accepted). */
export const maskShapes = check<MaskShape[]>('array of polygons [[x, y], ...] or [x1, y1, x2, y2] rectangles in 0..1', (v) => {
  const rule = 'must be an array of polygons (3 or more [x, y] points) or [x1, y1, x2, y2] rectangles, in 0..1';
  if (!Array.isArray(v)) return `${rule}, got ${shown(v)}`;
  for (const [i, shape] of v.entries()) {
    if (Array.isArray(shape) && shape.length > 0 && shape.every((n) => typeof n === 'number')) {
      const problem = shape.length === 4 ? rectProblem(shape) : `${JSON.stringify(shape)} is neither a rectangle [x1, y1, x2, y2] nor a polygon of 3 or more [x, y] points`;
      if (problem !== null) return `shape ${i}: ${problem}`;
      continue;
    }
    const problem = polygonProblem(shape);
    if (problem !== null) return `shape ${i}: ${problem}`;
  }
  return null;
});
