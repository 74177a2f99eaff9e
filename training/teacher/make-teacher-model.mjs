#!/usr/bin/env node
/**
 * Builds models/mb3-centernet/: the mb3-centernet COCO detector shipped in the
 * npm package @vladmandic/human 3.3.6, rewritten as a tfjs graph model that
 * follows lookout's YOLOv8 model contract, so the tfjs runtime loads it as is.
 *
 *   npm pack @vladmandic/human@3.3.6 && tar xzf vladmandic-human-3.3.6.tgz
 *   node training/teacher/make-teacher-model.mjs ./package [--out models/mb3-centernet]
 *
 * Without a directory argument, node_modules/@vladmandic/human is used when it
 * is installed (looked up from the current directory and from the repository).
 * Nothing is downloaded. Plain Node, no dependencies.
 *
 * What changes in the graph (everything else is byte for byte upstream's):
 *   input   new Placeholder `images` [1,512,512,3], float RGB 0..1 (our contract).
 *           The upstream placeholder `tower_0/images` becomes
 *           Mul(images, 255), so the network still sees 0..255 and every
 *           existing reference to `tower_0/images` stays valid.
 *   output  new `output0` [1,100,84] ([1,N,4+nc]) from `tower_0/detections`
 *           [1,100,6] = x1,y1,x2,y2 (input pixels), score, class 0..79:
 *           cx=(x1+x2)/2, cy=(y1+y2)/2, w=x2-x1, h=y2-y1, then
 *           one_hot(class, 80) * score as the 80 class columns.
 *   signature inputs {images}, outputs {output0} only.
 * The weights file centernet.bin is copied unchanged (fp16 as shipped); the
 * seven scalar constants the new nodes need go in a second 28-byte weight
 * group, lookout-wrapper.bin.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@vladmandic/human';
const VERSION = '3.3.6';
/** sha256 of the two files in @vladmandic/human 3.3.6 (package/models/). */
const SHA256 = {
  'centernet.json': 'bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05',
  'centernet.bin': '1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef',
};
const WEIGHTS_FILE = 'centernet.bin';
const WRAPPER_WEIGHTS_FILE = 'lookout-wrapper.bin';
const IMGSZ = 512;
const NUM_DET = 100;

/** COCO-80 in the order the model's class index uses (human's src/object/labels.ts; identical to Ultralytics' names). */
const COCO80 = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
];

const METADATA = {
  labels: COCO80,
  imgsz: [IMGSZ, IMGSZ],
  layout: 'nhwc',
  task: 'detect',
  source:
    'mb3-centernet: upstream https://github.com/610265158/mobilenetv3_centernet, "mbv3-large-0.75-modified_head" ' +
    `(CenterNet head on MobileNetV3-Large 0.75, COCO), as a tfjs graph model converted by vladmandic (https://github.com/vladmandic) and shipped in the npm package ${PACKAGE} ${VERSION} ` +
    '(models/centernet.json + centernet.bin); rewritten to the lookout YOLOv8 contract by training/teacher/make-teacher-model.mjs ' +
    '(input images [1,512,512,3] RGB 0..1, output output0 [1,100,84] = cx,cy,w,h + 80 class scores). Weights unchanged (fp16).',
  license:
    `The npm package ${PACKAGE} ${VERSION} that ships these files is MIT (Copyright (c) Vladimir Mandic). ` +
    'The upstream repository 610265158/mobilenetv3_centernet ships no licence file, so the licence of the trained weights themselves is not stated upstream.',
  note:
    'The 100 raw detections are the top heatmap peaks with no NMS in the graph, so they contain same-class duplicates; ' +
    "class-wise NMS applies, as lookout's decoder does (detector.iou, default 0.7). See models/mb3-centernet/README.md for measurements.",
};

function usage(msg) {
  process.stderr.write(`make-teacher-model: ${msg}\n` +
    `usage: node training/teacher/make-teacher-model.mjs [HUMAN_PACKAGE_DIR] [--out DIR]\n` +
    `  HUMAN_PACKAGE_DIR: the extracted npm package (npm pack ${PACKAGE}@${VERSION} && tar xzf vladmandic-human-${VERSION}.tgz -> ./package),\n` +
    `  default node_modules/${PACKAGE} when installed. --out defaults to models/mb3-centernet in this repository.\n`);
  process.exit(64);
}

function parseArgs(argv) {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  let pkg = null;
  let out = path.join(repo, 'models', 'mb3-centernet');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') {
      if (argv[i + 1] === undefined) usage('--out needs a directory');
      out = path.resolve(argv[++i]);
    } else if (a === '-h' || a === '--help') usage('help');
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (pkg === null) pkg = path.resolve(a);
    else usage(`unexpected argument ${a}`);
  }
  if (pkg === null) {
    const candidates = [process.cwd(), repo].map((d) => path.join(d, 'node_modules', ...PACKAGE.split('/')));
    pkg = candidates.find((d) => fs.existsSync(path.join(d, 'models', 'centernet.json'))) ?? null;
    if (pkg === null) usage(`no package directory given and ${PACKAGE} is not installed (looked in ${candidates.join(', ')})`);
  }
  return { pkg, out };
}

function readPackageFiles(pkg) {
  const pj = path.join(pkg, 'package.json');
  if (fs.existsSync(pj)) {
    const { name, version } = JSON.parse(fs.readFileSync(pj, 'utf8'));
    if (name !== PACKAGE || version !== VERSION) throw new Error(`${pj}: is ${name} ${version}; expected ${PACKAGE} ${VERSION}`);
  }
  const files = {};
  for (const [name, sum] of Object.entries(SHA256)) {
    const file = path.join(pkg, 'models', name);
    if (!fs.existsSync(file)) throw new Error(`${file}: missing; expected the ${PACKAGE} ${VERSION} package directory`);
    const bytes = fs.readFileSync(file);
    const got = crypto.createHash('sha256').update(bytes).digest('hex');
    if (got !== sum) throw new Error(`${file}: sha256 ${got}; expected ${sum} (the file from ${PACKAGE} ${VERSION})`);
    files[name] = bytes;
  }
  return files;
}

// --- graph-building helpers (tfjs model.json NodeDef JSON) ---
const dt = (type) => ({ type });
const shapeOf = (dims) => ({ dim: dims.map((d) => ({ size: String(d) })) });
const FLOAT = 'DT_FLOAT';
const INT32 = 'DT_INT32';

/** Scalar constants of the wrapper, in weight-file order (7 x 4 bytes). */
const CONSTS = [
  { name: 'lookout/input_scale', dtype: 'float32', value: 255 },
  { name: 'lookout/half', dtype: 'float32', value: 0.5 },
  { name: 'lookout/split_axis', dtype: 'int32', value: 2 },
  { name: 'lookout/num_classes', dtype: 'int32', value: COCO80.length },
  { name: 'lookout/one', dtype: 'int32', value: 1 },
  { name: 'lookout/zero', dtype: 'int32', value: 0 },
  { name: 'lookout/concat_axis', dtype: 'int32', value: 2 },
];

function constNode({ name, dtype }) {
  const t = dtype === 'float32' ? FLOAT : INT32;
  return { name, op: 'Const', attr: { dtype: dt(t), value: { tensor: { dtype: t, tensorShape: {} } } } };
}

function wrapperWeights() {
  const buf = Buffer.alloc(4 * CONSTS.length);
  CONSTS.forEach((c, i) => (c.dtype === 'float32' ? buf.writeFloatLE(c.value, 4 * i) : buf.writeInt32LE(c.value, 4 * i)));
  return {
    group: { paths: [WRAPPER_WEIGHTS_FILE], weights: CONSTS.map((c) => ({ name: c.name, shape: [], dtype: c.dtype })) },
    bytes: buf,
  };
}

/** The nodes lookout adds (the Mul that feeds the renamed input included). */
function wrapperNodes() {
  const binop = (op, name, a, b) => ({ name, op, input: [a, b], attr: { T: dt(FLOAT) } });
  const det = (i) => `lookout/det_split:${i}`; // [1,100,1] each: x1,y1,x2,y2,score,class
  return [
    { name: 'images', op: 'Placeholder', attr: { shape: { shape: shapeOf([1, IMGSZ, IMGSZ, 3]) }, dtype: dt(FLOAT) } },
    ...CONSTS.map(constNode),
    binop('Mul', 'tower_0/images', 'images', 'lookout/input_scale'),
    { name: 'lookout/det_split', op: 'Split', input: ['lookout/split_axis', 'tower_0/detections'], attr: { num_split: { i: '6' }, T: dt(FLOAT) } },
    binop('Add', 'lookout/x1_plus_x2', det(0), det(2)),
    binop('Mul', 'lookout/cx', 'lookout/x1_plus_x2', 'lookout/half'),
    binop('Add', 'lookout/y1_plus_y2', det(1), det(3)),
    binop('Mul', 'lookout/cy', 'lookout/y1_plus_y2', 'lookout/half'),
    binop('Sub', 'lookout/w', det(2), det(0)),
    binop('Sub', 'lookout/h', det(3), det(1)),
    { name: 'lookout/class_id', op: 'Cast', input: [det(5)], attr: { SrcT: dt(FLOAT), DstT: dt(INT32), Truncate: { b: false } } },
    { name: 'lookout/class_id_2d', op: 'Squeeze', input: ['lookout/class_id'], attr: { T: dt(INT32), squeeze_dims: { list: { i: ['2'] } } } },
    // OneHot yields int32 and a Cast makes it float: tfjs-backend-wasm 4.22's
    // OneHot kernel writes int32 bits whatever the dtype, so a float32 OneHot
    // gives 1.4e-45 (the bits of int 1) instead of 1.0 there.
    {
      name: 'lookout/one_hot', op: 'OneHot',
      input: ['lookout/class_id_2d', 'lookout/num_classes', 'lookout/one', 'lookout/zero'],
      attr: { T: dt(INT32), TI: dt(INT32), axis: { i: '-1' } },
    },
    { name: 'lookout/one_hot_float', op: 'Cast', input: ['lookout/one_hot'], attr: { SrcT: dt(INT32), DstT: dt(FLOAT), Truncate: { b: false } } },
    binop('Mul', 'lookout/class_scores', 'lookout/one_hot_float', det(4)),
    {
      name: 'output0', op: 'ConcatV2',
      input: ['lookout/cx', 'lookout/cy', 'lookout/w', 'lookout/h', 'lookout/class_scores', 'lookout/concat_axis'],
      attr: { N: { i: '5' }, T: dt(FLOAT), Tidx: dt(INT32) },
    },
  ];
}

function rewrite(model) {
  const nodes = model.modelTopology.node;
  const names = new Set(nodes.map((n) => n.name));
  for (const required of ['tower_0/images', 'tower_0/detections']) {
    if (!names.has(required)) throw new Error(`centernet.json: node ${required} not found`);
  }
  const input = nodes.find((n) => n.name === 'tower_0/images');
  if (input.op !== 'Placeholder') throw new Error(`centernet.json: tower_0/images is ${input.op}; expected Placeholder`);
  const added = wrapperNodes();
  for (const n of added) {
    if (n.name !== 'tower_0/images' && names.has(n.name)) throw new Error(`centernet.json: already has a node named ${n.name}`);
  }
  const { group, bytes } = wrapperWeights();
  const out = {
    format: model.format,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy,
    signature: {
      inputs: { images: { name: 'images', dtype: FLOAT, tensorShape: shapeOf([1, IMGSZ, IMGSZ, 3]) } },
      outputs: { output0: { name: 'output0', dtype: FLOAT, tensorShape: shapeOf([1, NUM_DET, 4 + COCO80.length]) } },
    },
    modelTopology: {
      ...model.modelTopology,
      // The upstream placeholder is replaced by the Mul of the same name.
      node: [...nodes.filter((n) => n !== input), ...added],
    },
    weightsManifest: [...model.weightsManifest, group],
    userDefinedMetadata: {
      lookout: `generated by training/teacher/make-teacher-model.mjs from ${PACKAGE} ${VERSION} models/centernet.json (sha256 ${SHA256['centernet.json']})`,
    },
  };
  const paths = model.weightsManifest.flatMap((g) => g.paths);
  if (paths.length !== 1 || paths[0] !== WEIGHTS_FILE) throw new Error(`centernet.json: weight paths ${paths.join(', ')}; expected ${WEIGHTS_FILE}`);
  return { json: out, wrapperBytes: bytes };
}

function main() {
  const { pkg, out } = parseArgs(process.argv.slice(2));
  const files = readPackageFiles(pkg);
  const { json, wrapperBytes } = rewrite(JSON.parse(files['centernet.json'].toString('utf8')));
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'model.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(out, WEIGHTS_FILE), files['centernet.bin']);
  fs.writeFileSync(path.join(out, WRAPPER_WEIGHTS_FILE), wrapperBytes);
  fs.writeFileSync(path.join(out, 'lookout-model.json'), `${JSON.stringify(METADATA, null, 2)}\n`);
  process.stdout.write(`wrote ${out}: model.json, ${WEIGHTS_FILE} (unchanged), ${WRAPPER_WEIGHTS_FILE} (${wrapperBytes.length} bytes), lookout-model.json\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`make-teacher-model: ${err.message}\n`);
  process.exit(1);
}
