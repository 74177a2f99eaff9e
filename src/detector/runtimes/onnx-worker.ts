/**
 * Worker-thread entry of the onnx runtime. onnxruntime-node runs a session on
 * its calling thread (its run() is synchronous under the promise), so a 30-80 ms
 * inference would stall the daemon's event loop that long; here it stalls this
 * thread instead. onnx.ts is the other end of the messages below: open (the
 * model bytes, transferred), dims (the input shape every run uses), run.
 */
import { parentPort } from 'node:worker_threads';
import type * as Ort from 'onnxruntime-node';

/** An error as it crosses the thread boundary (structured clone drops `code`). */
export interface WireError { message: string; stack?: string }

export type ToOnnxWorker =
  | { type: 'open'; bytes: ArrayBuffer; threads: number }
  /** The input dims every run uses (resolved by the main thread from the model's input and metadata). */
  | { type: 'dims'; dims: number[] }
  /**
   * The input tensor's data, transferred (the dims were fixed at open), and a
   * buffer for the output when the main thread has one to give back: both
   * travel back with the result, so a steady stream of runs allocates nothing.
   */
  | { type: 'run'; input: ArrayBuffer; output?: ArrayBuffer };

export type FromOnnxWorker =
  | { type: 'opened'; inputNames: string[]; outputNames: string[]; inputDims: Array<number | string>; inputIsTensor: boolean }
  | { type: 'ok' }
  /** `input` is the run's input buffer, handed back for the next run. */
  | { type: 'result'; data: ArrayBuffer; dims: number[]; input: ArrayBuffer }
  | { type: 'failed'; error: WireError };

const toWire = (err: unknown): WireError => {
  const e = err as { message?: unknown; stack?: unknown };
  return { message: typeof e?.message === 'string' ? e.message : String(err), ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}) };
};

const port = parentPort;
if (port) {
  let session: Ort.InferenceSession | null = null;
  let ort: typeof Ort | null = null;
  let dims: number[] = [];
  const post = (msg: FromOnnxWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

  port.on('message', (msg: ToOnnxWorker) => {
    void (async () => {
      try {
        if (msg.type === 'open') {
          ort = await import('onnxruntime-node');
          session = await ort.InferenceSession.create(new Uint8Array(msg.bytes), {
            executionProviders: ['cpu'],
            graphOptimizationLevel: 'all',
            // One run at a time per instance: parallelism comes from intra-op threads.
            executionMode: 'sequential',
            interOpNumThreads: 1,
            intraOpNumThreads: msg.threads,
          });
          const meta = session.inputMetadata[0];
          post({
            type: 'opened',
            inputNames: [...session.inputNames],
            outputNames: [...session.outputNames],
            inputDims: meta && meta.isTensor ? [...meta.shape] : [],
            inputIsTensor: Boolean(meta?.isTensor),
          });
        } else if (msg.type === 'dims') {
          dims = msg.dims;
          post({ type: 'ok' });
        } else {
          if (!session || !ort) throw new Error('onnx worker: run before open');
          const [inputName] = session.inputNames;
          const [outputName] = session.outputNames;
          const results = await session.run({ [inputName!]: new ort.Tensor('float32', new Float32Array(msg.input), dims) }, [outputName!]);
          const t = results[outputName!]!;
          const out = t.data as Float32Array;
          // A copy we can transfer (the tensor's memory belongs to onnxruntime), into the buffer the main
          // thread gave back when it fits. A fresh 1-2 MB buffer per run, freed on another thread, let the
          // process's RSS creep up for an hour (allocator fragmentation); recycled buffers keep it flat.
          const data = msg.output?.byteLength === out.byteLength ? msg.output : new ArrayBuffer(out.byteLength);
          new Float32Array(data).set(out);
          post({ type: 'result', data, dims: t.dims.map(Number), input: msg.input }, [data, msg.input]);
        }
      } catch (err) {
        post({ type: 'failed', error: toWire(err) });
      }
    })();
  });
}
