/**
 * The main-thread end of a model worker (onnx and tfjs alike): one request in
 * flight at a time, answered by the worker's next message.
 *
 * - A second request while one is pending is refused, naming the model file.
 * - A worker that crashes or exits rejects what is pending, and every later
 *   request, with ERUNTIME naming the model file.
 * - An idle worker does not keep the process alive; one with work does.
 */
import { Worker } from 'node:worker_threads';
import { LookoutError } from '../../errors.js';

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

export interface WorkerChannel<Request, Reply> {
  request(msg: Request, transfer?: ArrayBuffer[]): Promise<Reply>;
  /** A request is pending, or the worker is gone: it may be reading what the last request shared. */
  readonly busy: boolean;
  /** Rejects what is pending and ends the worker; safe to call twice. */
  close(): Promise<void>;
}

export interface WorkerChannelOptions<Reply> {
  url: URL;
  /** The model file, named in every error. */
  file: string;
  /** 'onnx' or 'tfjs', for messages. */
  runtime: string;
  /** The error a reply stands for, or null for a good reply. */
  failure(reply: Reply): Error | null;
}

export function openWorkerChannel<Request, Reply>(options: WorkerChannelOptions<Reply>): WorkerChannel<Request, Reply> {
  const { file, runtime } = options;
  const worker = startWorker(options.url);
  let pending: { resolve: (m: Reply) => void; reject: (e: Error) => void } | null = null;
  let dead: Error | null = null;
  let closing = false;
  const fail = (err: Error) => {
    dead ??= err;
    const p = pending;
    pending = null;
    p?.reject(err);
  };
  worker.on('message', (msg: Reply) => {
    const p = pending;
    pending = null;
    worker.unref();
    if (!p) return;
    const err = options.failure(msg);
    if (err) p.reject(err);
    else p.resolve(msg);
  });
  worker.on('error', (err) => fail(new LookoutError('ERUNTIME', `${file}: ${runtime} worker crashed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => {
    if (!closing) fail(new LookoutError('ERUNTIME', `${file}: ${runtime} worker exited unexpectedly (exit code ${code})`));
  });
  return {
    request: (msg, transfer = []) =>
      new Promise((resolve, reject) => {
        if (dead) return reject(dead);
        if (pending) return reject(new Error(`${file}: ${runtime} run() called while another run is in flight (one run at a time per model instance)`));
        pending = { resolve, reject };
        worker.ref();
        worker.postMessage(msg, transfer);
      }),
    get busy() {
      return pending !== null || dead !== null;
    },
    close: async () => {
      if (closing) return;
      closing = true;
      fail(new LookoutError('ERUNTIME', `${file}: ${runtime} model disposed`));
      await worker.terminate();
    },
  };
}
