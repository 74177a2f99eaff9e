/**
 * `npm run docs:config`: prints the config reference generated from the
 * schemas. `npm run docs:config -- --write [FILE]` rewrites the section
 * between the config-reference markers of docs/configuration.md (or FILE) in
 * place instead, so updating the documentation after a schema change is one
 * command (the docs unit test fails until it is run).
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderConfigReference } from './reference.js';

export const REFERENCE_START = '<!-- config-reference:start -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

/**
 * What sits between the two markers: the reference on its own lines, then a
 * blank line so the end marker cannot be read as part of the last table.
 */
export function referenceBlock(reference: string = renderConfigReference()): string {
  return `\n${reference.endsWith('\n') ? reference : `${reference}\n`}\n`;
}

/** The text between the markers, or an Error saying what is wrong with them. */
export function referenceSection(doc: string): string | Error {
  const start = doc.indexOf(REFERENCE_START);
  const end = doc.indexOf(REFERENCE_END);
  if (start === -1 || end === -1) return new Error(`lacks the markers ${REFERENCE_START} and ${REFERENCE_END}`);
  if (end < start) return new Error(`${REFERENCE_END} comes before ${REFERENCE_START}`);
  if (doc.indexOf(REFERENCE_START, start + 1) !== -1 || doc.indexOf(REFERENCE_END, end + 1) !== -1) {
    return new Error('has the config-reference markers more than once');
  }
  return doc.slice(start + REFERENCE_START.length, end);
}

/** The document with the section between the markers replaced by the current reference. */
export function replaceReferenceSection(doc: string, reference: string = renderConfigReference()): string | Error {
  const section = referenceSection(doc);
  if (section instanceof Error) return section;
  const start = doc.indexOf(REFERENCE_START) + REFERENCE_START.length;
  return doc.slice(0, start) + referenceBlock(reference) + doc.slice(start + section.length);
}

/** Where the reference lives, relative to the repository root. */
export const REFERENCE_DOC = 'docs/configuration.md';

/** docs/configuration.md in the repository: this file is src/config/ (or dist/src/config/ once built). */
export function defaultReferencePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      readFileSync(join(dir, 'package.json'));
      return join(dir, REFERENCE_DOC);
    } catch {
      // not the root yet
    }
  }
  return resolve(REFERENCE_DOC);
}

function main(argv: string[]): number {
  if (argv.length === 0) {
    process.stdout.write(renderConfigReference());
    return 0;
  }
  if (argv[0] !== '--write' || argv.length > 2) {
    process.stderr.write(`usage: reference-cli [--write [${REFERENCE_DOC}]]\n`);
    return 64;
  }
  const file = argv[1] ?? defaultReferencePath();
  let doc: string;
  try {
    doc = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`${file}: cannot read: ${(error as Error).message}\n`);
    return 66;
  }
  const updated = replaceReferenceSection(doc);
  if (updated instanceof Error) {
    process.stderr.write(`${file}: ${updated.message}\n`);
    return 65;
  }
  if (updated === doc) {
    process.stdout.write(`${file}: config reference already up to date\n`);
    return 0;
  }
  writeFileSync(file, updated);
  process.stdout.write(`${file}: config reference rewritten\n`);
  return 0;
}

/* Run only as a program, so the test can import the helpers without side effects. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = main(process.argv.slice(2));
