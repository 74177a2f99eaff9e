/**
 * `lookout detect`: the configured model on image and video files. The daemon
 * file supplies the defaults (model, runtime, threads); flags override them,
 * and a missing or invalid daemon file is fine when --model is given.
 * `--camera NAME` (with --annotate) draws that camera file's zones and masks.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cameraGeometry, type DrawnShape } from '../geometry/overlay.js';
import { loadCameraConfigs } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { configRedactor, loadDaemonConfig, urlMasker, type Redact } from '../config/index.js';
import { runDetectCommand, type DetectCommandIO } from '../detector/detect-command.js';

export async function detect(configFile: string, argv: string[]): Promise<number> {
  let defaults: DetectCommandIO['defaults'] = {};
  let geometry: DrawnShape[] | undefined;
  const at = argv.indexOf('--camera');
  const cameraName = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0) {
    argv = [...argv.slice(0, at), ...argv.slice(at + 2)];
    if (cameraName === undefined || cameraName.startsWith('--')) {
      process.stderr.write('lookout detect: --camera needs a camera name\n');
      return 64;
    }
  }
  // Errors may echo a URL given as a file argument, or the config's MQTT credentials: masked on the way out.
  let redactor: Redact = urlMasker;
  if (existsSync(configFile)) {
    try {
      const config = loadDaemonConfig(configFile, process.env);
      const { detector } = config;
      redactor = configRedactor(config);
      if (cameraName !== undefined) {
        const dir = resolve(dirname(configFile), config.cameras.dir);
        const entry = loadCameraConfigs(dir, config.cameras.defaults).find((e) => e.name === cameraName);
        if (!entry) {
          process.stderr.write(`lookout detect: --camera: no camera file ${cameraName}.json in ${dir}\n`);
          return 66;
        }
        if (!entry.config) {
          for (const problem of entry.problems) process.stderr.write(`${redactor.text(problem)}\n`);
          return 78;
        }
        geometry = cameraGeometry(entry.config);
      }
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
  if (cameraName !== undefined && geometry === undefined) {
    process.stderr.write(`lookout detect: --camera needs a valid daemon file ${configFile} (its cameras.dir holds the camera files)\n`);
    return 66;
  }
  return runDetectCommand(argv, { stdout: process.stdout, stderr, defaults, geometry });
}
