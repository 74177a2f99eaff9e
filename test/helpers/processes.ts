import { execFileSync } from 'node:child_process';

/** `ps` line (pid stat comm) for a pid, or null when no such process exists (zombies included). */
export function psLine(pid: number): string | null {
  const out = execFileSync('ps', ['-eo', 'pid,stat,comm'], { encoding: 'utf8' });
  return out.split('\n').find((line) => line.trim().split(/\s+/)[0] === String(pid)) ?? null;
}
