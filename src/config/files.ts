/**
 * File-system findings worded for config problems. Paths are shown as the
 * user wrote them, plus the resolved path when it was relative, since "does
 * not exist" is usually a question of what it was relative to.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { shown } from './checks.js';

/** `ENOENT: no such file or directory` (Node's message minus the path, which the problem names already). */
export function describeFsError(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/, \w+( '.*')?$/s, '');
  return String(err);
}

/** Why a configured file cannot be used, or null. `written` is the path as configured, `path` resolved. */
export function unreadableFile(written: string, path: string): string | null {
  const where = isAbsolute(written) ? shown(written) : `${shown(written)} (resolved to ${shown(path)})`;
  try {
    if (!statSync(path).isFile()) return `${where} is not a file`;
    accessSync(path, constants.R_OK);
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return `${where} does not exist`;
    return `cannot read ${where}: ${describeFsError(err)}`;
  }
}
