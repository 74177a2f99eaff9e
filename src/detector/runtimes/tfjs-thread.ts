/**
 * Main-thread end of the tfjs worker: a TfjsSession whose model lives in its
 * own worker_thread, so a 200-400 ms run no longer blocks the event loop.
 *
 * - The weights are transferred to the worker once (no copy).
 * - Each run copies the input once, into a SharedArrayBuffer owned by this
 *   session; the output buffer is transferred back.
 * - One run in flight; a second concurrent run() is refused.
 * - A worker that dies rejects what is pending, and every later call, with
 *   ERUNTIME naming the model file; the next load starts a fresh worker.
 * - An idle worker does not keep the process alive; one with work does.
 */
import { openWorkerChannel } from './worker-channel.js';
import type * as tfTypes from '@tensorflow/tfjs';
import { LookoutError } from '../../errors.js';
import type { ModelOutput } from '../model.js';
import type { TfjsWeights } from './tfjs-io.js';
import type { DeclaredShape, TfjsSession } from './tfjs-session.js';
import type { FromWorker, ToWorker, WireError } from './tfjs-worker.js';

/**
 * The worker script next to this module: .js when compiled, .ts when the
 * sources run through tsx (tests, bench).
 */
export const defaultWorkerUrl = (): URL =>
  new URL(import.meta.url.endsWith('.ts') ? './tfjs-worker.ts' : './tfjs-worker.js', import.meta.url);

const fromWire = (e: WireError): Error => {
  const err = e.code ? new LookoutError(e.code, e.message) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
};

export interface WorkerSessionOptions {
  /** The worker script (default: tfjs-worker next to this module). Tests swap it. */
  workerUrl?: URL;
}

/**
 * Loads `json` + `weights` in a new worker. Rejects with the worker's error
 * (EMODEL for a model tfjs refuses) and leaves no worker behind.
 */
export async function openInWorker(
  file: string,
  json: tfTypes.io.ModelJSON,
  kind: 'graph' | 'layers',
  weights: TfjsWeights,
  options: WorkerSessionOptions = {},
): Promise<TfjsSession> {
  const channel = openWorkerChannel<ToWorker, FromWorker>({
    url: options.workerUrl ?? defaultWorkerUrl(),
    file,
    runtime: 'tfjs',
    failure: (msg) => (msg.type === 'failed' ? fromWire(msg.error) : null),
  });
  const request = channel.request;
  const close = channel.close;

  let opened: FromWorker;
  try {
    opened = await request({ type: 'open', file, json, kind, weights }, [weights.data]);
  } catch (err) {
    await close();
    throw err;
  }
  if (opened.type !== 'opened') throw new Error(`${file}: tfjs worker answered ${opened.type} to open`);

  let input = new SharedArrayBuffer(0);
  return {
    backend: opened.backend,
    inputShapes: opened.inputShapes,
    run: async (data: Float32Array, shape: number[]): Promise<ModelOutput> => {
      if (input.byteLength < data.byteLength) input = new SharedArrayBuffer(data.byteLength);
      // Guarded by request(): the worker is not reading `input` while no run is pending.
      if (!channel.busy) new Float32Array(input, 0, data.length).set(data);
      const msg = await request({ type: 'run', input, length: data.length, shape });
      if (msg.type !== 'result') throw new Error(`${file}: tfjs worker answered ${msg.type} to run`);
      return { data: new Float32Array(msg.data), dims: msg.dims };
    },
    dispose: close,
  };
}
