/**
 * The bench's plots: the Vega-Lite spec built from the series, the SVG Vega
 * renders from it (real text for titles, ticks, legends and markers), and the
 * PNG sharp rasterises from that.
 */
import test from 'ava';
import sharp from 'sharp';
import { linePlot, PALETTE, plotSpec, plotSvg, type PlotOptions } from '../../../bench/lib/plot.js';

const OPTIONS: PlotOptions = {
  title: 'lookout bench hog (2 cameras)',
  xLabel: 'seconds',
  markers: [{ x: 20, label: 'hog on' }, { x: 60, label: 'hog off' }],
  panels: [
    {
      title: 'CPU %',
      yMax: 100,
      series: [
        { name: 'system cpu %', color: PALETTE[1]!, points: [[0, 40], [20, 90], [60, 120], [90, 50]] },
        { name: 'cpu target', color: PALETTE[7]!, dashed: true, points: [[0, 75], [90, 75]] },
      ],
    },
    {
      title: 'inferred fps per camera',
      series: [{ name: 'cam1 inferred (3 s)', color: PALETTE[2]!, points: [[0, null], [1, 2.5], [30, 1.7], [90, 2.5]] }],
    },
  ],
};

/** The text content of every <text> element of an SVG. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&#37;|&percnt;/g, '%'));
}

test('spec: one panel per PlotPanel on a shared x range, explicit colours, dashes for targets, the y maximum clamps', (t) => {
  const spec = plotSpec(OPTIONS) as unknown as { vconcat: Array<{ layer: Array<{ mark: { type: string }; encoding: Record<string, { scale?: unknown }> }> }> };
  t.is(spec.vconcat.length, 2, 'two panels');
  const [cpu, fps] = spec.vconcat;
  t.deepEqual(cpu!.layer.map((l) => l.mark.type), ['line', 'rule', 'text'], 'lines, then the marker rules and their labels');
  t.deepEqual(cpu!.layer[0]!.encoding.x!.scale, { domain: [0, 90], nice: false }, 'x from 0 to the last point');
  t.deepEqual(cpu!.layer[0]!.encoding.y!.scale, { domain: [0, 100], clamp: true }, 'yMax fixes the y range and clips 120');
  t.deepEqual(cpu!.layer[0]!.encoding.color!.scale, { domain: ['system cpu %', 'cpu target'], range: [PALETTE[1], PALETTE[7]] }, 'each series its own colour');
  t.deepEqual(cpu!.layer[0]!.encoding.strokeDash!.scale, { domain: ['system cpu %', 'cpu target'], range: [[1, 0], [6, 4]] }, 'the target dashed');
  t.deepEqual(fps!.layer[0]!.encoding.y!.scale, { zero: true }, 'no yMax: the range follows the data from 0');
  const noMarkers = plotSpec({ ...OPTIONS, markers: [] }) as unknown as { vconcat: Array<{ layer: unknown[] }> };
  t.is(noMarkers.vconcat[0]!.layer.length, 1, 'no markers: only the lines');
});

test('SVG: the title, axis titles, tick labels, legend entries and marker labels are text', async (t) => {
  const svg = await plotSvg(OPTIONS);
  const all = texts(svg);
  for (const expected of ['lookout bench hog (2 cameras)', 'seconds', 'CPU %', 'inferred fps per camera', '100', '0', 'system cpu %', 'cpu target', 'cam1 inferred (3 s)', 'hog on', 'hog off']) {
    t.true(all.includes(expected), `"${expected}" is drawn as text`);
  }
  t.regex(svg, /stroke-dasharray="6,4"/, 'a dashed line is drawn');
});

test('PNG: twice the SVG size by default', async (t) => {
  const svg = await plotSvg(OPTIONS);
  const [, w, h] = /<svg[^>]*width="(\d+)"[^>]*height="(\d+)"/.exec(svg) ?? [];
  const png = await linePlot(OPTIONS);
  t.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  const meta = await sharp(png).metadata();
  t.deepEqual([meta.width, meta.height], [Number(w) * 2, Number(h) * 2], 'scale 2');
});

test('a proportional system font reaches the rasteriser (without one, every glyph is the same box)', async (t) => {
  const width = async (text: string) => (await sharp({ text: { text, font: 'DejaVu Sans', dpi: 144 } }).png().toBuffer({ resolveWithObject: true })).info.width;
  const narrow = await width('iiiiiiiiii');
  const wide = await width('WWWWWWWWWW');
  t.true(wide > 2 * narrow, `"W" is more than twice as wide as "i" (${wide} px against ${narrow} px for ten of each): install fonts-dejavu-core`);
});
