/**
 * One loaded model + the YOLOv8 decoder: letterboxed rgb24 frame in,
 * detections in source pixels out. Owns the input buffer it reuses between
 * frames, which is safe because a model instance runs one frame at a time.
 */
import { toDetections, type Detection, type LetterboxGeometry } from './detections.js';
import type { LoadedModel } from './model.js';
import { preprocessRgb24 } from './preprocess.js';
import { decodeYolo, defaultDecodeOptions, type DecodeOptions } from './yolo-decode.js';

export interface FrameResult {
  detections: Detection[];
  /** Preprocess + run + decode, ms. */
  inferenceMs: number;
}

export class FrameDetector {
  private readonly input: Float32Array;
  private readonly decode: DecodeOptions;

  constructor(
    readonly model: LoadedModel,
    decode: Partial<DecodeOptions> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.input = new Float32Array(model.inputWidth * model.inputHeight * 3);
    this.decode = { ...defaultDecodeOptions, ...decode };
  }

  /**
   * `rgb` must be inputWidth x inputHeight rgb24, letterboxed as `letterbox`
   * says. `scoreThreshold` overrides the decoder's for this frame (a camera's
   * min_score), so low-score boxes are dropped before NMS does work on them.
   */
  async detect(rgb: Uint8Array, letterbox: LetterboxGeometry, scoreThreshold?: number): Promise<FrameResult> {
    const { model } = this;
    if (letterbox.dstWidth !== model.inputWidth || letterbox.dstHeight !== model.inputHeight) {
      throw new Error(`frame is ${letterbox.dstWidth}x${letterbox.dstHeight} but the model ${model.file} takes ${model.inputWidth}x${model.inputHeight}`);
    }
    const start = this.now();
    preprocessRgb24(rgb, model.inputWidth, model.inputHeight, model.layout, this.input);
    const out = await model.run(this.input);
    const opts = scoreThreshold === undefined ? this.decode : { ...this.decode, scoreThreshold };
    const boxes = decodeYolo(out, model.labels.length, opts);
    const detections = toDetections(boxes, model.labels, letterbox);
    return { detections, inferenceMs: this.now() - start };
  }
}
