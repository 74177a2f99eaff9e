#!/usr/bin/env node
/**
 * The `lookout` command. Each subcommand's modules are imported when it runs:
 * `lookout detect` and `check-config` do not load the daemon (MQTT, the
 * embedded broker, HTTP, pictures), which would add a tenth of a second or
 * more to every start.
 */
import { parseArgs, USAGE, UsageError } from './cli/args.js';
import { urlMasker } from './config/mask.js';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`lookout: ${error.message}\n${USAGE}\n`);
      process.exit(64);
    }
    throw error;
  }
  switch (parsed.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    case 'check-config': {
      const { checkConfig } = await import('./cli/check-config.js');
      process.exitCode = checkConfig(parsed.configFile, process.env, (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`));
      return;
    }
    case 'detect': {
      const { detect } = await import('./cli/detect.js');
      // `lookout detect clip.mp4 --json | head` closes the pipe early: that is done, not a crash.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      process.exitCode = await detect(parsed.configFile, parsed.rest);
      return;
    }
    case 'track': {
      const { runTrackCommand } = await import('./cli/track.js');
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      // Its messages name inputs and config values: URL credentials are masked on the way out.
      process.exitCode = await runTrackCommand(parsed.configFile, parsed.rest, { stdout: process.stdout, stderr: { write: (chunk: string) => process.stderr.write(urlMasker.text(chunk)) } });
      return;
    }
    case 'run': {
      const { runDaemon } = await import('./cli/run-daemon.js');
      await runDaemon(parsed.configFile, process.env);
    }
  }
}

void main();
