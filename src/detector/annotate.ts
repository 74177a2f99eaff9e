/**
 * `lookout detect --annotate`: draws boxes straight into rgb24 frames at source
 * size and re-encodes them with ffmpeg, so no image library is needed.
 */
import path from 'node:path';
import type { Box } from './detections.js';
import { decodeFrames, startEncoder, type MediaInfo } from './media.js';

// Distinct, saturated colours; class_id picks one.
const PALETTE: Array<[number, number, number]> = [
  [255, 56, 56], [72, 249, 10], [0, 194, 255], [255, 178, 29], [207, 210, 49],
  [146, 204, 23], [61, 219, 134], [26, 147, 52], [0, 212, 187], [44, 153, 168],
];

/** Draws a `thickness`-pixel rectangle outline, clipped to the frame. */
export function drawBox(rgb: Buffer, width: number, height: number, box: Box, classId: number, thickness = 2): void {
  const [r, g, b] = PALETTE[classId % PALETTE.length]!;
  const x1 = Math.max(0, Math.round(box[0]));
  const y1 = Math.max(0, Math.round(box[1]));
  const x2 = Math.min(width, Math.round(box[2])); // exclusive
  const y2 = Math.min(height, Math.round(box[3]));
  if (x2 <= x1 || y2 <= y1) return;
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
  fill(x1, y1, x2, y1 + thickness); // top
  fill(x1, y2 - thickness, x2, y2); // bottom
  fill(x1, y1, x1 + thickness, y2); // left
  fill(x2 - thickness, y1, x2, y2); // right
}

export interface FrameBoxes {
  box: Box;
  class_id: number;
}

/**
 * Writes OUTDIR/<basename> with each frame's boxes drawn. `boxesPerFrame[i]`
 * holds frame i's detections, from the detection pass over the same file.
 */
export async function annotateFile(file: string, info: MediaInfo, boxesPerFrame: FrameBoxes[][], outDir: string): Promise<string> {
  const outFile = path.join(outDir, path.basename(file));
  if (path.resolve(outFile) === path.resolve(file)) throw new Error(`${file}: --annotate would overwrite the input; pick another directory`);
  const encoder = startEncoder(outFile, info.width, info.height, info.rate);
  try {
    let index = 0;
    for await (const frame of decodeFrames(file, info.width, info.height, null)) {
      // FrameSplitter may hand out views of ffmpeg's chunk: copy before drawing.
      const copy = Buffer.from(frame);
      for (const d of boxesPerFrame[index] ?? []) drawBox(copy, info.width, info.height, d.box, d.class_id);
      await encoder.write(copy);
      index++;
    }
    await encoder.end();
  } catch (err) {
    await encoder.abort();
    throw err;
  }
  return outFile;
}
