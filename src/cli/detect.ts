/**
 * `lookout detect`: the configured model on image and video files. The daemon
 * file supplies the defaults (model, runtime, threads); flags override them,
 * and a missing or invalid daemon file is fine when --model is given.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { loadDaemonConfig } from '../config/index.js';
import { runDetectCommand } from '../detector/detect-command.js';

export async function detect(configFile: string, argv: string[]): Promise<number> {
  let defaults: { model?: string; runtime?: string; threads?: number } = {};
  if (existsSync(configFile)) {
    try {
      const { detector } = loadDaemonConfig(configFile, process.env);
      defaults = { model: detector.model, runtime: detector.runtime, threads: detector.threads };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (!argv.includes('--model')) {
        for (const problem of error.problems) process.stderr.write(`${problem}\n`);
        return 78;
      }
    }
  }
  return runDetectCommand(argv, { stdout: process.stdout, stderr: process.stderr, defaults });
}
