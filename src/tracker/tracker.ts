/**
 * One camera's object tracker: turns each inferred frame's detections into
 * objects with stable ids, says when one is confirmed ('new'), seen again
 * ('update') or gone ('end'), and how many objects of each label are in view.
 * Built for the daemon's low and uneven frame rates (0.2 to 10 inferences a
 * second, changing with load and motion):
 *
 * - Motion is a constant-velocity Kalman filter on the box center in time
 *   (kalman.ts), with dt from the frames' capture times, never frame counts.
 *   A pair's similarity is the better of its IoU with the predicted box and
 *   with the last detected box, so an object that stopped during a gap is not
 *   lost to an overshooting prediction.
 * - Association is ByteTrack's two stages, each an optimal (Hungarian)
 *   assignment on 1 - similarity, per label: detections scoring at least
 *   `threshold` go first, to every live object; weaker ones (down to
 *   detect.min_score) then only continue objects left unmatched, never start
 *   one. Before that, same-label boxes overlapping by `duplicate_iou` or more
 *   are one detection (the best-scoring box). A pair that does not overlap by
 *   `iou_min` may still match when the detection is near where the object is
 *   expected (nearness(): at 1 fps a walking person's boxes do not overlap),
 *   scoring below any overlapping pair.
 * - A new object is tentative until it has been detected in `min_hits`
 *   inferred frames in a row AND the median of its recent scores reaches
 *   `threshold` (Frigate's score history; `thresholds` overrides it per
 *   label): a faint false detection never becomes an object. A tentative one that misses a frame is dropped without
 *   a word. Public ids are given at confirmation, so ids have no gaps.
 * - After a gap, a recovered object is re-anchored at its new box with the
 *   velocity it actually covered (OC-SORT), not the filter's drift.
 * - Counts are the confirmed objects detected in this frame or predicted
 *   through a short miss (`coast_s`, or one missed frame within
 *   SHORT_MISS_MS), and two of one label overlapping by `duplicate_iou`
 *   count once. A missed object keeps its id for `max_age_s`
 *   (and at least MIN_MISSES_TO_END inferred frames), so a person hidden
 *   behind a pole for a second comes back with the same id.
 * - An object whose box stays where it settled for `stationary_s` is
 *   stationary: its events say so, its motion is stopped, it counts through
 *   one missed frame at any rate (the keep-alive rate of a still picture), and
 *   it ends only after `stationary_max_age_s` without a detection.
 *
 * Time comes only from the frames' capture timestamps (no clock inside), so a
 * run is deterministic and a test drives it exactly. If the wall clock steps
 * back, the tracker keeps its own time monotonic while the published
 * first_seen/last_seen stay the frames' times.
 */
import type { Box, Detection } from '../detector/detections.js';
import { minCostAssignment } from './assignment.js';
import { iou } from './geometry.js';
import { dedupe, median, nearness } from './similarity.js';
import { initFilter, predictBox, reanchorFilter, stopFilter, updateFilter, type FilterState } from './kalman.js';
import type { TrackerConfig } from './schema.js';

export { iou } from './geometry.js';
export { dedupe, median, NEAR_BASE, NEAR_SPEED } from './similarity.js';

export type TrackerOptions = Pick<
  TrackerConfig,
  'threshold' | 'thresholds' | 'min_hits' | 'coast_s' | 'max_age_s' | 'iou_min' | 'duplicate_iou' | 'stationary_s' | 'stationary_max_age_s'
>;

/** See the file comment: one missed frame never ends a confirmed object. */
export const MIN_MISSES_TO_END = 2;
/** Scores kept per object for the median (Frigate keeps 10 too). */
export const SCORE_HISTORY = 10;
/** A missed frame at most this long after the last hit is bridged in the counts, whatever coast_s says (one missed frame at 1 fps). */
export const SHORT_MISS_MS = 2000;

/** An object is "in place" while its box overlaps where it settled by at least this IoU. */
export const STATIONARY_IOU = 0.6;

/** A confirmed object as events carry it: a snapshot, not a live view. */
export interface Track {
  /** `<first_seen epoch ms>-<n>`. */
  id: string;
  /** n of the id: this camera's confirmed objects counted from 1. */
  number: number;
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
  /** It has stayed in place for tracker.stationary_s. */
  stationary: boolean;
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
  /** Objects counted in view per label (see the file comment), labels with none left out, keys sorted. */
  counts: Record<string, number>;
  /** Confirmed objects detected in this very frame. */
  matched: Track[];
  /** The objects behind `counts` (one per counted object, sorted like the counts' boxes): zones count these. */
  counted: Track[];
}

/** A track as the tracker keeps it. */
interface TrackState extends Omit<Track, 'id' | 'number'> {
  /** null while tentative. */
  id: string | null;
  number: number;
  order: number;
  /** Consecutive inferred frames with / without a match. */
  streak: number;
  misses: number;
  /** Tracker time (monotonic) of the last hit. */
  seenT: number;
  filter: FilterState;
  scores: number[];
  /** Where it settled, and since when (tracker time). */
  anchor: Box;
  anchorT: number;
}

export class Tracker {
  readonly #o: TrackerOptions;
  #tracks: TrackState[] = [];
  #nextOrder = 0;
  #confirmed = 0;
  /** Monotonic tracker time = capture time + offset; offset grows when the wall clock steps back. */
  #offset = 0;
  #lastT = -Infinity;
  #counts: Record<string, number> = {};
  #counted: Track[] = [];

  constructor(options: TrackerOptions) {
    const o = options;
    if (!Number.isInteger(o.min_hits) || o.min_hits < 1) throw new RangeError(`tracker min_hits must be an integer >= 1, got ${o.min_hits}`);
    if (!(o.max_age_s > 0)) throw new RangeError(`tracker max_age_s must be > 0, got ${o.max_age_s}`);
    if (!(o.stationary_max_age_s > 0)) throw new RangeError(`tracker stationary_max_age_s must be > 0, got ${o.stationary_max_age_s}`);
    if (!(o.stationary_s > 0)) throw new RangeError(`tracker stationary_s must be > 0, got ${o.stationary_s}`);
    if (!(o.coast_s >= 0)) throw new RangeError(`tracker coast_s must be >= 0, got ${o.coast_s}`);
    for (const key of ['iou_min', 'duplicate_iou'] as const) {
      if (!(o[key] > 0 && o[key] <= 1)) throw new RangeError(`tracker ${key} must be in (0, 1], got ${o[key]}`);
    }
    if (!(o.threshold >= 0 && o.threshold <= 1)) throw new RangeError(`tracker threshold must be in [0, 1], got ${o.threshold}`);
    for (const [label, v] of Object.entries(o.thresholds ?? {})) {
      if (!(v >= 0 && v <= 1)) throw new RangeError(`tracker thresholds.${label} must be in [0, 1], got ${v}`);
    }
    this.#o = { ...options, thresholds: { ...(options.thresholds ?? {}) } };
  }

  /** Confirmed objects alive (counted or kept through a miss), in creation order. */
  get tracks(): Track[] {
    return this.#tracks.filter(isConfirmed).map(snapshot);
  }

  /** Objects counted in view per label after the last frame (sorted keys, no zeros). */
  get counts(): Record<string, number> {
    return { ...this.#counts };
  }

  /**
   * One inferred frame: `capturedAt` is the frame's capture time (ms epoch),
   * `detections` everything the detector reported for it after filtering,
   * possibly none. Call it for every inferred frame, empty ones included:
   * misses are what end objects.
   */
  update(capturedAt: number, detections: readonly Detection[]): TrackerOutput {
    const t = this.#time(capturedAt);
    const o = this.#o;
    const dets = dedupe(detections, o.duplicate_iou);
    const high = dets.filter((d) => d.score >= this.#threshold(d.label));
    const low = dets.filter((d) => d.score < this.#threshold(d.label));

    const predicted = new Map<TrackState, Box>(this.#tracks.map((track) => [track, predictBox(track.filter, t)]));
    const matched = new Map<TrackState, Detection>();
    // Stage 1: confident detections, to every live object.
    const leftHigh = this.#associate(this.#tracks, high, predicted, t, o.iou_min, matched);
    // Stage 2 (ByteTrack): weak detections only continue objects still unmatched.
    this.#associate(this.#tracks.filter((tr) => !matched.has(tr)), low, predicted, t, o.iou_min, matched);

    const events: TrackEvent[] = [];
    const kept: TrackState[] = [];
    for (const track of this.#tracks) {
      const det = matched.get(track);
      if (det) {
        this.#hit(track, det, capturedAt, t);
        if (track.id !== null) events.push({ type: 'update', track: snapshot(track) });
        else if (this.#ready(track)) events.push(this.#confirm(track));
        kept.push(track);
        continue;
      }
      track.misses++;
      track.streak = 0;
      if (track.id === null) continue; // a tentative object must be seen in a row
      const maxAge = track.stationary ? o.stationary_max_age_s : o.max_age_s;
      if (track.misses >= MIN_MISSES_TO_END && t - track.seenT >= maxAge * 1000) {
        events.push({ type: 'end', track: snapshot(track) });
        continue;
      }
      kept.push(track);
    }

    for (const d of leftHigh) {
      const track = this.#newTrack(d, capturedAt, t);
      if (this.#ready(track)) events.push(this.#confirm(track));
      kept.push(track);
    }
    this.#tracks = kept;
    this.#counts = this.#count(t, predicted);
    return {
      at: capturedAt,
      events,
      counts: this.counts,
      matched: kept.filter((tr) => isConfirmed(tr) && tr.misses === 0).map(snapshot),
      counted: [...this.#counted],
    };
  }

  /**
   * Ends every confirmed object now (the camera stopped or went offline, the
   * daemon is shutting down) and forgets tentative ones. `at` (ms epoch) is
   * only reported back; last_seen stays the last frame each was seen in.
   */
  endAll(at: number): TrackerOutput {
    const events = this.#tracks.filter(isConfirmed).map((track): TrackEvent => ({ type: 'end', track: snapshot(track) }));
    this.#tracks = [];
    this.#counts = {};
    this.#counted = [];
    return { at, events, counts: {}, matched: [], counted: [] };
  }

  /** Optimal assignment of `dets` to `tracks` of the same label; returns the detections left over. */
  #associate(tracks: readonly TrackState[], dets: readonly Detection[], predicted: Map<TrackState, Box>, t: number, minSim: number, matched: Map<TrackState, Detection>): Detection[] {
    const left: Detection[] = [];
    for (const label of new Set(dets.map((d) => d.label))) {
      const ds = dets.filter((d) => d.label === label);
      const ts = tracks.filter((tr) => tr.label === label && !matched.has(tr));
      const cost = ts.map((tr) =>
        ds.map((d) => {
          if (d.class_id !== tr.class_id) return null;
          const overlap = Math.max(iou(predicted.get(tr)!, d.box), iou(tr.box, d.box));
          const sim = overlap >= minSim ? overlap : Math.min(nearness(predicted.get(tr)!, d.box, t - tr.seenT), 0.95 * minSim);
          // A small premium on objects seen recently: a long-lost one yields to them on a tie.
          return sim > 0 ? 1 - sim + 0.01 * Math.min(tr.misses, 10) : null;
        }),
      );
      const taken = new Set<number>();
      if (ts.length > 0) {
        minCostAssignment(cost).forEach((j, i) => {
          if (j < 0) return;
          matched.set(ts[i]!, ds[j]!);
          taken.add(j);
        });
      }
      ds.forEach((d, j) => { if (!taken.has(j)) left.push(d); });
    }
    return left;
  }

  #ready(track: TrackState): boolean {
    return track.streak >= this.#o.min_hits && median(track.scores) >= this.#threshold(track.label);
  }

  #threshold(label: string): number {
    return this.#o.thresholds?.[label] ?? this.#o.threshold;
  }

  #hit(track: TrackState, det: Detection, capturedAt: number, t: number): void {
    if (track.misses > 0) reanchorFilter(track.filter, det.box, t);
    else updateFilter(track.filter, det.box, t);
    track.box = [...det.box];
    track.box_norm = [...det.box_norm];
    track.score = det.score;
    track.top_score = Math.max(track.top_score, det.score);
    track.scores.push(det.score);
    if (track.scores.length > SCORE_HISTORY) track.scores.shift();
    track.last_seen = capturedAt;
    track.seenT = t;
    track.hits++;
    track.streak++;
    track.misses = 0;
    if (iou(track.anchor, det.box) < STATIONARY_IOU) {
      track.anchor = [...det.box];
      track.anchorT = t;
      track.stationary = false;
    } else if (t - track.anchorT >= this.#o.stationary_s * 1000) {
      track.stationary = true;
      stopFilter(track.filter);
    }
  }

  #newTrack(d: Detection, capturedAt: number, t: number): TrackState {
    return {
      id: null,
      number: 0,
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
      stationary: false,
      streak: 1,
      misses: 0,
      seenT: t,
      filter: initFilter(d.box, t),
      scores: [d.score],
      anchor: [...d.box],
      anchorT: t,
    };
  }

  /** Confirmed objects detected now or coasting through a short miss; heavy same-label overlaps count once. */
  #count(t: number, predicted: Map<TrackState, Box>): Record<string, number> {
    const { coast_s, duplicate_iou, iou_min } = this.#o;
    const inView = this.#tracks.filter(
      (tr) => isConfirmed(tr) && (tr.misses === 0 || t - tr.seenT <= coast_s * 1000 || (tr.misses === 1 && (tr.stationary || t - tr.seenT <= SHORT_MISS_MS))),
    );
    // Seen ones first, so a coasting duplicate of a seen object is the one left out.
    inView.sort((a, b) => Number(a.misses > 0) - Number(b.misses > 0) || a.order - b.order);
    const boxes: Array<{ label: string; box: Box }> = [];
    const counts: Record<string, number> = {};
    this.#counted = [];
    for (const tr of inView) {
      const box = tr.misses === 0 ? tr.box : (predicted.get(tr) ?? tr.box);
      // An unseen object whose expected place a seen one of its label already overlaps (by the matching
      // threshold, iou_min) is more likely that object under a new id than a second one hidden there: counting
      // both inflated the count after identity switches in crowds. Seen objects need duplicate_iou.
      const limit = tr.misses === 0 ? duplicate_iou : Math.min(duplicate_iou, iou_min);
      if (boxes.some((b) => b.label === tr.label && iou(b.box, box) >= limit)) continue;
      boxes.push({ label: tr.label, box });
      this.#counted.push(snapshot(tr));
    }
    for (const label of boxes.map((b) => b.label).sort()) counts[label] = (counts[label] ?? 0) + 1;
    return counts;
  }

  #confirm(track: TrackState): TrackEvent {
    track.number = ++this.#confirmed;
    track.id = `${track.first_seen}-${track.number}`;
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
    number: track.number,
    label: track.label,
    class_id: track.class_id,
    score: track.score,
    top_score: track.top_score,
    box: [...track.box],
    box_norm: [...track.box_norm],
    first_seen: track.first_seen,
    last_seen: track.last_seen,
    hits: track.hits,
    stationary: track.stationary,
  };
}
