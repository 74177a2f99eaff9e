/**
 * One loaded model + the YOLOv8 decoder: letterboxed rgb24 frame in,
 * detections in source pixels out. Owns the input buffer it reuses between
 * frames, which is safe because a model instance runs one frame at a time.
 */
import { toDetections, type Detection, type LetterboxGeometry } from './detections.js';
import type { LoadedModel, ModelOutput } from './model.js';
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
    return this.decodeRun(await this.run(rgb, letterbox), letterbox, scoreThreshold);
  }

  /**
   * The model's half of detect(): preprocess + run. Once it resolves the model
   * and the input buffer are free for the next frame; decodeRun() finishes.
   */
  async run(rgb: Uint8Array, letterbox: LetterboxGeometry): Promise<ModelRun> {
    const { model } = this;
    if (letterbox.dstWidth !== model.inputWidth || letterbox.dstHeight !== model.inputHeight) {
      throw new Error(`frame is ${letterbox.dstWidth}x${letterbox.dstHeight} but the model ${model.file} takes ${model.inputWidth}x${model.inputHeight}`);
    }
    const start = this.now();
    preprocessRgb24(rgb, model.inputWidth, model.inputHeight, model.layout, this.input);
    const output = await model.run(this.input);
    return { output, ms: this.now() - start };
  }

  /** Boxes of a finished run, in source pixels; inferenceMs counts the run and the decoding. */
  decodeRun(run: ModelRun, letterbox: LetterboxGeometry, scoreThreshold?: number): FrameResult {
    const start = this.now();
    const opts = scoreThreshold === undefined ? this.decode : { ...this.decode, scoreThreshold };
    const boxes = decodeYolo(run.output, this.model.labels.length, opts);
    // The boxes hold numbers, not views of the output: its buffer can serve the next run.
    run.output.recycle?.();
    const detections = toDetections(boxes, this.model.labels, letterbox);
    return { detections, inferenceMs: run.ms + (this.now() - start) };
  }
}

export interface ModelRun {
  output: ModelOutput;
  /** Preprocess + run, ms. */
  ms: number;
}
