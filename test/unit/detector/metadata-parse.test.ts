import test from 'ava';
import { namesFromYaml, parseImgsz, parseNamesDict, parseSimpleYaml } from '../../../src/detector/metadata-parse.js';
import { readOnnxMetadata } from '../../../src/detector/onnx-metadata.js';
import { buildOnnxModel } from '../../helpers/test-model/build-onnx.js';
import { defaultSpec } from '../../helpers/test-model/spec.js';

test('Ultralytics names dict string -> label array', (t) => {
  t.deepEqual(parseNamesDict("{0: 'person', 1: 'bicycle', 2: 'traffic light'}"), ['person', 'bicycle', 'traffic light'], 'COCO-style repr');
  t.deepEqual(parseNamesDict(`{0: "o'clock", 1: 'a\\'b'}`), ["o'clock", "a'b"], 'double quotes and escaped quote');
  t.deepEqual(parseNamesDict('{}'), [], 'empty dict');
  t.deepEqual(parseNamesDict("{0: 'a', 2: 'c'}"), ['a', 'class_1', 'c'], 'gap filled with a placeholder');
  t.is(parseNamesDict("['person']"), null, 'a list is not the dict format');
  t.is(parseNamesDict("{0: person}"), null, 'unquoted value rejected');
});

test('imgsz strings and lists -> [h, w]', (t) => {
  t.deepEqual(parseImgsz('[640, 640]'), [640, 640], 'list repr');
  t.deepEqual(parseImgsz('[384, 640]'), [384, 640], 'h first');
  t.deepEqual(parseImgsz('320'), [320, 320], 'single number');
  t.deepEqual(parseImgsz(['256', '320']), [256, 320], 'YAML list items');
  t.is(parseImgsz('[640, x]'), null, 'garbage rejected');
});

test('metadata.yaml subset: scalars, lists, maps, quotes', (t) => {
  const yaml = parseSimpleYaml([
    'description: Ultralytics YOLOv8n model trained on coco.yaml',
    "date: '2024-05-01T10:00:00'",
    'stride: 32',
    'imgsz:',
    '- 640',
    '- 480',
    'names:',
    '  0: person',
    "  1: 'it''s'",
    '  2: "dining table"',
    '# comment',
  ].join('\n'));
  t.is(yaml.stride, '32', 'scalar');
  t.is(yaml.date, '2024-05-01T10:00:00', 'single-quoted scalar');
  t.deepEqual(yaml.imgsz, ['640', '480'], 'block list');
  t.deepEqual(namesFromYaml(yaml.names), ['person', "it's", 'dining table'], "map with '' escape and double quotes");
});

test('ONNX metadata_props read from the protobuf bytes', (t) => {
  const bytes = buildOnnxModel(defaultSpec, { metadataProps: true });
  t.deepEqual(readOnnxMetadata(bytes), { names: "{0: 'bright', 1: 'dim'}", imgsz: '[64, 64]', stride: '32', task: 'detect' }, 'all four props');
  t.deepEqual(readOnnxMetadata(buildOnnxModel(defaultSpec, { metadataProps: false })), {}, 'none written, none read');
  t.throws(() => readOnnxMetadata(bytes.subarray(0, bytes.length - 7)), { message: /runs past the end/ }, 'truncation detected');
});
