// The build step of the npm pre-scripts: run tsc only when what it compiles
// changed since the last successful build.
//
// The stamp is a sha256 over every file under src/ (paths and contents, so an
// added, removed, renamed or edited file counts), tsconfig.json, package.json
// and package-lock.json (which pins the TypeScript version). It is written to
// dist/ only after tsc succeeded, so a failed or interrupted build is retried
// on the next start. Contents, not modification times: a checkout or a copy
// that touches files without changing them does not rebuild.
//
// Plain JavaScript with Node's standard library only: it runs before
// node_modules and dist/ exist.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Where the stamp lives, relative to the repository root. */
export const STAMP_FILE = join('dist', '.lookout-build-sha256');

/** What the built program needs to exist besides the stamp. */
export const ENTRY_FILE = join('dist', 'src', 'cli.js');

/** The files outside src/ that change what tsc emits. */
const BUILD_INPUTS = ['tsconfig.json', 'package.json', 'package-lock.json'];

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** The sha256 of everything the build reads, as hex. */
export function sourceHash(root) {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(join(root, 'src')),
    ...BUILD_INPUTS.map((name) => join(root, name)).filter((path) => existsSync(path)),
  ];
  const names = files.map((path) => relative(root, path).split(sep).join('/')).sort();
  for (const name of names) {
    const content = readFileSync(join(root, name));
    // Name and length first, so no two file sets can hash alike by shifting bytes between files.
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/**
 * Why a build is needed, or null when dist/ was built from exactly these
 * sources: no stamp, the built entry point missing, or the sources changed.
 */
export function buildReason(root, hash = sourceHash(root)) {
  const stamp = join(root, STAMP_FILE);
  if (!existsSync(join(root, ENTRY_FILE))) return 'no build yet';
  if (!existsSync(stamp)) return 'no record of the last build';
  if (readFileSync(stamp, 'utf8').trim() !== hash) return 'the sources changed since the last build';
  return null;
}

/** Record that dist/ now matches the sources that hashed to `hash`. */
export function writeStamp(root, hash) {
  writeFileSync(join(root, STAMP_FILE), `${hash}\n`);
}

/**
 * Builds with the project's own tsc when the sources changed. Returns
 * { built: false } when dist/ is current, { built: true, reason } after a
 * successful build, or { built: false, failed: true, status } when tsc failed
 * (no stamp is written then). `log` gets one line before tsc starts; tsc's
 * own output goes to `stdio` (the terminal by default).
 */
export function ensureBuilt(root, log = (line) => console.log(line), stdio = 'inherit') {
  const hash = sourceHash(root);
  const reason = buildReason(root, hash);
  if (reason === null) return { built: false };
  log(`lookout setup: building (tsc; ${reason})…`);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio, cwd: root });
  if (result.error) throw result.error;
  if (result.status !== 0) return { built: false, failed: true, status: result.status ?? 1 };
  writeStamp(root, hash);
  return { built: true, reason };
}
