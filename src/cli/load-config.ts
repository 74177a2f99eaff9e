import { dirname, resolve } from 'node:path';
import { loadCameraConfigs, loadDaemonConfig, type CameraEntry, type DaemonConfig } from '../config/index.js';

export interface LoadedConfig {
  config: DaemonConfig;
  cameras: CameraEntry[];
  camerasDir: string;
}

/** Throws ConfigError for the daemon file (and an unreadable camera directory). */
export function loadAll(configFile: string, env: NodeJS.ProcessEnv): LoadedConfig {
  const config = loadDaemonConfig(configFile, env);
  const camerasDir = resolve(dirname(configFile), config.cameras.dir);
  return { config, cameras: loadCameraConfigs(camerasDir, config.cameras.defaults), camerasDir };
}
