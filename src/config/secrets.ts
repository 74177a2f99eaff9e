/**
 * The Redactor of a loaded config: every secret the config holds (camera URL
 * passwords and secret parameters, the MQTT password and the MQTT URL's
 * credentials), so that no output path prints them in any spelling.
 */
import type { CameraEntry } from './load-cameras.js';
import type { DaemonConfig } from './daemon-schema.js';
import { Redactor, secretsInUrl } from './mask.js';

export function configSecrets(config: Pick<DaemonConfig, 'mqtt'> | null, cameras: readonly Pick<CameraEntry, 'config' | 'secrets'>[] = []): string[] {
  const secrets: string[] = [];
  if (config) {
    if (config.mqtt.password !== '') secrets.push(config.mqtt.password);
    secrets.push(...secretsInUrl(config.mqtt.url));
  }
  for (const camera of cameras) {
    if (camera.config) secrets.push(...secretsInUrl(camera.config.url));
    secrets.push(...(camera.secrets ?? []));
  }
  return secrets;
}

export function configRedactor(config: Pick<DaemonConfig, 'mqtt'> | null, cameras: readonly Pick<CameraEntry, 'config' | 'secrets'>[] = []): Redactor {
  return new Redactor(configSecrets(config, cameras));
}
