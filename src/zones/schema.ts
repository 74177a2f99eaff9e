/**
 * The camera file's `zones` and `required_zones` keys, as a schema fragment
 * (spread into cameraSchema; zones are per camera, never cameras.defaults).
 * A zone is checked whole by one validator, and each problem names the zone:
 * `file: zones.drive: polygon: point 2 is [1.2,0.5]; ...`.
 */
import { CheckFailed, shown, stringArray, type Check } from '../config/checks.js';
import { leaf, type Leaf } from '../config/schema.js';
import { polygonProblem, type Point } from '../geometry/polygon.js';
import { RESERVED_CAMERA_LEVELS } from '../mqtt/topics.js';

/** One zone as written in the camera file; `zoneList` fills in the defaults. */
export interface ZoneInput {
  polygon: Point[];
  labels?: string[];
  min_frames?: number;
}

export interface Zone {
  name: string;
  polygon: readonly Point[];
  /** Labels that can be in the zone; empty = every label the camera reports. */
  labels: readonly string[];
  /** Inferred frames in a row inside (outside) before an object enters (leaves). */
  minFrames: number;
}

/* A zone name is an MQTT topic level (<base>/<camera>/<zone>/<label>) and part of Home Assistant ids. */
export const ZONE_NAME = /^[A-Za-z0-9_-]+$/;
const ZONE_KEYS = ['polygon', 'labels', 'min_frames'];
export const MIN_FRAMES_MAX = 100;

/** Why one zone is wrong, or null. Label checks against the model come later (zoneModelProblems). */
export function zoneProblem(name: string, zone: unknown): string | null {
  if (!ZONE_NAME.test(name)) return `name ${shown(name)} may only contain letters, digits, '_' and '-' (it becomes an MQTT topic level)`;
  if (RESERVED_CAMERA_LEVELS.includes(name)) return `name '${name}' is reserved for the topic <base>/<camera>/${name}; pick another (reserved: ${RESERVED_CAMERA_LEVELS.join(', ')})`;
  if (typeof zone !== 'object' || zone === null || Array.isArray(zone)) return `must be an object with polygon, labels and min_frames, got ${shown(zone)}`;
  for (const key of Object.keys(zone)) {
    if (!ZONE_KEYS.includes(key)) return `unknown key '${key}' (a zone has ${ZONE_KEYS.join(', ')})`;
  }
  const z = zone as Record<string, unknown>;
  if (!('polygon' in z)) return 'polygon: is required (at least 3 [x, y] points in 0..1)';
  const polygon = polygonProblem(z['polygon']);
  if (polygon !== null) return `polygon: ${polygon}`;
  if ('labels' in z) {
    const labels = z['labels'];
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string' && l !== '')) return `labels: must be an array of label names, got ${shown(labels)}`;
  }
  if ('min_frames' in z) {
    const n = z['min_frames'];
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > MIN_FRAMES_MAX) return `min_frames: must be an integer from 1 to ${MIN_FRAMES_MAX}, got ${shown(n)}`;
  }
  return null;
}

const zonesCheck: Check<Record<string, ZoneInput>> = Object.assign(
  (value: unknown): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CheckFailed(`must be an object of zone name: { polygon, labels, min_frames }, got ${shown(value)}`);
    const items = Object.entries(value).flatMap(([name, zone]): Array<[string, string]> => {
      const problem = zoneProblem(name, zone);
      return problem === null ? [] : [[name, problem]];
    });
    if (items.length > 0) throw new CheckFailed(items.map(([name, why]) => `${name}: ${why}`).join('; '), items);
  },
  { description: 'object of name: { polygon, labels, min_frames }' },
) as Check<Record<string, ZoneInput>>;

const zonesLeaf: Leaf<Record<string, ZoneInput>> = {
  doc:
    'Named areas of the picture, e.g. {"lawn": {"polygon": [[0.1, 0.6], [0.9, 0.6], [0.9, 1], [0.1, 1]], "labels": ["person"], "min_frames": 2}}. ' +
    'polygon: 3 or more [x, y] points in 0..1 of the picture (x right, y down). labels: the labels that can be in the zone (empty or left out = all the camera reports). ' +
    'min_frames (default 1): inferred frames in a row that an object\'s bottom-centre must be inside before it enters, and outside before it leaves. ' +
    'Events carry zones and entered_zones, "enter" and "leave" events say when, and <base>/<camera>/<zone>/<label> holds a retained count. ' +
    'A name has letters, digits, _ and - only and may not be a label or a reserved topic level.',
  check: zonesCheck,
  format: Object,
  default: {},
};

export const zonesSchema = {
  zones: zonesLeaf,
  required_zones: leaf({
    doc:
      'Zone names an object must be in to be reported: it is announced ("new") when it first enters one, and while outside all of them it sends no updates and is in no count. ' +
      'It is tracked all along, so it keeps its id. Empty = report every object.',
    check: stringArray,
    default: [] as string[],
  }),
};

/** The zones of a validated camera config, defaults filled in, in file order. */
export function zoneList(zones: Readonly<Record<string, ZoneInput>>): Zone[] {
  return Object.entries(zones).map(([name, z]) => ({ name, polygon: z.polygon, labels: z.labels ?? [], minFrames: z.min_frames ?? 1 }));
}

/** required_zones that name no zone: `file: required_zones: ...` problems. */
export function requiredZoneProblems(file: string, zones: Readonly<Record<string, ZoneInput>>, required: readonly string[]): string[] {
  const unknown = required.filter((name) => !Object.hasOwn(zones, name));
  if (unknown.length === 0) return [];
  const known = Object.keys(zones);
  return [`${file}: required_zones: ${unknown.map((n) => `'${n}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among the zones (${known.length > 0 ? known.map((n) => `'${n}'`).join(', ') : 'none defined'})`];
}

/**
 * What only the model's labels can show, for the daemon's start, a reload and
 * check-config: a zone named like a label the camera reports (its count topic
 * <base>/<camera>/<label> would be a zone's), and zone labels the model or the
 * camera's detect.labels do not have.
 */
export function zoneModelProblems(file: string, zones: readonly Zone[], detectLabels: readonly string[], modelLabels: readonly string[], modelFile: string): string[] {
  const problems: string[] = [];
  const reported = detectLabels.length > 0 ? detectLabels : modelLabels;
  const known = new Set(modelLabels);
  for (const zone of zones) {
    if (reported.includes(zone.name)) {
      problems.push(`${file}: zones.${zone.name}: name collides with the label '${zone.name}' (both would publish <base>/<camera>/${zone.name}); rename the zone`);
    }
    const unknown = zone.labels.filter((l) => !known.has(l));
    if (unknown.length > 0) {
      problems.push(`${file}: zones.${zone.name}: labels: ${unknown.map((l) => `'${l}'`).join(', ')} not among the labels of ${modelFile}`);
      continue;
    }
    const unreported = detectLabels.length > 0 ? zone.labels.filter((l) => !detectLabels.includes(l)) : [];
    if (unreported.length > 0) {
      problems.push(`${file}: zones.${zone.name}: labels: ${unreported.map((l) => `'${l}'`).join(', ')} not in detect.labels, so never detected; add it there or remove it here`);
    }
  }
  return problems;
}
