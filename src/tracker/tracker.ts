/**
 * One camera's object tracker: turns each inferred frame's detections into
 * objects with stable ids, and says when one is confirmed ('new'), seen again
 * ('update') or gone ('end').
 *
 * - Matching is greedy by IoU, best pair first, and class-aware (a car never
 *   continues a person). Greedy rather than Hungarian: with the handful of
 *   objects a camera sees, and the velocity prediction separating crossing
 *   objects, the optimal assignment almost never differs, and greedy is
 *   simple to reason about and deterministic (ties go to the older track, then
 *   to the earlier detection).
 * - Frames are skipped adaptively, so a track is predicted by elapsed time,
 *   not by frame count: its box is moved by its center velocity (px/ms,
 *   smoothed over hits) times the time since it was last seen. The box size
 *   is kept from the last detection. A pair scores the better of its IoU
 *   with the prediction and with the last box, so an object that stopped
 *   during a long gap (a car parking, seen again at the keep-alive rate) is
 *   not lost to an overshooting prediction. Crossing objects still keep their
 *   ids: the right pairs overlap their predictions almost fully, which beats
 *   any overlap with the other object's old box, and the best pairs go first.
 * - A new object is tentative until it has been matched in `min_hits` inferred
 *   frames in a row; a tentative one that misses a frame is dropped without a
 *   word, so a one-frame false positive never becomes an event. Public ids are
 *   given at confirmation, so ids carry no gaps from dropped candidates.
 * - A confirmed object ends at the first inferred frame where it has gone
 *   unmatched for `max_age_s` since its last hit, in at least two inferred
 *   frames in a row (MIN_MISSES_TO_END): at the motion gate's keep-alive rate
 *   (one frame every few seconds) a single missed detection of a parked car
 *   would otherwise end it and start a new id.
 *
 * Time comes only from the frames' capture timestamps (no clock inside), so a
 * test drives it exactly. Capture times are wall-clock ms; if the wall clock
 * steps back, the tracker keeps its own time monotonic (elapsed times never go
 * negative) while the published first_seen/last_seen stay the frames' times.
 */
import type { Box, Detection } from '../detector/detections.js';
import type { TrackerConfig } from './schema.js';

export type TrackerOptions = Pick<TrackerConfig, 'min_hits' | 'max_age_s' | 'iou_min'>;

/** See the file comment: one missed frame never ends a confirmed object. */
export const MIN_MISSES_TO_END = 2;

/** Weight of the newest velocity measurement in the smoothed velocity. */
const VELOCITY_ALPHA = 0.5;

/** A confirmed object as events carry it: a snapshot, not a live view. */
export interface Track {
  /** `<first_seen epoch ms>-<n>`, n counting this camera's confirmed objects from 1. */
  id: string;
  label: string;
  class_id: number;
  /** Score of the latest detection. */
  score: number;
  top_score: number;
  /** Latest detected box (not the prediction), source pixels. */
  box: Box;
  box_norm: Box;
  /** Capture time (ms epoch) of the first and of the latest frame it was detected in. */
  first_seen: number;
  last_seen: number;
  /** Frames it was detected in. */
  hits: number;
}

export type TrackEventType = 'new' | 'update' | 'end';

export interface TrackEvent {
  type: TrackEventType;
  track: Track;
}

export interface TrackerOutput {
  /** Capture time of the frame (or the time endAll was given). */
  at: number;
  /** In track creation order: existing tracks first, then this frame's new ones. */
  events: TrackEvent[];
  /** Confirmed objects in view per label, labels with none left out, keys sorted. */
  counts: Record<string, number>;
}

/** A track as the tracker keeps it: Track's fields plus matching state. */
interface TrackState extends Omit<Track, 'id'> {
  /** null while tentative. */
  id: string | null;
  order: number;
  /** Consecutive inferred frames without a match. */
  misses: number;
  /** Tracker time (monotonic) of the last hit. */
  seenT: number;
  /** Smoothed center velocity in px per ms; null until the second hit. */
  vx: number | null;
  vy: number | null;
}

export class Tracker {
  readonly #options: TrackerOptions;
  #tracks: TrackState[] = [];
  #nextOrder = 0;
  #confirmed = 0;
  /** Monotonic tracker time = capture time + offset; offset grows when the wall clock steps back. */
  #offset = 0;
  #lastT = -Infinity;

  constructor(options: TrackerOptions) {
    if (!Number.isInteger(options.min_hits) || options.min_hits < 1) throw new RangeError(`tracker min_hits must be an integer >= 1, got ${options.min_hits}`);
    if (!(options.max_age_s > 0)) throw new RangeError(`tracker max_age_s must be > 0, got ${options.max_age_s}`);
    if (!(options.iou_min > 0 && options.iou_min <= 1)) throw new RangeError(`tracker iou_min must be in (0, 1], got ${options.iou_min}`);
    this.#options = { ...options };
  }

  /** Confirmed objects now in view, in creation order. */
  get tracks(): Track[] {
    return this.#tracks.filter(isConfirmed).map(snapshot);
  }

  /** Confirmed objects in view per label (sorted keys, no zeros). */
  get counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const label of this.#tracks.filter(isConfirmed).map((t) => t.label).sort()) counts[label] = (counts[label] ?? 0) + 1;
    return counts;
  }

  /**
   * One inferred frame: `capturedAt` is the frame's capture time (ms epoch),
   * `detections` everything the detector reported for it after filtering,
   * possibly none. Call it for every inferred frame, empty ones included:
   * misses are what end objects.
   */
  update(capturedAt: number, detections: readonly Detection[]): TrackerOutput {
    const t = this.#time(capturedAt);
    const { min_hits, max_age_s, iou_min } = this.#options;

    // Candidate pairs of the same class whose overlap is good enough, best first.
    const pairs: Array<{ track: TrackState; det: number; iou: number }> = [];
    for (const track of this.#tracks) {
      const predicted = predict(track, t);
      detections.forEach((d, det) => {
        if (d.class_id !== track.class_id || d.label !== track.label) return;
        const overlap = Math.max(iou(predicted, d.box), iou(track.box, d.box));
        if (overlap >= iou_min) pairs.push({ track, det, iou: overlap });
      });
    }
    pairs.sort((a, b) => b.iou - a.iou || a.track.order - b.track.order || a.det - b.det);

    const matched = new Map<TrackState, Detection>();
    const usedDets = new Set<number>();
    for (const pair of pairs) {
      if (matched.has(pair.track) || usedDets.has(pair.det)) continue;
      matched.set(pair.track, detections[pair.det]!);
      usedDets.add(pair.det);
    }

    const events: TrackEvent[] = [];
    const kept: TrackState[] = [];
    for (const track of this.#tracks) {
      const det = matched.get(track);
      if (det) {
        hit(track, det, capturedAt, t);
        if (track.id !== null) events.push({ type: 'update', track: snapshot(track) });
        else if (track.hits >= min_hits) events.push(this.#confirm(track));
        kept.push(track);
        continue;
      }
      track.misses++;
      if (track.id === null) continue; // a tentative object must be seen in a row
      if (track.misses >= MIN_MISSES_TO_END && t - track.seenT >= max_age_s * 1000) {
        events.push({ type: 'end', track: snapshot(track) });
        continue;
      }
      kept.push(track);
    }

    detections.forEach((d, i) => {
      if (usedDets.has(i)) return;
      const track: TrackState = {
        id: null,
        order: this.#nextOrder++,
        label: d.label,
        class_id: d.class_id,
        score: d.score,
        top_score: d.score,
        box: [...d.box],
        box_norm: [...d.box_norm],
        first_seen: capturedAt,
        last_seen: capturedAt,
        hits: 1,
        misses: 0,
        seenT: t,
        vx: null,
        vy: null,
      };
      if (min_hits <= 1) events.push(this.#confirm(track));
      kept.push(track);
    });

    this.#tracks = kept;
    return { at: capturedAt, events, counts: this.counts };
  }

  /**
   * Ends every confirmed object now (the camera stopped or went offline, the
   * daemon is shutting down) and forgets tentative ones. `at` (ms epoch) is
   * only reported back; last_seen stays the last frame each was seen in.
   */
  endAll(at: number): TrackerOutput {
    const events = this.#tracks.filter(isConfirmed).map((track): TrackEvent => ({ type: 'end', track: snapshot(track) }));
    this.#tracks = [];
    return { at, events, counts: {} };
  }

  #confirm(track: TrackState): TrackEvent {
    track.id = `${track.first_seen}-${++this.#confirmed}`;
    return { type: 'new', track: snapshot(track) };
  }

  #time(capturedAt: number): number {
    let t = capturedAt + this.#offset;
    if (t < this.#lastT) {
      this.#offset += this.#lastT - t;
      t = this.#lastT;
    }
    this.#lastT = t;
    return t;
  }
}

function isConfirmed(track: TrackState): track is TrackState & { id: string } {
  return track.id !== null;
}

function snapshot(track: TrackState): Track {
  return {
    id: track.id!,
    label: track.label,
    class_id: track.class_id,
    score: track.score,
    top_score: track.top_score,
    box: [...track.box],
    box_norm: [...track.box_norm],
    first_seen: track.first_seen,
    last_seen: track.last_seen,
    hits: track.hits,
  };
}

function hit(track: TrackState, det: Detection, capturedAt: number, t: number): void {
  const dt = t - track.seenT;
  if (dt > 0) {
    const [cx0, cy0] = center(track.box);
    const [cx1, cy1] = center(det.box);
    const vx = (cx1 - cx0) / dt;
    const vy = (cy1 - cy0) / dt;
    track.vx = track.vx === null ? vx : track.vx + VELOCITY_ALPHA * (vx - track.vx);
    track.vy = track.vy === null ? vy : track.vy + VELOCITY_ALPHA * (vy - track.vy);
  }
  track.box = [...det.box];
  track.box_norm = [...det.box_norm];
  track.score = det.score;
  track.top_score = Math.max(track.top_score, det.score);
  track.last_seen = capturedAt;
  track.seenT = t;
  track.hits++;
  track.misses = 0;
}

/** Where the track's box should be at tracker time t: the last box moved by velocity x elapsed time. */
function predict(track: Pick<TrackState, 'box' | 'seenT' | 'vx' | 'vy'>, t: number): Box {
  const dt = Math.max(0, t - track.seenT);
  const dx = (track.vx ?? 0) * dt;
  const dy = (track.vy ?? 0) * dt;
  const [x1, y1, x2, y2] = track.box;
  return [x1 + dx, y1 + dy, x2 + dx, y2 + dy];
}

function center(box: Box): [number, number] {
  return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
}

/** Intersection over union of two x1,y1,x2,y2 boxes; 0 when either is empty. */
export function iou(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}
