/** Phase 2 (issue 5) scenarios: not built yet. */
import type { BenchArgs } from './lib/args.js';

export type ScenarioResults = Record<string, unknown>;

export async function runScenarios(_args: BenchArgs, _outDir: string, _stamp: string, log: (l: string) => void): Promise<ScenarioResults> {
  log('scenarios: not built yet');
  return {};
}

export function printScenarios(_results: ScenarioResults, _table: (h: string[], r: string[][]) => string): void {}
