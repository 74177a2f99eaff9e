/**
 * A stand-in for src/detector/runtimes/tfjs-worker.ts that opens fine and then
 * dies on the first run, as a worker does when tfjs aborts or runs out of
 * memory. Exit code 3 so the test can see it in the error.
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from '../../src/detector/runtimes/tfjs-worker.js';

parentPort?.on('message', (msg: ToWorker) => {
  if (msg.type === 'open') parentPort!.postMessage({ type: 'opened', backend: 'fake', inputShapes: [[1, 8, 8, 3]] } satisfies FromWorker);
  else process.exit(3);
});
