/** What every arm64 check gets, and what it hands back. */
import type { Emulator } from './setup.js';

export interface Context {
  root: string;
  emu: Emulator;
  /** dist/src/cli.js: the built CLI, the same file on both architectures. */
  cli: string;
  /** Node flags for every detect run on both sides (hides tfjs-node when the host has it). */
  nodeFlags: string[];
  /** Per-run scratch directory, removed at the end. */
  work: string;
  log(line: string): void;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  problems: string[];
}
