/**
 * `lookout [run|check-config|detect|track] [--config PATH] ...`: the command and the
 * daemon file. Each command parses its own further options.
 */
import { join, resolve } from 'node:path';
import { packageRoot } from '../package-root.js';

export const COMMANDS = ['run', 'check-config', 'detect', 'track', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

export interface ParsedArgs {
  command: Command;
  configFile: string;
  /** Arguments left for the command. */
  rest: string[];
}

export class UsageError extends Error {}

export const USAGE = `usage: lookout [run] [--config PATH]
       lookout check-config [--config PATH]
       lookout detect FILE... [--config PATH] [--model DIR] [--runtime onnx|tfjs] [--threads N] [--json] [--annotate OUTDIR [--camera NAME]] [--min-score X]
       lookout track FILE... [--config PATH] [--camera NAME] [--fps N] [--labels a,b] [--mot OUT] [--json] [--model NAME|DIR] [--frame-rate N]

The daemon file defaults to $LOOKOUT_CONFIG, else ${join('config', 'lookout.json')} in the lookout directory.`;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedArgs {
  const args = [...argv];
  let command: Command = 'run';
  const first = args[0];
  if (first !== undefined && !first.startsWith('-')) {
    if (!(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`unknown command '${first}'`);
    command = first as Command;
    args.shift();
  }
  let configFile = env.LOOKOUT_CONFIG || join(packageRoot, 'config', 'lookout.json');
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config') {
      const value = args[++i];
      if (value === undefined) throw new UsageError('--config needs a path');
      configFile = value;
    } else if (arg.startsWith('--config=')) {
      configFile = arg.slice('--config='.length);
    } else if (arg === '--help' || arg === '-h') {
      command = 'help';
    } else {
      rest.push(arg);
    }
  }
  if (command !== 'detect' && command !== 'track' && command !== 'help' && rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  return { command, configFile: resolve(configFile), rest };
}
