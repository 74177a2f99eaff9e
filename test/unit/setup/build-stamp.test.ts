/**
 * The pre-scripts' build step runs tsc only when the sources changed: a
 * second `npm start` must not spend seconds rebuilding what is built, and an
 * edited source must never run stale code. Run against a small project in a
 * temporary directory, with the repository's real TypeScript.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { buildReason, ensureBuilt, ENTRY_FILE, sourceHash, STAMP_FILE, writeStamp } from '../../../src/setup/build-stamp.mjs';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** A project shaped like lookout: src/cli.ts, src/lib/greet.ts, tsconfig.json, package files. */
function project(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'lookout-stamp-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'src', 'lib'), { recursive: true });
  writeFileSync(join(root, 'src', 'lib', 'greet.ts'), "export const greeting: string = 'hello';\n");
  writeFileSync(join(root, 'src', 'cli.ts'), "import { greeting } from './lib/greet.js';\nconsole.log(greeting);\n");
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'dist', rootDir: '.', strict: true, types: [] },
      include: ['src/**/*.ts'],
    }),
  );
  writeFileSync(join(root, 'package.json'), '{"name":"stamp-test","type":"module"}\n');
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function build(root: string): { result: ReturnType<typeof ensureBuilt>; lines: string[] } {
  const lines: string[] = [];
  const result = ensureBuilt(root, (line) => lines.push(line), 'ignore');
  return { result, lines };
}

/** Marks the project as built from its current sources without running tsc (for the stamp-only checks). */
function markBuilt(root: string): void {
  mkdirSync(join(root, 'dist', 'src'), { recursive: true });
  writeFileSync(join(root, ENTRY_FILE), '');
  writeStamp(root, sourceHash(root));
}

test('first build runs tsc and records the stamp; unchanged sources then run no tsc', (t) => {
  const root = project(t);
  t.is(buildReason(root), 'no build yet', 'nothing built yet');
  const first = build(root);
  t.deepEqual(first.result, { built: true, reason: 'no build yet' }, 'built');
  t.deepEqual(first.lines, ['lookout setup: building (tsc; no build yet)…'], 'one line says it builds and why');
  t.is(readFileSync(join(root, 'dist', 'src', 'lib', 'greet.js'), 'utf8').includes("'hello'"), true, 'tsc emitted the source');
  t.is(readFileSync(join(root, STAMP_FILE), 'utf8'), `${sourceHash(root)}\n`, 'stamp holds the sources hash');

  const entryMtime = statSync(join(root, ENTRY_FILE)).mtimeMs;
  const second = build(root);
  t.deepEqual(second.result, { built: false }, 'no build the second time');
  t.deepEqual(second.lines, [], 'and nothing printed');
  t.is(statSync(join(root, ENTRY_FILE)).mtimeMs, entryMtime, 'dist/ untouched: tsc did not run');
});

test('an edited source rebuilds; a touched but unchanged one does not', (t) => {
  const root = project(t);
  t.true(build(root).result.built, 'initial build');
  const greet = join(root, 'src', 'lib', 'greet.ts');

  utimesSync(greet, new Date(), new Date(Date.now() + 60_000));
  t.is(buildReason(root), null, 'a new modification time alone is not a change');

  writeFileSync(greet, "export const greeting: string = 'bonjour';\n");
  t.is(buildReason(root), 'the sources changed since the last build', 'edited file');
  const rebuilt = build(root);
  t.deepEqual(rebuilt.result, { built: true, reason: 'the sources changed since the last build' }, 'rebuilt');
  t.true(readFileSync(join(root, 'dist', 'src', 'lib', 'greet.js'), 'utf8').includes("'bonjour'"), 'dist has the edit');
  t.is(buildReason(root), null, 'current again');

});

test('an added, renamed or removed source file counts as a change', (t) => {
  const root = project(t);
  markBuilt(root);
  t.is(buildReason(root), null, 'current');
  writeFileSync(join(root, 'src', 'lib', 'extra.ts'), 'export const n = 1;\n');
  t.is(buildReason(root), 'the sources changed since the last build', 'added file');
  markBuilt(root);
  renameSync(join(root, 'src', 'lib', 'extra.ts'), join(root, 'src', 'lib', 'other.ts'));
  t.is(buildReason(root), 'the sources changed since the last build', 'renamed file, same content');
  markBuilt(root);
  rmSync(join(root, 'src', 'lib', 'other.ts'));
  t.is(buildReason(root), 'the sources changed since the last build', 'removed file');
});

test('tsconfig.json, package.json and package-lock.json count as sources', (t) => {
  const root = project(t);
  markBuilt(root);
  for (const name of ['tsconfig.json', 'package.json', 'package-lock.json']) {
    const path = join(root, name);
    const before = readFileSync(path, 'utf8');
    writeFileSync(path, `${before} `);
    t.is(buildReason(root), 'the sources changed since the last build', `${name} edited`);
    writeFileSync(path, before);
    t.is(buildReason(root), null, `${name} restored`);
  }
});

test('a missing entry point or stamp rebuilds; a failed tsc writes no stamp', (t) => {
  const root = project(t);
  markBuilt(root);
  rmSync(join(root, ENTRY_FILE));
  t.is(buildReason(root), 'no build yet', 'dist/src/cli.js deleted');
  markBuilt(root);
  rmSync(join(root, STAMP_FILE));
  t.is(buildReason(root), 'no record of the last build', 'stamp deleted');
  markBuilt(root);

  writeFileSync(join(root, 'src', 'lib', 'greet.ts'), 'export const greeting: string = 42;\n');
  const failed = build(root);
  t.like(failed.result, { built: false, failed: true }, 'tsc reports the type error');
  t.is(buildReason(root), 'the sources changed since the last build', 'so the next start tries again');
});
