/**
 * Command line of `npm run bench`:
 *   --only model,daemon          phase 1 parts
 *   --scenarios idle,hog,static,enter  scenarios (enter: person entering an empty scene -> `new` event)
 *   --only detect                `lookout detect` on 50 photos, current vs a baseline commit
 *   --only tracker               tracker cost at 20 objects as a share of one inference (target <= 2%)
 *   --quick                      shorter windows, fewer variants (for development)
 *   --cameras 1,2,4              camera counts of the idle scenario
 *   --out DIR                    where results go (default bench/results)
 * With neither --only nor --scenarios everything runs.
 */
export const PHASE1 = ['model', 'daemon'] as const;
export const PHASE2 = ['idle', 'hog', 'static', 'enter'] as const;
/** `lookout detect` speed, current code against a baseline commit. */
export const TOOLS = ['detect', 'tracker'] as const;
export type Part = (typeof PHASE1)[number] | (typeof PHASE2)[number] | (typeof TOOLS)[number];

export interface BenchArgs {
  parts: Set<Part>;
  quick: boolean;
  cameras: number[];
  hogCameras: number;
  outDir: string | null;
}

export class UsageError extends Error {
  readonly code = 'EUSAGE';
}

const ALL: readonly Part[] = [...PHASE1, ...PHASE2, ...TOOLS];

function list(value: string | undefined, flag: string): string[] {
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag}: expected a comma-separated list`);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const parts = new Set<Part>();
  let quick = false;
  let cameras = [1, 2, 4];
  let hogCameras = 2;
  let outDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg === '--scenarios') {
      for (const name of list(argv[++i], arg)) {
        if (!ALL.includes(name as Part)) throw new UsageError(`${arg}: unknown part '${name}'; expected ${ALL.join(', ')}`);
        parts.add(name as Part);
      }
    } else if (arg === '--cameras') {
      cameras = list(argv[++i], arg).map(Number);
      if (cameras.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError('--cameras: expected positive integers');
    } else if (arg === '--hog-cameras') {
      hogCameras = Number(argv[++i]);
      if (!Number.isInteger(hogCameras) || hogCameras < 1) throw new UsageError('--hog-cameras: expected a positive integer');
    } else if (arg === '--out') {
      outDir = argv[++i] ?? null;
      if (!outDir) throw new UsageError('--out: expected a directory');
    } else if (arg === '--help' || arg === '-h') {
      throw new UsageError('usage: npm run bench -- [--only model,daemon,detect,tracker] [--scenarios idle,hog,static,enter] [--quick] [--cameras 1,2,4] [--hog-cameras N] [--out DIR]');
    } else throw new UsageError(`unknown argument '${arg}' (try --help)`);
  }
  if (parts.size === 0) for (const p of ALL) parts.add(p);
  return { parts, quick, cameras, hogCameras, outDir };
}
