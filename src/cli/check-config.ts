/**
 * `lookout check-config`: validates the daemon file and every camera file,
 * prints every problem at once, and exits non-zero on any. Every line goes
 * through the config's Redactor: no secret is printed, in any spelling.
 */
import { ConfigError, EX_CONFIG, LookoutError } from '../errors.js';
import { describeInspection, inspectModelDir } from '../detector/model-inspect.js';
import { configRedactor, maskWholeUrl, urlMasker } from '../config/index.js';
import { loadAll } from './load-config.js';
import { zoneList, zoneModelProblems } from '../zones/schema.js';

export function checkConfig(configFile: string, env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): number {
  let loaded;
  try {
    loaded = loadAll(configFile, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) err(urlMasker.text(problem));
      return EX_CONFIG;
    }
    throw error;
  }
  const redactor = configRedactor(loaded.config, loaded.cameras);
  const say = (line: string) => out(redactor.text(line));
  const complain = (line: string) => err(redactor.text(line));
  let bad = 0;
  say(`${configFile}: ok`);
  // The model as far as it can be checked without running it; a refusal reads as `run` gives it (exit 78).
  let model: { labels: string[] | null; file: string } | null = null;
  try {
    model = inspectModelDir(loaded.config.detector.model, loaded.config.detector.runtime);
    say(describeInspection(loaded.config.detector.model, model as ReturnType<typeof inspectModelDir>));
  } catch (error) {
    if (!(error instanceof LookoutError && error.code === 'EMODEL')) throw error;
    bad++;
    complain(error.message);
  }
  if (loaded.cameras.length === 0) say(`${loaded.camerasDir}: no camera files (*.json)`);
  for (const camera of loaded.cameras) {
    // Zone names and labels against the model's labels, as `run` checks them at start.
    const labelProblems = camera.config && model?.labels ? zoneModelProblems(camera.file, zoneList(camera.config.zones), camera.config.detect.labels, model.labels, model.file) : [];
    if (labelProblems.length > 0) {
      bad++;
      for (const problem of labelProblems) complain(problem);
    } else if (camera.config) {
      say(`${camera.file}: ok (camera ${camera.name}, ${camera.config.enabled ? 'enabled' : 'disabled'}, ${maskWholeUrl(camera.config.url)})`);
    } else {
      bad++;
      for (const problem of camera.problems) complain(problem);
    }
  }
  return bad === 0 ? 0 : EX_CONFIG;
}
