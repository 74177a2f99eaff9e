/**
 * Plane geometry in normalised picture coordinates (0..1 of the source
 * width and height, y down), shared by zones, object masks and motion masks.
 */

export type Point = readonly [number, number];
/** Three or more points in order (either winding); the last joins the first. */
export type Polygon = readonly Point[];
/** [x1, y1, x2, y2]: motion.mask's older rectangle form. */
export type Rect = readonly [number, number, number, number];
/** What a mask list may hold: polygons, or rectangles (motion.mask's older form). */
export type MaskShape = Polygon | Rect;

/** Whether (x, y) lies inside the polygon (even-odd rule; a point on an edge may go either way). */
export function pointInPolygon(x: number, y: number, polygon: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Where an object stands: the middle of its normalised box's bottom edge.
 * `box` is [x1, y1, x2, y2] in 0..1. A box cut off by the picture's edge
 * stands just inside it, so a polygon drawn to the edge (y = 1) contains it.
 */
export function bottomCentre(box: readonly [number, number, number, number]): Point {
  const inside = (v: number) => Math.min(Math.max(v, EDGE), 1 - EDGE);
  return [inside((box[0] + box[2]) / 2), inside(box[3])];
}

/** How far inside the picture a point on its edge is taken to be. */
const EDGE = 1e-6;

export function rectPolygon([x1, y1, x2, y2]: Rect): Polygon {
  return [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
}

export function isRect(shape: MaskShape): shape is Rect {
  return shape.length === 4 && shape.every((v) => typeof v === 'number');
}

/** Every shape as a polygon. */
export function maskPolygons(shapes: readonly MaskShape[]): Polygon[] {
  return shapes.map((s) => (isRect(s) ? rectPolygon(s) : (s as Polygon)));
}

/** Whether the point lies in any of the polygons. */
export function inAny(x: number, y: number, polygons: readonly Polygon[]): boolean {
  return polygons.some((p) => pointInPolygon(x, y, p));
}

/** Twice the signed area (shoelace); 0 for a degenerate polygon. */
export function area(polygon: Polygon): number {
  let sum = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) sum += polygon[j]![0] * polygon[i]![1] - polygon[i]![0] * polygon[j]![1];
  return Math.abs(sum) / 2;
}

/**
 * Why `value` is not a polygon in 0..1 (null when it is): at least 3 [x, y]
 * points, finite coordinates from 0 to 1, and a non-zero area.
 */
export function polygonProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return `must be an array of [x, y] points, got ${describe(value)}`;
  if (value.length < 3) return `needs at least 3 [x, y] points, got ${value.length}`;
  for (const [i, p] of value.entries()) {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      return `point ${i} must be [x, y] with two numbers, got ${JSON.stringify(p) ?? describe(p)}`;
    }
    if (!p.every((n) => n >= 0 && n <= 1)) return `point ${i} is ${JSON.stringify(p)}; coordinates must be from 0 to 1 (fractions of the picture width and height)`;
  }
  if (area(value as Polygon) < 1e-9) return 'has no area (its points lie on one line)';
  return null;
}

/** Why `value` is not a rectangle [x1, y1, x2, y2] in 0..1 with x1 < x2, y1 < y2 (null when it is). */
export function rectProblem(value: unknown): string | null {
  const ok =
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1) &&
    value[0] < value[2] &&
    value[1] < value[3];
  return ok ? null : `${JSON.stringify(value) ?? describe(value)} is not a rectangle [x1, y1, x2, y2] with 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}
