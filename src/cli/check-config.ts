/**
 * `lookout check-config`: validates the daemon file and every camera file,
 * prints every problem at once, and exits non-zero on any.
 */
import { ConfigError, EX_CONFIG } from '../errors.js';
import { maskUrl } from '../config/index.js';
import { loadAll } from './load-config.js';

export function checkConfig(configFile: string, env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): number {
  let loaded;
  try {
    loaded = loadAll(configFile, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) err(problem);
      return EX_CONFIG;
    }
    throw error;
  }
  let bad = 0;
  out(`${configFile}: ok`);
  if (loaded.cameras.length === 0) out(`${loaded.camerasDir}: no camera files (*.json)`);
  for (const camera of loaded.cameras) {
    if (camera.config) {
      out(`${camera.file}: ok (camera ${camera.name}, ${camera.config.enabled ? 'enabled' : 'disabled'}, ${maskUrl(camera.config.url)})`);
    } else {
      bad++;
      for (const problem of camera.problems) err(problem);
    }
  }
  return bad === 0 ? 0 : EX_CONFIG;
}
