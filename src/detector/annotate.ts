/**
 * `lookout detect --annotate`: draws each frame's detections (box, label and
 * score, with the same drawing as snapshots and the live page) into rgb24
 * frames at source size and re-encodes them with ffmpeg.
 */
import path from 'node:path';
import { drawOnRgb, type DrawnObject } from '../snapshot/draw.js';
import { blendOverlay, renderOverlay, type DrawnShape } from '../geometry/overlay.js';
import { decodeFrames, startEncoder, type MediaInfo } from './media.js';

/** One detection to draw: its box in source pixels, label and score. */
export type FrameBoxes = DrawnObject;

/**
 * Writes OUTDIR/<basename> with each frame's boxes drawn. `boxesPerFrame[i]`
 * holds frame i's detections, from the detection pass over the same file.
 * `geometry` (a camera's zones and masks) is drawn under the boxes.
 */
export async function annotateFile(file: string, info: MediaInfo, boxesPerFrame: FrameBoxes[][], outDir: string, geometry: readonly DrawnShape[] = []): Promise<string> {
  const outFile = path.join(outDir, path.basename(file));
  if (path.resolve(outFile) === path.resolve(file)) throw new Error(`${file}: --annotate would overwrite the input; pick another directory`);
  const overlay = geometry.length > 0 ? await renderOverlay(info.width, info.height, geometry) : null;
  const encoder = startEncoder(outFile, info.width, info.height, info.rate);
  try {
    let index = 0;
    for await (const decoded of decodeFrames(file, info.width, info.height, null)) {
      // Blended into a copy: FrameSplitter may hand out views of ffmpeg's chunk.
      const frame = overlay ? Buffer.from(decoded) : decoded;
      if (overlay) blendOverlay(frame, overlay);
      // drawOnRgb draws on a copy: FrameSplitter may hand out views of ffmpeg's chunk.
      await encoder.write(await drawOnRgb(frame, info.width, info.height, boxesPerFrame[index] ?? []));
      index++;
    }
    await encoder.end();
  } catch (err) {
    await encoder.abort();
    throw err;
  }
  return outFile;
}
