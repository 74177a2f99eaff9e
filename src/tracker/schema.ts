/**
 * The per-camera `tracker.*` keys, as a schema fragment for the camera schema
 * (`tracker: trackerSchema` in cameraDefaultableSchema), so the Tracker's
 * options are derived from the schema rather than declared twice. Each doc
 * string says what the knob trades off; the tracker's file comment says how
 * they work together.
 */
import { CheckFailed, integer, number, seconds, shown, type Check } from '../config/checks.js';
import { leaf, type ConfigOf, type Leaf } from '../config/schema.js';

/** `{"label": score 0..1, ...}`: a per-label override of tracker.threshold. */
const labelScores: Check<Record<string, number>> = Object.assign(
  (value: unknown): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CheckFailed(`must be an object of label: score, got ${shown(value)}`);
    for (const [label, score] of Object.entries(value)) {
      if (typeof score !== 'number' || !(score >= 0 && score <= 1)) throw new CheckFailed(`'${label}' must be a number from 0 to 1, got ${shown(score)}`);
    }
  },
  { description: 'object of label: number 0..1' },
) as Check<Record<string, number>>;

/** An object-valued leaf: convict takes it whole (format Object); our validator runs labelScores. */
const thresholdsLeaf: Leaf<Record<string, number>> = {
  doc:
    'Per-label tracker.threshold, e.g. {"car": 0.6, "bird": 0.7}; labels not listed use tracker.threshold. A camera file\'s labels merge over those of cameras.defaults. ' +
    'Raise it for a label the camera often sees false detections of; lower it for one the model scores low.',
  check: labelScores,
  format: Object,
  default: {},
};

export const trackerSchema = {
  threshold: leaf({
    doc:
      'Score (0..1) an object must earn to be announced: the median of its recent detection scores must reach it, ' +
      'and only detections at or above it can start an object (weaker ones, down to detect.min_score, only continue one). ' +
      'Higher keeps faint false detections (litter, shadows) out; lower announces distant or half-hidden objects sooner.',
    check: number({ min: 0, max: 1 }),
    default: 0.45,
  }),
  thresholds: thresholdsLeaf,
  min_hits: leaf({
    doc:
      'Inferred frames an object must be detected in, in a row, before it is announced (events "new", counts). ' +
      '1 announces every one-frame false positive; each extra hit delays "new" by one inferred frame.',
    check: integer(1, 100),
    default: 2,
  }),
  coast_s: leaf({
    doc:
      'Seconds an announced object still counts after its last detection, its box predicted from its motion (a missed detection, a person behind a pole); one missed frame within 2 s of the last detection is always bridged. ' +
      'Longer bridges longer misses; shorter drops an object that left the picture from the count sooner.',
    check: seconds({ min: 0, max: 3600 }),
    default: 0.5,
  }),
  max_age_s: leaf({
    doc:
      'Seconds an announced object may go undetected before it ends ("end" event); until then a detection where it should be takes up the same id again. ' +
      'It also needs two missed inferred frames in a row, so one missed detection never ends it, even at detect.idle_fps. ' +
      'Longer keeps ids across longer occlusions but risks giving an old id to a newcomer.',
    check: seconds({ min: 0, minExclusive: true, max: 3600 }),
    default: 3,
  }),
  iou_min: leaf({
    doc:
      "Least overlap (IoU, 0..1) between an object's predicted (or last) box and a detection of the same label for them to be the same object. " +
      'Lower follows fast or rarely inferred objects; higher keeps two people who pass close from swapping ids.',
    check: number({ min: 0, minExclusive: true, max: 1 }),
    default: 0.2,
  }),
  duplicate_iou: leaf({
    doc:
      'Two boxes of one label that overlap at least this much (IoU, 0..1) in one frame are one object: the weaker box is dropped and two objects in that much overlap count once. ' +
      'Lower merges the double boxes a detector puts on one person; higher keeps people in a tight group apart.',
    check: number({ min: 0, minExclusive: true, max: 1 }),
    default: 0.5,
  }),
  stationary_s: leaf({
    doc:
      'Seconds an object must stay in place (its box overlapping where it settled by IoU 0.6 or more) to be marked "stationary": true in its events. ' +
      'A stationary object is counted through one missed frame at any rate and kept for stationary_max_age_s, so a parked car seen at the keep-alive rate keeps its id and its count.',
    check: seconds({ min: 0, minExclusive: true, max: 86400 }),
    default: 10,
  }),
  stationary_max_age_s: leaf({
    doc:
      'Seconds a stationary object may go undetected before it ends (instead of max_age_s). ' +
      'Longer rides out long gaps in the detections of a parked car; shorter ends one that drove off sooner.',
    check: seconds({ min: 0, minExclusive: true, max: 86400 }),
    default: 30,
  }),
  update_interval_s: leaf({
    doc: 'Fewest seconds between two "update" events of one object; an update is sent only when the object moved, its top score rose, or it became (or stopped being) stationary.',
    check: seconds({ min: 0, max: 3600 }),
    default: 2,
  }),
};

export type TrackerConfig = ConfigOf<typeof trackerSchema>;

/** The schema's defaults, for tests and callers that build a Tracker without a config file. */
export const TRACKER_DEFAULTS: TrackerConfig = Object.freeze(
  Object.fromEntries(Object.entries(trackerSchema).map(([key, spec]) => [key, spec.default])),
) as TrackerConfig;
