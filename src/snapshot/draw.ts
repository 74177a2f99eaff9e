/**
 * The one drawing of detections lookout has, used by snapshots, the live page
 * and `lookout detect --annotate`: a box per object in its label's colour,
 * with a filled tag above it (inside the box's top when there is no room)
 * reading "label 87%". sharp (libvips) decodes and encodes; outlines are
 * drawn in memory and the tags' text is set by librsvg in the system's DejaVu
 * Sans. Sizes follow the picture height, so text stays legible from 320 to
 * 1080 lines and more.
 */
import sharp from 'sharp';
import type { Box } from '../detector/detections.js';
import { blendOverlay, overlayFor, type DrawnShape } from '../geometry/overlay.js';

/** One object to draw, its box in the coordinates of `space` (source pixels). */
export interface DrawnObject {
  label: string;
  class_id: number;
  score: number;
  box: Box;
}

// Distinct, saturated colours; class_id picks one.
const PALETTE = ['#ff3838', '#48f90a', '#00c2ff', '#ffb21d', '#cfd231', '#92cc17', '#3ddb86', '#1a9334', '#00d4bb', '#2c99a8'];

export function colourOf(classId: number): string {
  return PALETTE[((classId % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** Sizes that follow the picture height: 576 lines -> 15 px bold text, legible on a phone and a monitor. */
export function drawingSizes(height: number): { font: number; stroke: number; tagHeight: number } {
  const font = Math.max(11, Math.round(Math.max(height, 240) / 38));
  return { font, stroke: Math.max(2, Math.round(font / 7)), tagHeight: Math.round(font * 1.35) };
}

/** Maps boxes from their space (source pixels, maybe offset by a crop) to the picture's pixels. */
export interface Space {
  width: number;
  height: number;
  offsetX?: number;
  offsetY?: number;
}

interface Placed {
  object: DrawnObject;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  text: string;
  colour: [number, number, number];
  tagWidth: number;
}

function hex(colour: string): [number, number, number] {
  const n = Number.parseInt(colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Draws into an rgb24 buffer in place: box outlines pixel by pixel, and every
 * tag from one SVG (the tags stacked, rasterised by librsvg in one go) copied
 * above its box. Much cheaper than compositing a picture-sized overlay.
 */
export async function drawInto(rgb: Buffer, width: number, height: number, objects: readonly DrawnObject[], space: Space = { width, height }): Promise<void> {
  if (objects.length === 0) return;
  const { font, stroke, tagHeight } = drawingSizes(height);
  const sx = width / space.width;
  const sy = height / space.height;
  const placed: Placed[] = objects.map((object) => {
    const text = `${object.label} ${Math.round(object.score * 100)}%`;
    return {
      object,
      x1: Math.round((object.box[0] - (space.offsetX ?? 0)) * sx),
      y1: Math.round((object.box[1] - (space.offsetY ?? 0)) * sy),
      x2: Math.round((object.box[2] - (space.offsetX ?? 0)) * sx),
      y2: Math.round((object.box[3] - (space.offsetY ?? 0)) * sy),
      text,
      colour: hex(colourOf(object.class_id)),
      // DejaVu Sans Bold averages under 0.66 em per character.
      tagWidth: Math.min(width, Math.ceil(text.length * font * 0.66 + font * 0.6)),
    };
  });
  for (const p of placed) outline(rgb, width, height, p, stroke);
  const tags = await tagImages(placed, font, tagHeight);
  placed.forEach((p, i) => {
    const tag = tags[i]!;
    const left = Math.min(Math.max(0, p.x1), Math.max(0, width - tag.width));
    const top = p.y1 - tagHeight >= 0 ? p.y1 - tagHeight : Math.min(height - tagHeight, Math.max(0, p.y1));
    const copyWidth = Math.min(tag.width, width - left);
    for (let row = 0; row < tagHeight && top + row < height; row++) {
      if (top + row < 0) continue;
      const from = row * tag.width * 3;
      tag.rgb.copy(rgb, ((top + row) * width + left) * 3, from, from + copyWidth * 3);
    }
  });
}

interface TagImage {
  width: number;
  rgb: Buffer;
}

/**
 * Rendered tags by font size, colour and text. Setting text is the costly
 * part of drawing (librsvg and pango: about 0.5 ms a tag), and the same
 * "person 87%" comes back frame after frame; 512 tags of about 8 KB each at
 * most.
 */
const TAG_CACHE = new Map<string, TagImage>();
const TAG_CACHE_MAX = 512;

/** Each placed object's tag image; the ones not cached are set in one SVG, stacked, and cut apart. */
async function tagImages(placed: readonly Placed[], font: number, tagHeight: number): Promise<TagImage[]> {
  const key = (p: Placed) => `${font}|${p.object.class_id}|${p.text}`;
  // This call's tags, kept here too: with more distinct tags than the cache holds, some are evicted on the way.
  const local = new Map<string, TagImage>();
  for (const p of placed) {
    const cached = TAG_CACHE.get(key(p));
    if (!cached) continue;
    local.set(key(p), cached);
    // Most recently used last, so the oldest unused tag is the one dropped.
    TAG_CACHE.delete(key(p));
    TAG_CACHE.set(key(p), cached);
  }
  const missing = [...new Map(placed.filter((p) => !local.has(key(p))).map((p) => [key(p), p])).values()];
  if (missing.length > 0) {
    const sheetWidth = Math.max(...missing.map((p) => p.tagWidth));
    const rows = missing.map((p, i) =>
      `<rect x="0" y="${i * tagHeight}" width="${sheetWidth}" height="${tagHeight}" fill="${colourOf(p.object.class_id)}"/>` +
      `<text x="${Math.round(font * 0.3)}" y="${i * tagHeight + tagHeight - Math.round(font * 0.32)}" font-family="DejaVu Sans, sans-serif" font-size="${font}" font-weight="bold" fill="#000">${escapeXml(p.text)}</text>`);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${sheetWidth}" height="${missing.length * tagHeight}">${rows.join('')}</svg>`;
    const sheet = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
    missing.forEach((p, i) => {
      const rgb = Buffer.alloc(p.tagWidth * tagHeight * 3);
      for (let row = 0; row < tagHeight; row++) {
        const from = ((i * tagHeight + row) * sheetWidth) * 3;
        sheet.copy(rgb, row * p.tagWidth * 3, from, from + p.tagWidth * 3);
      }
      local.set(key(p), { width: p.tagWidth, rgb });
      TAG_CACHE.set(key(p), { width: p.tagWidth, rgb });
      if (TAG_CACHE.size > TAG_CACHE_MAX) TAG_CACHE.delete(TAG_CACHE.keys().next().value!);
    });
  }
  return placed.map((p) => local.get(key(p))!);
}

/**
 * libvips keeps a cache of recent operations (up to 50 MB by default) for
 * programs that repeat them; every snapshot is a new picture, so for lookout
 * it is only memory held. The daemon turns it off once, when it sets up
 * snapshots.
 */
export function useNoOperationCache(): void {
  sharp.cache(false);
}

/** Empties the tag cache (benchmarks measure drawing with and without it). */
export function clearTagCache(): void {
  TAG_CACHE.clear();
}

function outline(rgb: Buffer, width: number, height: number, p: Placed, stroke: number): void {
  const x1 = Math.max(0, Math.min(width, p.x1));
  const x2 = Math.max(0, Math.min(width, p.x2));
  const y1 = Math.max(0, Math.min(height, p.y1));
  const y2 = Math.max(0, Math.min(height, p.y2));
  if (x2 <= x1 || y2 <= y1) return;
  const [r, g, b] = p.colour;
  const fill = (xa: number, ya: number, xb: number, yb: number) => {
    for (let y = Math.max(ya, y1); y < Math.min(yb, y2); y++) {
      for (let x = Math.max(xa, x1); x < Math.min(xb, x2); x++) {
        const at = (y * width + x) * 3;
        rgb[at] = r;
        rgb[at + 1] = g;
        rgb[at + 2] = b;
      }
    }
  };
  fill(x1, y1, x2, y1 + stroke);
  fill(x1, y2 - stroke, x2, y2);
  fill(x1, y1, x1 + stroke, y2);
  fill(x2 - stroke, y1, x2, y2);
}

export interface RenderOptions {
  /** Objects to draw; empty = the clean picture. */
  objects: readonly DrawnObject[];
  /** The coordinate space of the boxes: the source size the detector reported them in. */
  space: { width: number; height: number };
  /** Cut out this region (in box coordinates) before drawing. */
  crop?: Box | null;
  /** Resize to this height (width follows); 0/undefined = as is. */
  height?: number;
  quality?: number;
  /** A camera's zones and masks, drawn under the objects (whole pictures only, not crops). */
  geometry?: readonly DrawnShape[];
}

/**
 * A JPEG (a snapshot's picture, any size) with the objects drawn on it, as a
 * new JPEG: one decode (cropped and resized on the way), drawing in memory,
 * one encode.
 */
export async function renderJpeg(jpeg: Buffer, options: RenderOptions): Promise<Buffer> {
  let image = sharp(jpeg, { failOn: 'none' });
  const meta = await image.metadata();
  // The picture may be smaller than the source (snapshot.height): boxes scale with it.
  const px = meta.width / options.space.width;
  const py = meta.height / options.space.height;
  let space: Space = { width: options.space.width, height: options.space.height };
  if (options.crop) {
    const left = clamp(Math.floor(options.crop[0] * px), 0, meta.width - 1);
    const top = clamp(Math.floor(options.crop[1] * py), 0, meta.height - 1);
    const right = clamp(Math.ceil(options.crop[2] * px), left + 1, meta.width);
    const bottom = clamp(Math.ceil(options.crop[3] * py), top + 1, meta.height);
    image = image.extract({ left, top, width: right - left, height: bottom - top });
    space = { width: (right - left) / px, height: (bottom - top) / py, offsetX: left / px, offsetY: top / py };
  }
  if (options.height) image = image.resize({ height: options.height });
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (options.geometry?.length && !options.crop) blendOverlay(data, await overlayFor(info.width, info.height, options.geometry));
  await drawInto(data, info.width, info.height, options.objects, space);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: options.quality ?? 80, optimiseCoding: false }).toBuffer();
}

/** Draws onto a copy of an rgb24 frame (lookout detect --annotate). */
export async function drawOnRgb(rgb: Buffer, width: number, height: number, objects: readonly DrawnObject[]): Promise<Buffer> {
  const copy = Buffer.from(rgb);
  await drawInto(copy, width, height, objects);
  return copy;
}

/** The region a cropped snapshot shows: the box grown by half its size each way (at least 32 px), kept inside the picture. */
export function cropAround(box: Box, space: { width: number; height: number }): Box {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  const mx = Math.max(32, w / 2);
  const my = Math.max(32, h / 2);
  return [clamp(box[0] - mx, 0, space.width), clamp(box[1] - my, 0, space.height), clamp(box[2] + mx, 0, space.width), clamp(box[3] + my, 0, space.height)];
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
