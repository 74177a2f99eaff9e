/**
 * The README's config reference is generated from the schemas. This fails when
 * a schema changed and the README was not regenerated: run
 * `npm run build && npm run docs:config -- --write`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { renderConfigReference } from '../../src/config/index.js';
import {
  readmeSection,
  referenceBlock,
  replaceReadmeSection,
  REFERENCE_END,
  REFERENCE_START,
} from '../../src/config/reference-cli.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

test('the README config reference is exactly what renderConfigReference() generates', (t) => {
  const section = readmeSection(readFileSync(README, 'utf8'));
  if (section instanceof Error) return t.fail(`README.md: ${section.message}`);
  t.is(
    section,
    referenceBlock(renderConfigReference()),
    'README.md is out of date with the config schemas: run `npm run build && npm run docs:config -- --write`',
  );
});

test('--write replaces only the text between the markers', (t) => {
  const readme = `# title\n\nintro\n\n${REFERENCE_START}\nstale table\n${REFERENCE_END}\n\n## after\n`;
  const updated = replaceReadmeSection(readme, '| new |\n');
  t.is(updated, `# title\n\nintro\n\n${REFERENCE_START}\n| new |\n\n${REFERENCE_END}\n\n## after\n`, 'text around the markers kept, section replaced');
  t.is(replaceReadmeSection(updated as string, '| new |\n'), updated, 'rewriting an up-to-date README changes nothing');
});

test('missing, reversed or repeated markers are reported, not guessed at', (t) => {
  t.regex(String(readmeSection('no markers here')), /lacks the markers/, 'no markers');
  t.regex(String(readmeSection(`${REFERENCE_END}\n${REFERENCE_START}`)), /comes before/, 'end before start');
  t.regex(
    String(readmeSection(`${REFERENCE_START}\n${REFERENCE_END}\n${REFERENCE_START}\n${REFERENCE_END}`)),
    /more than once/,
    'markers twice',
  );
});
