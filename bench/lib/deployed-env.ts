/**
 * The environment the shipped systemd unit gives the daemon: its
 * `Environment=` lines (allocator settings among them), so that the bench and
 * the soak measure the daemon as it runs on a board, not as a bare `node`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './models.js';

export const UNIT_FILE = path.join(ROOT, 'systemd/lookout.service');

export function unitEnvironment(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const m = /^\s*Environment=(.*)$/.exec(raw);
    if (!m) continue;
    // One or more NAME=value words; the unit uses no quoting.
    for (const word of m[1]!.trim().split(/\s+/)) {
      const eq = word.indexOf('=');
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return env;
}

export function deployedEnv(): Record<string, string> {
  return unitEnvironment(fs.readFileSync(UNIT_FILE, 'utf8'));
}
