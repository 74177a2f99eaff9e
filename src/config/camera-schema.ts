/**
 * Schema of one camera file (`<cameras.dir>/<name>.json`). The camera's name
 * is its file name, so it is not a key here.
 */
import {
  bool,
  cameraUrl,
  evenSize,
  maskShapes,
  number,
  polygons,
  scoreOrModel,
  seconds,
  stringArray,
} from './checks.js';
import { leaf, type ConfigOf, type DeepPartial } from './schema.js';
import { trackerSchema } from '../tracker/schema.js';
import { zonesSchema } from '../zones/schema.js';
import type { MaskShape, Point } from '../geometry/polygon.js';

/* Everything but `url`: these keys may also be set in the daemon file's cameras.defaults. */
export const cameraDefaultableSchema = {
  enabled: leaf({
    doc: 'Whether to run this camera. A disabled camera is validated and reported as disabled.',
    check: bool,
    default: true,
  }),
  detect: {
    fps: leaf({
      doc: 'Most frames per second handed to the detector (a cap: slower sources give fewer).',
      check: number({ min: 0, minExclusive: true }),
      default: 5,
    }),
    width: leaf({
      doc: "Width of the frame given to the detector, in pixels; the image is letterboxed into it. 0 = the model's input width.",
      check: evenSize,
      default: 0,
    }),
    height: leaf({
      doc: "Height of the frame given to the detector, in pixels. 0 = the model's input height.",
      check: evenSize,
      default: 0,
    }),
    labels: leaf({
      doc: 'Labels to report, e.g. ["person","car"]; empty = all labels of the model.',
      check: stringArray,
      default: [] as string[],
    }),
    min_score: leaf({
      doc: 'Lowest detection score (0..1) that is reported. "model" = the model\'s own default (min_score in its lookout-model.json; 0.4 when it has none).',
      check: scoreOrModel,
      default: 'model' as number | 'model',
    }),
    min_area: leaf({
      doc: 'Smallest box reported, as a fraction (0..1) of the frame area; 0 = no limit.',
      check: number({ min: 0, max: 1 }),
      default: 0,
    }),
    fps_max: leaf({
      doc: 'Most inferences per second this camera asks the scheduler for while something moves; 0 = detect.fps (it is never more than detect.fps).',
      check: number({ min: 0 }),
      default: 0,
    }),
    fps_min: leaf({
      doc: 'Inferences per second this camera keeps while the CPU budget allows, however loaded the board (never more than the camera wants).',
      check: number({ min: 0 }),
      default: 1,
    }),
    idle_fps: leaf({
      doc: 'Inferences per second while motion gating sees a still scene (a keep-alive); motion raises the rate at once.',
      check: number({ min: 0 }),
      default: 0.2,
    }),
    mask: leaf({
      doc: 'Object masks: polygons of [x, y] points in 0..1 of the picture; a detection whose bottom-centre (where it stands) lies in one is dropped before tracking (a statue, a poster), e.g. [[[0.8, 0.5], [1, 0.5], [1, 1], [0.8, 1]]].',
      check: polygons,
      default: [] as Point[][],
    }),
    priority: leaf({
      doc: "Weight of this camera's share of the inference budget when the CPU is short (2 = twice the share of a camera with 1).",
      check: number({ min: 0, minExclusive: true }),
      default: 1,
    }),
  },
  motion: {
    enabled: leaf({
      doc: 'Motion gating: infer at detect.idle_fps while the picture is still. Off = always ask for detect.fps_max.',
      check: bool,
      default: true,
    }),
    threshold: leaf({
      doc: 'Motion level above which the scene counts as moving: the largest mean absolute difference from the background over 8x8 blocks of a 64-pixel gray thumbnail, in gray levels (0..255).',
      check: number({ min: 0, minExclusive: true, max: 255 }),
      default: 10,
    }),
    mask: leaf({
      doc: 'Areas motion gating ignores (a clock, a tree, a road): polygons of [x, y] points in 0..1 of the picture, or [x1, y1, x2, y2] rectangles, e.g. [[0, 0, 1, 0.1]] for the top tenth.',
      check: maskShapes,
      default: [] as MaskShape[],
    }),
  },
  tracker: trackerSchema,
  mqtt: {
    detections: leaf({
      doc: 'Also publish every inferred frame with objects to <base>/<camera>/detections (and one empty list when the scene clears). Events and counts are always published.',
      check: bool,
      default: false,
    }),
  },
  snapshot: {
    enabled: leaf({
      doc: 'Keep pictures of this camera: ffmpeg also encodes each frame it hands the detector as a JPEG (at snapshot.height), for /cameras/<name>/latest.jpg, the live page and MQTT snapshots. Off = no pictures at all.',
      check: bool,
      default: true,
    }),
    mqtt: leaf({
      doc: "Publish the best picture of each object, retained, to <base>/<camera>/<label>/snapshot (a JPEG) when it is confirmed and whenever its best score rises by snapshot.score_rise (also Home Assistant's camera entity).",
      check: bool,
      default: true,
    }),
    crop: leaf({
      doc: 'MQTT snapshots show the object with a margin around it instead of the whole picture.',
      check: bool,
      default: true,
    }),
    height: leaf({
      doc: 'Height of the pictures in pixels (width follows the aspect ratio); 0 = the source height.',
      check: evenSize,
      default: 0,
    }),
    score_rise: leaf({
      doc: "Rise of an object's best score (0..1) over its last published snapshot that publishes a new one.",
      check: number({ min: 0, max: 1 }),
      default: 0.05,
    }),
  },
  stall_timeout_s: leaf({
    doc: 'Restart the stream when no frame arrived for this many seconds (at most an hour).',
    check: seconds({ min: 0, minExclusive: true, max: 3600 }),
    default: 10,
  }),
  rtsp_timeout_s: leaf({
    doc: "RTSP socket timeout in seconds (ffmpeg's -timeout; at most 10 minutes).",
    check: seconds({ min: 0, minExclusive: true, max: 600 }),
    default: 5,
  }),
  ffmpeg: {
    input_args: leaf({
      doc: 'Extra ffmpeg arguments placed before -i, e.g. ["-c:v","h264_v4l2m2m"] for a hardware decoder.',
      check: stringArray,
      default: [] as string[],
    }),
  },
};

export const cameraSchema = {
  url: leaf<string>({
    doc: 'Required. rtsp:// or rtsps:// URL, or a video file path (relative to the camera file; played in a loop).',
    check: cameraUrl,
    default: null,
  }),
  ...cameraDefaultableSchema,
  ...zonesSchema,
};

export type CameraConfig = ConfigOf<typeof cameraSchema>;

/** What cameras.defaults in the daemon file may hold: any camera key except url. */
export type CameraDefaults = DeepPartial<ConfigOf<typeof cameraDefaultableSchema>>;
