import type { Box, Detection } from '../../../src/detector/detections.js';
import type { TrackerOutput } from '../../../src/tracker/tracker.js';

/** Capture time of the first frame in every script. */
export const T0 = 1_700_000_000_000;

const SOURCE = { width: 1000, height: 500 };
const CLASS_IDS: Record<string, number> = { person: 0, car: 2, dog: 16 };

/** A detection as the detection stage hands it over (box_norm from a 1000x500 source). */
export function det(label: string, box: Box, score = 0.9): Detection {
  return {
    label,
    class_id: CLASS_IDS[label] ?? 99,
    score,
    box,
    box_norm: [box[0] / SOURCE.width, box[1] / SOURCE.height, box[2] / SOURCE.width, box[3] / SOURCE.height],
  };
}

/** A box `w` x `h` with its top-left corner at x, y. */
export function boxAt(x: number, y: number, w = 40, h = 80): Box {
  return [x, y, x + w, y + h];
}

/** Events of one output as "type id" strings, in order. */
export function events(out: TrackerOutput): string[] {
  return out.events.map((e) => `${e.type} ${e.track.id}`);
}
