/**
 * The lookout installation directory (where package.json, models/ and config/
 * live). Found by walking up from this module, so it is the same whether the
 * code runs from dist/src (built) or src (tests under tsx).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'lookout') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the lookout package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const packageRoot = findRoot();

export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Where shipped models live: a bare detector.model name is looked up here. */
export const modelsDir = join(packageRoot, 'models');
