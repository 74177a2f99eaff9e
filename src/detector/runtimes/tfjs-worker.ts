/**
 * Worker-thread entry of the tfjs runtime: one model per worker, on the wasm
 * backend. tfjs runs a graph synchronously on its calling thread, so here it
 * blocks this thread instead of the daemon's event loop. The protocol is the
 * messages below; tfjs-thread.ts is the other end.
 */
import { parentPort } from 'node:worker_threads';
import type * as tfTypes from '@tensorflow/tfjs';
import type { TfjsWeights } from './tfjs-io.js';
import { initWasm, openSession, type DeclaredShape, type TfjsSession } from './tfjs-session.js';

/** An error as it crosses the thread boundary (structured clone drops `code`). */
export interface WireError { message: string; code?: string; stack?: string }

export type ToWorker =
  | { type: 'open'; file: string; json: tfTypes.io.ModelJSON; kind: 'graph' | 'layers'; weights: TfjsWeights }
  /** `input` is the client's shared input buffer; it is not touched until the result is posted. */
  | { type: 'run'; input: SharedArrayBuffer; length: number; shape: number[] };

export type FromWorker =
  | { type: 'opened'; backend: string; inputShapes: DeclaredShape[] }
  | { type: 'result'; data: ArrayBuffer; dims: number[] }
  | { type: 'failed'; error: WireError };

const toWire = (err: unknown): WireError => {
  const e = err as { message?: unknown; code?: unknown; stack?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}),
  };
};

/** A whole-buffer Float32Array's buffer moves without a copy; a view is copied out. */
function ownBuffer(data: Float32Array): ArrayBuffer {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
  return whole ? (data.buffer as ArrayBuffer) : (data.slice().buffer as ArrayBuffer);
}

const port = parentPort;
if (port) {
  let session: TfjsSession | null = null;
  const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

  port.on('message', (msg: ToWorker) => {
    void (async () => {
      try {
        if (msg.type === 'open') {
          const tf = await initWasm();
          session = await openSession(tf, msg.file, msg.json, msg.kind, msg.weights);
          post({ type: 'opened', backend: session.backend, inputShapes: session.inputShapes });
        } else {
          if (!session) throw new Error('tfjs worker: run before open');
          const out = await session.run(new Float32Array(msg.input, 0, msg.length), msg.shape);
          const data = ownBuffer(out.data);
          post({ type: 'result', data, dims: out.dims }, [data]);
        }
      } catch (err) {
        post({ type: 'failed', error: toWire(err) });
      }
    })();
  });
}
