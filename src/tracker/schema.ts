/**
 * The per-camera `tracker.*` keys, as a schema fragment for the camera schema
 * (`tracker: trackerSchema` in cameraDefaultableSchema), so the Tracker's
 * options are derived from the schema rather than declared twice.
 */
import { integer, number } from '../config/checks.js';
import { leaf, type ConfigOf } from '../config/schema.js';

export const trackerSchema = {
  min_hits: leaf({
    doc:
      'Frames in a row an object must be detected in before it is announced (events "new", counts). ' +
      '1 announces every one-frame false positive; each extra hit delays "new" by one inferred frame.',
    check: integer(1, 100),
    default: 2,
  }),
  max_age_s: leaf({
    doc:
      'Seconds an announced object may go undetected (occluded, missed) before it ends. ' +
      'It also needs two missed inferred frames in a row, so one missed detection never ends it, even at detect.idle_fps.',
    check: number({ min: 0, minExclusive: true }),
    default: 3,
  }),
  iou_min: leaf({
    doc: "Least overlap (IoU, 0..1) between an object's predicted box and a detection of the same label for them to be the same object.",
    check: number({ min: 0, minExclusive: true, max: 1 }),
    default: 0.3,
  }),
  update_interval_s: leaf({
    doc: 'Fewest seconds between two "update" events of one object; an update is sent only when the object moved or its top score rose.',
    check: number({ min: 0 }),
    default: 2,
  }),
};

export type TrackerConfig = ConfigOf<typeof trackerSchema>;

/** The schema's defaults, for tests and callers that build a Tracker without a config file. */
export const TRACKER_DEFAULTS: TrackerConfig = Object.freeze(
  Object.fromEntries(Object.entries(trackerSchema).map(([key, spec]) => [key, spec.default])),
) as TrackerConfig;
