/**
 * Zones and masks drawn over a picture, so a user can check a polygon on a
 * real frame before relying on it (`lookout detect --annotate --camera NAME`).
 * The geometry does not move, so the overlay is set once per picture size as
 * one SVG (translucent fills, outlines, names in DejaVu Sans), rasterised by
 * sharp (librsvg), and then blended into each frame.
 */
import sharp from 'sharp';
import type { CameraConfig } from '../config/index.js';
import { drawingSizes } from '../snapshot/draw.js';
import { maskPolygons, type Polygon } from './polygon.js';

export interface DrawnShape {
  kind: 'zone' | 'object mask' | 'motion mask';
  /** Shown beside the shape: the zone's name, or the mask's kind. */
  name: string;
  polygon: Polygon;
}

/** An RGBA picture to blend over frames of its size. */
export interface Overlay {
  width: number;
  height: number;
  rgba: Buffer;
}

// Zones get colours unlike the box palette's reds and greens; masks are dark red (objects) and gray (motion).
const ZONE_COLOURS = ['#00e5ff', '#ffea00', '#ff40ff', '#7c4dff', '#ffffff'];
const MASK_COLOURS: Record<Exclude<DrawnShape['kind'], 'zone'>, string> = { 'object mask': '#b00020', 'motion mask': '#808080' };

/** A camera's zones, object masks (detect.mask) and motion masks, in drawing order (masks under zones). */
export function cameraGeometry(camera: Pick<CameraConfig, 'zones' | 'detect' | 'motion'>): DrawnShape[] {
  return [
    ...maskPolygons(camera.motion.mask).map((polygon) => ({ kind: 'motion mask' as const, name: 'motion mask', polygon })),
    ...camera.detect.mask.map((polygon) => ({ kind: 'object mask' as const, name: 'object mask', polygon })),
    ...Object.entries(camera.zones).map(([name, z]) => ({ kind: 'zone' as const, name, polygon: z.polygon })),
  ];
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** The overlay's SVG, for a width x height picture (exported for tests). */
export function overlaySvg(width: number, height: number, shapes: readonly DrawnShape[]): string {
  const { font, stroke } = drawingSizes(height);
  let zone = 0;
  const parts = shapes.map((shape) => {
    const colour = shape.kind === 'zone' ? ZONE_COLOURS[zone++ % ZONE_COLOURS.length]! : MASK_COLOURS[shape.kind];
    const points = shape.polygon.map(([x, y]) => `${(x * width).toFixed(1)},${(y * height).toFixed(1)}`).join(' ');
    // The name at the polygon's topmost point (leftmost of those), kept inside the picture.
    const top = [...shape.polygon].sort((a, b) => a[1] - b[1] || a[0] - b[0])[0]!;
    const tx = Math.min(Math.max(2, top[0] * width + 4), Math.max(2, width - shape.name.length * font * 0.62));
    const ty = Math.min(Math.max(font + 2, top[1] * height + font + 2), height - 4);
    const dash = shape.kind === 'zone' ? '' : ` stroke-dasharray="${stroke * 3},${stroke * 2}"`;
    return (
      `<polygon points="${points}" fill="${colour}" fill-opacity="${shape.kind === 'zone' ? 0.22 : 0.4}" stroke="${colour}" stroke-width="${stroke}"${dash}/>` +
      `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" font-family="DejaVu Sans, sans-serif" font-size="${font}" font-weight="bold" fill="${colour}" stroke="#000" stroke-width="${Math.max(1, Math.round(stroke / 2))}" paint-order="stroke">${escapeXml(shape.name)}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Rasterises the shapes once for pictures of this size. */
export async function renderOverlay(width: number, height: number, shapes: readonly DrawnShape[]): Promise<Overlay> {
  const rgba = await sharp(Buffer.from(overlaySvg(width, height, shapes))).ensureAlpha().raw().toBuffer();
  return { width, height, rgba };
}

/** Overlays already set, per shape list and picture size (snapshots come at a few sizes, frame after frame). */
const OVERLAYS = new WeakMap<readonly DrawnShape[], Map<string, Promise<Overlay>>>();

/** renderOverlay, set once per shape list and size. */
export function overlayFor(width: number, height: number, shapes: readonly DrawnShape[]): Promise<Overlay> {
  let sizes = OVERLAYS.get(shapes);
  if (!sizes) OVERLAYS.set(shapes, (sizes = new Map()));
  const key = `${width}x${height}`;
  let overlay = sizes.get(key);
  if (!overlay) {
    overlay = renderOverlay(width, height, shapes);
    sizes.set(key, overlay);
    if (sizes.size > 4) sizes.delete(sizes.keys().next().value!);
  }
  return overlay;
}

/** Blends the overlay into an rgb24 picture of its size, in place. */
export function blendOverlay(rgb: Buffer, overlay: Overlay): void {
  const { rgba } = overlay;
  const pixels = overlay.width * overlay.height;
  if (rgb.length !== pixels * 3) throw new RangeError(`overlay is ${overlay.width}x${overlay.height}, the picture has ${rgb.length / 3} pixels`);
  for (let i = 0; i < pixels; i++) {
    const a = rgba[i * 4 + 3]!;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) {
      const at = i * 3 + c;
      rgb[at] = Math.round((rgba[i * 4 + c]! * a + rgb[at]! * (255 - a)) / 255);
    }
  }
}
