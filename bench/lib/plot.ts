/**
 * The bench's plots: stacked line panels that share one time axis, with
 * vertical markers (hog on / off). Vega-Lite describes the chart, Vega renders
 * it to SVG without a browser or canvas, and sharp (libvips + librsvg)
 * rasterises the SVG to PNG, so plots get real axes, ticks, legends and text.
 * Text needs a system font: Debian's fonts-dejavu-core, which the pre-script
 * installs for `npm test`.
 */
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface PlotSeries {
  name: string;
  /** A CSS colour, e.g. one of PALETTE. */
  color: string;
  points: Array<[number, number | null]>;
  /** Drawn dashed (a target next to the measured line of the same colour). */
  dashed?: boolean;
}

export interface PlotPanel {
  title: string;
  series: PlotSeries[];
  /** Upper end of the y axis; values above it are clipped. Default: from the data. */
  yMax?: number;
}

export interface PlotOptions {
  title: string;
  panels: PlotPanel[];
  xLabel: string;
  /** Vertical markers, e.g. hog on / off, drawn across every panel. */
  markers?: Array<{ x: number; label: string }>;
  /** Width of the plotting area of each panel, in px (default 720). */
  width?: number;
  /** Height of the plotting area of each panel, in px (default 200). */
  panelHeight?: number;
  /** PNG pixels per SVG pixel (default 2). */
  scale?: number;
}

/** Vega's Tableau 10 colours. */
export const PALETTE: string[] = ['#4c78a8', '#e45756', '#54a24b', '#b279a2', '#f58518', '#9d755d', '#72b7b2', '#79706e', '#eeca3b', '#ff9da6'];

const SOLID: number[] = [1, 0];
const DASHED: number[] = [6, 4];

/** The Vega-Lite spec of the plot: one layered panel per PlotPanel (its title on the y axis), stacked, x from 0 to the last point. */
export function plotSpec(o: PlotOptions): TopLevelSpec {
  const width = o.width ?? 720;
  const height = o.panelHeight ?? 200;
  const xs = o.panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xMax = Math.max(1, ...xs);
  const markers = o.markers ?? [];
  const panels = o.panels.map((panel) => {
    const values = panel.series.flatMap((s) => s.points.map(([x, y]) => ({ series: s.name, x, y })));
    const names = panel.series.map((s) => s.name);
    const layers: object[] = [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2, clip: true, invalid: 'break-paths-show-domains' },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: o.xLabel, scale: { domain: [0, xMax], nice: false } },
          y: {
            field: 'y',
            type: 'quantitative',
            title: panel.title,
            scale: panel.yMax === undefined ? { zero: true } : { domain: [0, panel.yMax], clamp: true },
          },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: names, range: panel.series.map((s) => s.color) },
            legend: { orient: 'right', labelLimit: 260, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 500 },
          },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: names, range: panel.series.map((s) => (s.dashed ? DASHED : SOLID)) },
          },
        },
      },
    ];
    if (markers.length > 0) {
      layers.push(
        { data: { values: markers }, mark: { type: 'rule', color: '#666', strokeDash: [4, 4] }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        {
          data: { values: markers },
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, color: '#444', fontSize: 11 },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
        },
      );
    }
    return { width, height, layer: layers, resolve: { scale: { color: 'independent', strokeDash: 'independent' } } };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: o.title, fontSize: 16, anchor: 'start' },
    background: 'white',
    padding: 12,
    config: { font: 'DejaVu Sans, sans-serif', view: { stroke: '#ccc' }, axis: { grid: true, gridColor: '#e6e6e6' } },
    vconcat: panels,
    spacing: 28,
    resolve: { scale: { color: 'independent', strokeDash: 'independent', y: 'independent' }, legend: { color: 'independent', strokeDash: 'independent' } },
  } as TopLevelSpec;
}

/** The plot as an SVG document. */
export async function plotSvg(o: PlotOptions): Promise<string> {
  const view = new vega.View(vega.parse(compile(plotSpec(o)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The plot as a PNG. */
export async function linePlot(o: PlotOptions): Promise<Buffer> {
  const svg = await plotSvg(o);
  return sharp(Buffer.from(svg), { density: 72 * (o.scale ?? 2) }).png().toBuffer();
}
