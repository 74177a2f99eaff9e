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
import { Worker } from 'node:worker_threads';
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

/**
 * Starts a worker on `url`. Node 20 does not apply loader hooks given with
 * --import (tsx) to a worker's entry module, so a .ts entry is reached through
 * a one-line bootstrap that registers tsx in the worker first.
 */
export function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true });
}

const fromWire = (e: WireError): Error => {
  const err = e.code ? new LookoutError(e.code, e.message) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
};

interface Pending {
  resolve: (msg: FromWorker) => void;
  reject: (err: Error) => void;
}

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
  const worker = startWorker(options.workerUrl ?? defaultWorkerUrl());
  let pending: Pending | null = null;
  let dead: Error | null = null;
  let closing = false;

  const fail = (err: Error) => {
    dead ??= err;
    const p = pending;
    pending = null;
    p?.reject(err);
  };
  worker.on('message', (msg: FromWorker) => {
    const p = pending;
    pending = null;
    worker.unref();
    if (!p) return;
    if (msg.type === 'failed') p.reject(fromWire(msg.error));
    else p.resolve(msg);
  });
  worker.on('error', (err) => fail(new LookoutError('ERUNTIME', `${file}: tfjs worker crashed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => {
    if (!closing) fail(new LookoutError('ERUNTIME', `${file}: tfjs worker exited unexpectedly (exit code ${code})`));
  });

  const request = (msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> =>
    new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      if (pending) return reject(new Error(`${file}: tfjs run() called while another run is in flight (one run at a time per model instance)`));
      pending = { resolve, reject };
      worker.ref();
      worker.postMessage(msg, transfer);
    });

  const close = async () => {
    if (closing) return;
    closing = true;
    fail(new LookoutError('ERUNTIME', `${file}: tfjs model disposed`));
    await worker.terminate();
  };

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
      if (!pending && !dead) new Float32Array(input, 0, data.length).set(data);
      const msg = await request({ type: 'run', input, length: data.length, shape });
      if (msg.type !== 'result') throw new Error(`${file}: tfjs worker answered ${msg.type} to run`);
      return { data: new Float32Array(msg.data), dims: msg.dims };
    },
    dispose: close,
  };
}
