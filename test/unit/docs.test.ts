/**
 * The user documentation: README.md (the front page) and docs/*.md.
 * - docs/configuration.md's config reference is generated from the schemas.
 *   This fails when a schema changed and the page was not regenerated: run
 *   `npm run build && npm run docs:config -- --write`.
 * - Every relative link and #anchor resolves, so moving a section between
 *   files cannot leave a dead link.
 * - The docs speak to users: no tracker issue numbers and no paths outside
 *   the repository.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { renderConfigReference } from '../../src/config/index.js';
import {
  REFERENCE_DOC,
  REFERENCE_END,
  REFERENCE_START,
  referenceBlock,
  referenceSection,
  replaceReferenceSection,
} from '../../src/config/reference-cli.js';
import { anchorsOf, brokenLinks, headingSlug, linkTargets } from '../helpers/markdown-links.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const DOCS = join(ROOT, 'docs');
const USER_DOCS = [
  join(ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(DOCS, name)),
];

test('docs/configuration.md config reference is exactly what renderConfigReference() generates', (t) => {
  const section = referenceSection(readFileSync(join(ROOT, REFERENCE_DOC), 'utf8'));
  if (section instanceof Error) return t.fail(`${REFERENCE_DOC}: ${section.message}`);
  t.is(
    section,
    referenceBlock(renderConfigReference()),
    `${REFERENCE_DOC} is out of date with the config schemas: run \`npm run build && npm run docs:config -- --write\``,
  );
});

test('--write replaces only the text between the markers', (t) => {
  const doc = `# title\n\nintro\n\n${REFERENCE_START}\nstale table\n${REFERENCE_END}\n\n## after\n`;
  const updated = replaceReferenceSection(doc, '| new |\n');
  t.is(updated, `# title\n\nintro\n\n${REFERENCE_START}\n| new |\n\n${REFERENCE_END}\n\n## after\n`, 'text around the markers kept, section replaced');
  t.is(replaceReferenceSection(updated as string, '| new |\n'), updated, 'rewriting an up-to-date page changes nothing');
});

test('missing, reversed or repeated markers are reported, not guessed at', (t) => {
  t.regex(String(referenceSection('no markers here')), /lacks the markers/, 'no markers');
  t.regex(String(referenceSection(`${REFERENCE_END}\n${REFERENCE_START}`)), /comes before/, 'end before start');
  t.regex(
    String(referenceSection(`${REFERENCE_START}\n${REFERENCE_END}\n${REFERENCE_START}\n${REFERENCE_END}`)),
    /more than once/,
    'markers twice',
  );
});

test('heading anchors follow GitHub: markup and punctuation dropped, spaces to dashes, repeats numbered', (t) => {
  t.is(headingSlug('`<base>/<camera>/events` (not retained)'), 'basecameraevents-not-retained', 'code and brackets dropped');
  t.is(headingSlug('Running on a Raspberry Pi / Jetson'), 'running-on-a-raspberry-pi--jetson', 'slash dropped, both spaces kept');
  t.is(headingSlug('What /status and /metrics show'), 'what-status-and-metrics-show', 'leading slashes dropped');
  t.is(headingSlug('Installing Node.js 20+ and ffmpeg'), 'installing-nodejs-20-and-ffmpeg', 'dot and plus dropped');
  t.deepEqual(
    [...anchorsOf('# A\n\n```sh\n# not a heading\n```\n## A\n### b_c\n')],
    ['a', 'a-1', 'b_c'],
    'headings in code fences ignored, a repeated heading gets -1',
  );
  t.deepEqual(
    linkTargets('[x](a.md#b) ![pic](img/p.jpg) `[not](code.md)`\n```\n[no](fence.md)\n```\n[ext](https://example.org)'),
    ['a.md#b', 'img/p.jpg', 'https://example.org'],
    'links in inline code and fences are not links',
  );
});

test('the link checker reports a missing file and a missing anchor', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-links-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.md'), '# Top\n\n[ok](b.md#there) [gone](c.md) [bad](b.md#nowhere) [self](#top)\n');
  writeFileSync(join(dir, 'b.md'), '## There\n');
  t.deepEqual(
    brokenLinks(join(dir, 'a.md'), dir),
    ['a.md: c.md: c.md does not exist', 'a.md: b.md#nowhere: no heading in b.md has the anchor #nowhere'],
    'exactly the two broken links',
  );
});

test('every relative link and #anchor in README.md and docs/ resolves', (t) => {
  t.true(USER_DOCS.length >= 8, `README.md and the docs/ pages were found (${USER_DOCS.length})`);
  t.deepEqual(USER_DOCS.flatMap((file) => brokenLinks(file, ROOT)), [], 'no broken links');
});

test('the user docs name no tracker issues and no paths outside the repository', (t) => {
  const problems: string[] = [];
  for (const file of USER_DOCS) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const where = `${file.slice(ROOT.length + 1)}:${index + 1}`;
        if (/\bissues? #?\d+/i.test(line)) problems.push(`${where}: names an issue number: ${line.trim()}`);
        if (line.includes('../shared')) problems.push(`${where}: points at ../shared, which users do not have`);
      });
  }
  t.deepEqual(problems, [], 'user docs speak to users');
});
