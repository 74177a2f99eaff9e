// Run by the arm64 Node under QEMU (plain JS: no tsx under emulation).
// argv[2] is JSON {root, files: [.node paths], packages: [names], onnxModel?}.
// Loads each arm64 addon file and each native package the way an app does,
// and, for onnxruntime-node, runs one session on a model. Prints one JSON
// line per item: {item, ok, error?}.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const { root, files, packages, onnxModel } = JSON.parse(process.argv[2]);
const require = createRequire(path.join(root, 'package.json'));
const results = [];
const attempt = async (item, fn) => {
  try {
    const note = await fn();
    results.push({ item, ok: true, note: note ?? null });
  } catch (error) {
    results.push({ item, ok: false, error: String(error?.stack ?? error).slice(0, 600) });
  }
};

for (const file of files) await attempt(file, () => { require(file); });
for (const name of packages) {
  await attempt(`package ${name}`, async () => {
    const mod = await import(pathToFileURL(require.resolve(name)).href);
    if (name === 'onnxruntime-node' && onnxModel) {
      const ort = mod.default ?? mod;
      const session = await ort.InferenceSession.create(onnxModel, { executionProviders: ['cpu'] });
      const input = session.inputNames[0];
      const meta = session.inputMetadata?.[0];
      const dims = meta?.shape?.map((d) => (typeof d === 'number' && d > 0 ? d : 1)) ?? [1, 3, 64, 64];
      const out = await session.run({ [input]: new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims) });
      const first = out[session.outputNames[0]];
      await session.release();
      return `session ran on ${process.arch}: output [${first.dims.join(',')}]`;
    }
    return `loaded on ${process.arch}`;
  });
}
process.stdout.write(`${JSON.stringify({ arch: process.arch, results })}\n`);
