/**
 * What a camera file asks of the model's labels, checked once the model is
 * loaded: at start (a problem stops lookout with exit 78) and when a reload
 * starts a camera (a problem puts only that camera in error). `lookout
 * check-config` runs the zone part against the labels the model declares.
 */
import type { CameraConfig } from '../config/index.js';
import { RESERVED_CAMERA_LEVELS, reservedLabelConflicts } from '../mqtt/topics.js';
import { zoneList, zoneModelProblems } from '../zones/schema.js';

/** Labels spelled like reserved topic levels, and zones that collide with labels or name labels the model lacks. */
export function cameraLabelProblems(file: string, camera: Pick<CameraConfig, 'detect' | 'zones'>, model: { labels: readonly string[]; file: string }): string[] {
  const problems = zoneModelProblems(file, zoneList(camera.zones), camera.detect.labels, model.labels, model.file);
  const conflicts = reservedLabelConflicts(camera.detect.labels.length > 0 ? camera.detect.labels : model.labels);
  if (conflicts.length > 0) {
    problems.push(`${file}: detect.labels: ${conflicts.map((l) => `'${l}'`).join(', ')} would collide with the reserved topics ${RESERVED_CAMERA_LEVELS.join(', ')}; list the labels to report without it`);
  }
  return problems;
}
