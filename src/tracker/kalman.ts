/**
 * A constant-velocity Kalman filter on a box's center, in time rather than in
 * frames (SORT's motion model, with dt taken from capture timestamps), and a
 * smoothed size. The center's x and y are independent 2-state filters
 * (position, velocity): with diagonal noise that is exactly the joint filter,
 * at a fraction of the cost. Noise scales with the box height, so a near
 * person and a far one are followed alike (DeepSORT's convention).
 *
 * The state is kept at the time of the last measurement; `predict(t)` only
 * reads it, so a track that goes unmatched is never drifted by repeated
 * predictions: it is re-anchored on its next observation (OC-SORT's lesson).
 */
import type { Box } from '../detector/detections.js';

/** Measurement noise: std of a detection's center and size, as a share of the box height. */
const MEASURE_STD = 0.08;
/** Process noise: std of the acceleration, in box heights per s^2. */
const ACCEL_STD = 1.0;
/** Initial velocity uncertainty, box heights per s. */
const VELOCITY_STD0 = 1.0;
/** Fastest speed believed, box heights per s (a car crossing near the camera stays under it). */
export const MAX_SPEED = 4;
/** How much of a size change is taken per measurement. */
const SIZE_GAIN = 0.6;

interface Axis {
  x: number;
  v: number;
  p00: number;
  p01: number;
  p11: number;
}

export interface FilterState {
  cx: Axis;
  cy: Axis;
  w: number;
  h: number;
  /** Tracker time (ms) of the last measurement. */
  t: number;
}

export function initFilter(box: Box, t: number): FilterState {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  const r = (MEASURE_STD * h) ** 2;
  const pv = (VELOCITY_STD0 * h) ** 2;
  return {
    cx: { x: (box[0] + box[2]) / 2, v: 0, p00: r, p01: 0, p11: pv },
    cy: { x: (box[1] + box[3]) / 2, v: 0, p00: r, p01: 0, p11: pv },
    w,
    h,
    t,
  };
}

/** The box expected at tracker time t (ms), from the last measurement on. */
export function predictBox(f: FilterState, t: number): Box {
  const dt = Math.max(0, t - f.t) / 1000;
  const cx = f.cx.x + f.cx.v * dt;
  const cy = f.cy.x + f.cy.v * dt;
  return [cx - f.w / 2, cy - f.h / 2, cx + f.w / 2, cy + f.h / 2];
}

/** Predicts to the measurement's time t (ms) and corrects with the detected box. */
export function updateFilter(f: FilterState, box: Box, t: number): void {
  const dt = Math.max(0, t - f.t) / 1000;
  const h = box[3] - box[1];
  const q = (ACCEL_STD * Math.max(h, f.h)) ** 2;
  const r = (MEASURE_STD * h) ** 2;
  const vmax = MAX_SPEED * Math.max(h, f.h);
  stepAxis(f.cx, (box[0] + box[2]) / 2, dt, q, r, vmax);
  stepAxis(f.cy, (box[1] + box[3]) / 2, dt, q, r, vmax);
  f.w += SIZE_GAIN * (box[2] - box[0] - f.w);
  f.h += SIZE_GAIN * (h - f.h);
  f.t = t;
}

/**
 * After a gap in the detections: restart at the new box, with the velocity
 * the object actually covered since its last observation (OC-SORT's
 * observation-centric re-update, in its simplest form) instead of what the
 * filter extrapolated in the dark.
 */
export function reanchorFilter(f: FilterState, box: Box, t: number): void {
  const dt = (t - f.t) / 1000;
  const fresh = initFilter(box, t);
  if (dt > 0) {
    const vmax = MAX_SPEED * fresh.h;
    fresh.cx.v = clamp((fresh.cx.x - f.cx.x) / dt, vmax);
    fresh.cy.v = clamp((fresh.cy.x - f.cy.x) / dt, vmax);
    fresh.cx.p11 = fresh.cy.p11 = (0.5 * VELOCITY_STD0 * fresh.h) ** 2;
  }
  f.cx = fresh.cx;
  f.cy = fresh.cy;
  f.w = fresh.w;
  f.h = fresh.h;
  f.t = t;
}

/** Stops the motion (a stationary object): predictions stay where it is. */
export function stopFilter(f: FilterState): void {
  f.cx.v = 0;
  f.cy.v = 0;
}

function stepAxis(a: Axis, z: number, dt: number, q: number, r: number, vmax: number): void {
  // Predict: x += v dt; P = F P F' + Q (continuous white-noise acceleration).
  const x = a.x + a.v * dt;
  const p00 = a.p00 + 2 * dt * a.p01 + dt * dt * a.p11 + (q * dt ** 3) / 3;
  const p01 = a.p01 + dt * a.p11 + (q * dt ** 2) / 2;
  const p11 = a.p11 + q * dt;
  // Correct with the measured position.
  const s = p00 + r;
  const k0 = p00 / s;
  const k1 = p01 / s;
  const y = z - x;
  a.x = x + k0 * y;
  a.v = clamp(a.v + k1 * y, vmax);
  a.p00 = (1 - k0) * p00;
  a.p01 = (1 - k0) * p01;
  a.p11 = p11 - k1 * p01;
}

function clamp(v: number, max: number): number {
  return v > max ? max : v < -max ? -max : v;
}
