/**
 * Maps decoded boxes from model-input pixels back through the letterbox that
 * ffmpeg applied (scale to fit, then centered gray padding) to source pixels.
 */
import type { Letterbox } from '../ingest/letterbox.js';
import type { InputBox } from './yolo-decode.js';

/**
 * Only the integer sizes and pads of ingest's Letterbox are used: the scale is
 * recomputed as srcWidth/scaledWidth, exactly what ffmpeg's scale filter did,
 * rather than trusting a rounded float.
 */
export type LetterboxGeometry = Pick<
  Letterbox,
  'srcWidth' | 'srcHeight' | 'dstWidth' | 'dstHeight' | 'scaledWidth' | 'scaledHeight' | 'padX' | 'padY'
>;

export type Box = [x1: number, y1: number, x2: number, y2: number];

export interface Detection {
  label: string;
  class_id: number;
  score: number;
  /** Source pixels, clipped to the source frame. */
  box: Box;
  /** box as fractions 0..1 of the source width/height. */
  box_norm: Box;
}

const clip = (v: number, max: number) => (v < 0 ? 0 : v > max ? max : v);

/** Model-input pixel box -> source pixel box, clipped to the source. */
export function mapBoxToSource(lb: LetterboxGeometry, x1: number, y1: number, x2: number, y2: number): Box {
  const fx = lb.srcWidth / lb.scaledWidth;
  const fy = lb.srcHeight / lb.scaledHeight;
  return [
    clip((x1 - lb.padX) * fx, lb.srcWidth),
    clip((y1 - lb.padY) * fy, lb.srcHeight),
    clip((x2 - lb.padX) * fx, lb.srcWidth),
    clip((y2 - lb.padY) * fy, lb.srcHeight),
  ];
}

/** Identity letterbox, for frames that were not letterboxed. */
export function identityLetterbox(width: number, height: number): LetterboxGeometry {
  return { srcWidth: width, srcHeight: height, dstWidth: width, dstHeight: height, scaledWidth: width, scaledHeight: height, padX: 0, padY: 0 };
}

export function toDetections(boxes: InputBox[], labels: readonly string[], lb: LetterboxGeometry): Detection[] {
  return boxes.map((b) => {
    const box = mapBoxToSource(lb, b.x1, b.y1, b.x2, b.y2);
    return {
      label: labels[b.classId] ?? `class_${b.classId}`,
      class_id: b.classId,
      score: b.score,
      box,
      box_norm: [box[0] / lb.srcWidth, box[1] / lb.srcHeight, box[2] / lb.srcWidth, box[3] / lb.srcHeight],
    };
  });
}
