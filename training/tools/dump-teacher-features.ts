/**
 * Runs mb3-centernet's tfjs graph (tfjs-wasm, the daemon's runtime) and dumps
 * its backbone tap features for the backbone parity test.
 *
 *   npx tsx training/tools/dump-teacher-features.ts CENTERNET_JSON IN_DIR OUT_DIR
 *
 * IN_DIR holds NAME.f32 inputs: NHWC float32 [1,S,S,3], RGB 0..255, with
 * S in the file NAME.json ({"size": S}). For each, OUT_DIR gets NAME.TAP.f32
 * (NHWC float32) for the taps below and, at 512, NAME.heat.f32 (NHWC float32, the head's
 * 80-class heat `tower_0/keypoints`, stride 4) for the teacher-head parity test (the head's
 * upsampling sizes are constants of the graph, so it runs at 512 only). The graph's input shape is fixed at 512;
 * it is relaxed to [1,-1,-1,3] in memory so other sizes run too. Works with the
 * package's centernet.json and with lookout's models/mb3-centernet/model.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { initTfjs } from '../../src/detector/runtimes/tfjs.js';
import { fileIOHandler, readModelJson } from '../../src/detector/runtimes/tfjs-io.js';

const TAPS = [
  'tower_0/MobilenetV3/expanded_conv_5/add',
  'tower_0/MobilenetV3/expanded_conv_11/add',
  'tower_0/MobilenetV3/expanded_conv_14/add',
];
const HEAT = 'tower_0/keypoints';

const [modelJson, inDir, outDir] = process.argv.slice(2);
if (!modelJson || !inDir || !outDir) {
  process.stderr.write('usage: dump-teacher-features.ts CENTERNET_JSON IN_DIR OUT_DIR\n');
  process.exit(64);
}
const { tf } = await initTfjs();
const { json } = readModelJson(modelJson);
const topo = json as unknown as { modelTopology: { node: Array<{ name: string; op: string; attr?: Record<string, { shape?: { dim: Array<{ size: string }> } }> }> } };
// The package's graph takes tower_0/images (0..255); lookout's models/mb3-centernet wraps it with a
// Placeholder `images` (0..1) multiplied by 255 into tower_0/images.
const wrapped = topo.modelTopology.node.some((n) => n.name === 'tower_0/images' && n.op !== 'Placeholder');
const inputName = wrapped ? 'images' : 'tower_0/images';
for (const n of topo.modelTopology.node) {
  const shape = n.attr?.shape?.shape;
  if (n.name === inputName && shape) shape.dim = [{ size: '1' }, { size: '-1' }, { size: '-1' }, { size: '3' }];
}
const model = await tf.loadGraphModel(fileIOHandler(tf, modelJson, json));
fs.mkdirSync(outDir, { recursive: true });
for (const f of fs.readdirSync(inDir).filter((x) => x.endsWith('.f32')).sort()) {
  const name = f.slice(0, -4);
  const { size } = JSON.parse(fs.readFileSync(path.join(inDir, `${name}.json`), 'utf8')) as { size: number };
  const buf = fs.readFileSync(path.join(inDir, f));
  const raw = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const x = tf.tensor(wrapped ? raw.map((v) => v / 255) : raw, [1, size, size, 3]);
  const ys = (await model.executeAsync(x, size === 512 ? [...TAPS, HEAT] : TAPS)) as import('@tensorflow/tfjs').Tensor[];
  for (let i = 0; i < ys.length; i++) {
    const d = (await ys[i]!.data()) as Float32Array;
    const file = i < TAPS.length ? `${name}.p${i + 3}.f32` : `${name}.heat.f32`;
    fs.writeFileSync(path.join(outDir, file), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  x.dispose();
  ys.forEach((y) => y.dispose());
  process.stdout.write(`${name} ${size}\n`);
}
