/**
 * A tiny PNG line-plot renderer: an RGB buffer, lines, a 5x7 bitmap font and
 * a PNG encoder (node:zlib deflate + CRC-32), so the bench needs no native
 * canvas dependency.
 */
import { deflateSync } from 'node:zlib';

export type Rgb = [number, number, number];

/* 5x7 glyphs, one row per number, bit 4 = leftmost column. Lower case draws as upper case. */
const FONT: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14], '2': [14, 17, 1, 2, 4, 8, 31], '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14], '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14], '9': [14, 17, 17, 15, 1, 2, 12],
  A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14], D: [28, 18, 17, 17, 17, 18, 28],
  E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16], G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17], S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
  ' ': [0, 0, 0, 0, 0, 0, 0], '.': [0, 0, 0, 0, 0, 12, 12], ',': [0, 0, 0, 0, 12, 4, 8], ':': [0, 12, 12, 0, 12, 12, 0],
  '-': [0, 0, 0, 31, 0, 0, 0], '+': [0, 4, 4, 31, 4, 4, 0], '%': [24, 25, 2, 4, 8, 19, 3], '/': [0, 1, 2, 4, 8, 16, 0],
  '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8], '=': [0, 0, 31, 0, 31, 0, 0], '_': [0, 0, 0, 0, 0, 0, 31],
  '>': [8, 4, 2, 1, 2, 4, 8], '<': [2, 4, 8, 16, 8, 4, 2], '?': [14, 17, 1, 2, 4, 0, 4],
};

export class Canvas {
  readonly data: Buffer;
  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    this.data = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) this.data.set(background, i * 3);
  }

  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.set(c, (y * this.width + x) * 3);
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j, c);
  }

  /** A line `thick` px wide; `dash` > 0 draws dashes of that many px. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thick = 1, dash = 0): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let s = 0; s <= steps; s++) {
      if (dash > 0 && Math.floor(s / dash) % 2 === 1) continue;
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let d = 0; d < thick; d++) {
        this.set(x, y + d - Math.floor(thick / 2), c);
        this.set(x + d - Math.floor(thick / 2), y, c);
      }
    }
  }

  text(x: number, y: number, text: string, c: Rgb = [0, 0, 0], scale = 1): number {
    for (const ch of text) {
      const glyph = FONT[ch.toUpperCase()] ?? FONT['?']!;
      for (let row = 0; row < 7; row++) {
        for (let col = 0; col < 5; col++) if (glyph[row]! & (16 >> col)) this.rect(x + col * scale, y + row * scale, scale, scale, c);
      }
      x += 6 * scale;
    }
    return x;
  }

  png(): Buffer {
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 3 + 1)] = 0; // filter: none
      this.data.copy(raw, y * (this.width * 3 + 1) + 1, y * this.width * 3, (y + 1) * this.width * 3);
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter method, no interlace
    return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

export interface PlotSeries {
  name: string;
  color: Rgb;
  points: Array<[number, number | null]>;
  dashed?: boolean;
}

export interface PlotPanel {
  title: string;
  series: PlotSeries[];
  /** Upper end of the y axis; default: the data's maximum, rounded up. */
  yMax?: number;
}

export interface PlotOptions {
  title: string;
  panels: PlotPanel[];
  xLabel: string;
  /** Vertical markers, e.g. hog on / off. */
  markers?: Array<{ x: number; label: string }>;
  width?: number;
  panelHeight?: number;
}

const niceCeil = (v: number): number => {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= v) ?? 10) * p;
};

export const PALETTE: Rgb[] = [[31, 119, 180], [214, 39, 40], [44, 160, 44], [148, 103, 189], [255, 127, 14], [140, 86, 75], [23, 190, 207], [127, 127, 127]];

/** Stacked line-plot panels sharing one x axis. */
export function linePlot(o: PlotOptions): Buffer {
  const width = o.width ?? 960;
  const ph = o.panelHeight ?? 220;
  const left = 50;
  const right = 200; // legend column
  const top = 30;
  const gap = 40;
  const height = top + o.panels.length * (ph + gap) + 20;
  const c = new Canvas(width, height);
  c.text(left, 8, o.title, [0, 0, 0], 2);
  const xs = o.panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xMax = niceCeil(Math.max(1, ...xs));
  const plotW = width - left - right;
  o.panels.forEach((panel, i) => {
    const y0 = top + i * (ph + gap) + 16;
    const ys = panel.series.flatMap((s) => s.points.map(([, y]) => y ?? 0));
    const yMax = panel.yMax ?? niceCeil(Math.max(1e-9, ...ys) * 1.05);
    const px = (x: number) => left + (x / xMax) * plotW;
    const py = (y: number) => y0 + ph - (Math.min(y, yMax) / yMax) * ph;
    c.text(left, y0 - 12, panel.title);
    for (let k = 0; k <= 4; k++) {
      const yv = (yMax * k) / 4;
      c.line(left, py(yv), left + plotW, py(yv), [225, 225, 225]);
      c.text(2, py(yv) - 3, String(Math.round(yv * 10) / 10));
    }
    for (let k = 0; k <= 10; k++) {
      const xv = (xMax * k) / 10;
      c.line(px(xv), y0, px(xv), y0 + ph, [235, 235, 235]);
      c.text(px(xv) - 6, y0 + ph + 4, String(Math.round(xv)));
    }
    c.line(left, y0 + ph, left + plotW, y0 + ph, [0, 0, 0]);
    c.line(left, y0, left, y0 + ph, [0, 0, 0]);
    for (const m of o.markers ?? []) {
      c.line(px(m.x), y0, px(m.x), y0 + ph, [120, 120, 120], 1, 4);
      c.text(px(m.x) + 3, y0 + 2, m.label, [90, 90, 90]);
    }
    panel.series.forEach((s, j) => {
      let prev: [number, number] | null = null;
      for (const [x, y] of s.points) {
        if (y === null) {
          prev = null;
          continue;
        }
        const p: [number, number] = [px(x), py(y)];
        if (prev) c.line(prev[0], prev[1], p[0], p[1], s.color, 2, s.dashed ? 5 : 0);
        prev = p;
      }
      const ly = y0 + 4 + j * 12;
      c.line(left + plotW + 10, ly + 3, left + plotW + 28, ly + 3, s.color, 2, s.dashed ? 4 : 0);
      c.text(left + plotW + 32, ly, s.name.slice(0, 26));
    });
  });
  c.text(left + plotW / 2 - 20, height - 12, o.xLabel);
  return c.png();
}
