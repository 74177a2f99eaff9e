/**
 * What a runtime plugin hands back once a model is loaded. Decoding (YOLOv8
 * layout) never looks inside a runtime, only at `run()`'s flat output, so any
 * runtime that can produce [1,4+nc,N] or [1,N,4+nc] plugs in.
 */
export type InputLayout = 'nchw' | 'nhwc';

export interface ModelOutput {
  data: Float32Array;
  dims: number[];
  /**
   * Hands `data` back to the runtime for a later run, once the caller is done
   * reading it (a runtime may leave it out). Not calling it is safe: the next
   * run then gets a fresh buffer.
   */
  recycle?: () => void;
}

export interface LoadedModel {
  /** Registry type that loaded it: 'onnx' | 'tfjs'. */
  readonly runtime: string;
  /** What actually executes, for logs and /status: 'onnxruntime-node cpu', 'tfjs-wasm (simd)', ... */
  readonly backend: string;
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly layout: InputLayout;
  readonly labels: string[];
  /** The model file that was loaded (for messages). */
  readonly file: string;
  /**
   * One inference on a preprocessed input (see preprocess.ts). Only one run may
   * be in flight per instance: the inference queue guarantees that.
   */
  run(input: Float32Array): Promise<ModelOutput>;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  /** Intra-op threads (onnx). 0 or undefined = runtime default. */
  threads?: number;
}

export interface RuntimePlugin {
  readonly type: string;
  load(modelDir: string, options?: RuntimeOptions): Promise<LoadedModel>;
}
