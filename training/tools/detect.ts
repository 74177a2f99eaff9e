/**
 * `lookout detect` from source (no build needed), for the training tools:
 *   npx tsx training/tools/detect.ts FILE... --model DIR --runtime onnx|tfjs --json --min-score X
 * With --list FILE instead of FILE..., reads the input paths from FILE (one per line).
 */
import fs from 'node:fs';
import { runDetectCommand } from '../../src/detector/detect-command.js';

const argv = process.argv.slice(2);
const i = argv.indexOf('--list');
if (i >= 0) {
  const list = fs.readFileSync(argv[i + 1]!, 'utf8').split('\n').filter(Boolean);
  argv.splice(i, 2, ...list);
}
process.exitCode = await runDetectCommand(argv, { stdout: process.stdout, stderr: process.stderr });
