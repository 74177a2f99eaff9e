/** Temp directories for config tests, removed when the test ends. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutionContext } from 'ava';

export interface TmpDir {
  dir: string;
  /** Writes `content` (objects as JSON) to `dir/name` and returns the full path. */
  write(name: string, content: unknown): string;
}

export function tmpDir(t: ExecutionContext): TmpDir {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, content) {
      const file = join(dir, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    },
  };
}
