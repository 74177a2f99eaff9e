/**
 * `lookout detect`: the configured model on image and video files. The daemon
 * file supplies the defaults (model, runtime, threads); flags override them,
 * and a missing or invalid daemon file is fine when --model is given.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { loadDaemonConfig } from '../config/index.js';
import { runDetectCommand, type DetectCommandIO } from '../detector/detect-command.js';

export async function detect(configFile: string, argv: string[]): Promise<number> {
  let defaults: DetectCommandIO['defaults'] = {};
  if (existsSync(configFile)) {
    try {
      const { detector } = loadDaemonConfig(configFile, process.env);
      defaults = {
        model: detector.model,
        runtime: detector.runtime,
        threads: detector.threads,
        decode: { iouThreshold: detector.iou, maxDet: detector.max_det, agnostic: detector.agnostic_nms },
      };
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
