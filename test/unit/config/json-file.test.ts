import test from 'ava';
import { readJsonFile } from '../../../src/config/json-file.js';
import { tmpDir } from './tmp-dir.js';

const bad: Array<[string, string, string]> = [
  ['{"a": 1,}', "trailing comma before '}' at line 1 column 9", 'trailing comma in an object'],
  ['[1, 2,]', "trailing comma before ']' at line 1 column 7", 'trailing comma in an array'],
  ['{\n  "a": 1\n  "b": 2\n}', "expected ',' or '}' at line 3 column 3", 'missing comma, on line 3'],
  ['{a: 1}', 'expected a key in double quotes at line 1 column 2', 'unquoted key'],
  ['{"a" 1}', "expected ':' after the key at line 1 column 6", 'missing colon'],
  ['{"a": tru}', "unexpected 't' at line 1 column 7", 'misspelt literal'],
  ['{"a": "x\ny"}', 'line break inside a string at line 1 column 9', 'raw line break in a string'],
  ['{"a": "\\q"}', 'bad escape in string at line 1 column 8', 'bad escape'],
  ['{"a": 1', 'unexpected end of file at line 1 column 8', 'unclosed object'],
  ['{"a": "x', 'unterminated string at line 1 column 7', 'unterminated string, pointing at its start'],
  ['', 'unexpected end of file at line 1 column 1', 'empty file'],
  ['{} x', "unexpected 'x' after the end of the JSON value at line 1 column 4", 'text after the value'],
];

for (const [text, reason, what] of bad) {
  test(`readJsonFile: ${what}`, (t) => {
    const file = tmpDir(t).write('f.json', text);
    t.deepEqual(readJsonFile(file), { ok: false, problem: `${file}: (json): ${reason}` }, `names file, line and column for ${what}`);
  });
}

test('readJsonFile never echoes file content in the problem', (t) => {
  const file = tmpDir(t).write('f.json', '{"mqtt": {"password": "hunter2",}}');
  const read = readJsonFile(file);
  t.deepEqual(read, { ok: false, problem: `${file}: (json): trailing comma before '}' at line 1 column 33` }, 'exact problem');
  t.false(JSON.stringify(read).includes('hunter2'), 'the password is not in the problem');
});

test('readJsonFile reads valid JSON and skips a byte-order mark', (t) => {
  const file = tmpDir(t).write('f.json', '\uFEFF{"a": [1, "x"]}');
  t.deepEqual(readJsonFile(file), { ok: true, value: { a: [1, 'x'] } }, 'parsed value');
});

test('readJsonFile names a missing file', (t) => {
  const file = `${tmpDir(t).dir}/missing.json`;
  t.deepEqual(
    readJsonFile(file),
    { ok: false, problem: `${file}: (file): cannot read: ENOENT: no such file or directory` },
    'missing file problem',
  );
});
