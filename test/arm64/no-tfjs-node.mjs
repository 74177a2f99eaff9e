// node --import ./test/arm64/no-tfjs-node.mjs: makes @tensorflow/tfjs-node
// unresolvable, so the tfjs runtime picks its wasm backend on x64 as it must on
// emulated arm64 (where an x64 libtensorflow cannot load). Used only when the
// host has tfjs-node installed; parity between two different backends is not
// what the arm64 check is about.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === '@tensorflow/tfjs-node' || specifier.startsWith('@tensorflow/tfjs-node/')) {
    const error = new Error('@tensorflow/tfjs-node hidden by test/arm64/no-tfjs-node.mjs');
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
