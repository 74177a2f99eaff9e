/**
 * `lookout detect`: the configured model on image and video files. The daemon
 * file supplies the defaults (model, runtime, threads); flags override them,
 * and a missing or invalid daemon file is fine when --model is given.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { configRedactor, loadDaemonConfig, urlMasker, type Redact } from '../config/index.js';
import { runDetectCommand, type DetectCommandIO } from '../detector/detect-command.js';

export async function detect(configFile: string, argv: string[]): Promise<number> {
  let defaults: DetectCommandIO['defaults'] = {};
  // Errors may echo a URL given as a file argument, or the config's MQTT credentials: masked on the way out.
  let redactor: Redact = urlMasker;
  if (existsSync(configFile)) {
    try {
      const config = loadDaemonConfig(configFile, process.env);
      const { detector } = config;
      redactor = configRedactor(config);
      defaults = {
        model: detector.model,
        runtime: detector.runtime,
        threads: detector.threads,
        decode: { iouThreshold: detector.iou, maxDet: detector.max_det, agnostic: detector.agnostic_nms },
      };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (!argv.includes('--model')) {
        for (const problem of error.problems) process.stderr.write(`${redactor.text(problem)}\n`);
        return 78;
      }
    }
  }
  const stderr = { write: (chunk: string) => process.stderr.write(redactor.text(chunk)) };
  return runDetectCommand(argv, { stdout: process.stdout, stderr, defaults });
}
