/**
 * Per-camera detection filters, applied after decoding: which labels to
 * report, a minimum score, a minimum box area as a fraction of the frame and
 * object masks (a detection standing inside one is dropped before tracking).
 * Field names match the camera file's `detect.*` keys.
 */
import type { Detection } from './detections.js';
import { bottomCentre, inAny, type Polygon } from '../geometry/polygon.js';

export interface DetectFilter {
  /** Labels to report; empty = all. */
  labels: readonly string[];
  /** 0..1 */
  min_score: number;
  /** Box area as a fraction of the source frame, 0..1. */
  min_area: number;
  /** Object masks, polygons in 0..1 of the source: a detection whose bottom-centre lies in one is dropped. */
  mask?: readonly Polygon[];
}

export const defaultDetectFilter: DetectFilter = { labels: [], min_score: 0.4, min_area: 0, mask: [] };

/** A camera's filter as configured: `min_score: 'model'` takes the model's own default. */
export type ConfiguredFilter = Omit<DetectFilter, 'min_score'> & { min_score: number | 'model' };

/** The configured filter with 'model' replaced by the model's default score. */
export function resolveFilter<F extends ConfiguredFilter>(filter: F, modelMinScore: number): Omit<F, 'min_score'> & DetectFilter {
  return { ...filter, min_score: filter.min_score === 'model' ? modelMinScore : filter.min_score };
}

export function applyFilter(detections: readonly Detection[], filter: DetectFilter): Detection[] {
  const wanted = filter.labels.length > 0 ? new Set(filter.labels) : null;
  const mask = filter.mask ?? [];
  return detections.filter((d) => {
    if (d.score < filter.min_score) return false;
    if (wanted && !wanted.has(d.label)) return false;
    const [x1, y1, x2, y2] = d.box_norm;
    if ((x2 - x1) * (y2 - y1) < filter.min_area) return false;
    return mask.length === 0 || !inAny(...bottomCentre(d.box_norm), mask);
  });
}

/** Filter labels the model does not know: a likely typo, reported at start-up. */
export function unknownFilterLabels(filter: Pick<DetectFilter, 'labels'>, modelLabels: readonly string[]): string[] {
  const known = new Set(modelLabels);
  return filter.labels.filter((l) => !known.has(l));
}
