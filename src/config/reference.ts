/**
 * The config reference in docs/configuration.md, generated from the schemas so the
 * documentation cannot drift from what the loader accepts.
 */
import { cameraSchema } from './camera-schema.js';
import { daemonSchema } from './daemon-schema.js';
import { leaves, type SchemaNode } from './schema.js';

export function renderConfigReference(): string {
  return [
    '### Daemon file (`config/lookout.json`)',
    '',
    'Relative paths are resolved against the directory of the daemon file. Environment variables override the file.',
    '',
    table(daemonSchema),
    '',
    '### Camera files (`<cameras.dir>/<name>.json`)',
    '',
    'One file per camera; the camera is named after the file (letters, digits, `_`, `-`). ' +
      '`cameras.defaults` in the daemon file is merged under every camera file; the camera file wins, key by key. ' +
      'Unknown keys are errors.',
    '',
    table(cameraSchema),
    '',
  ].join('\n');
}

function table(schema: SchemaNode): string {
  const rows = leaves(schema).map(([key, leaf]) =>
    [
      `\`${key}\``,
      leaf.nested ? 'object of camera keys (all but url)' : leaf.check.description,
      leaf.default === null ? '*(required)*' : `\`${JSON.stringify(leaf.default)}\``,
      leaf.env === undefined ? '' : `\`${leaf.env}\``,
      leaf.doc,
    ]
      .map(cell)
      .join(' | '),
  );
  return ['| key | format | default | env | description |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r} |`)].join(
    '\n',
  );
}

/* A pipe would end the table cell early; `<name>` would be taken for an HTML tag. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
