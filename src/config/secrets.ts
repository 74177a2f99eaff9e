/**
 * The Redactor of a loaded config: every secret the config holds, so that no
 * output path prints one in any spelling. That is each daemon key the schema
 * marks `sensitive` (mqtt.password and any secret key added later), the
 * credentials written in mqtt.url, and the password and secret parameters of
 * every camera URL (also of camera files that did not validate).
 */
import type { CameraEntry } from './load-cameras.js';
import { daemonSchema, type DaemonConfig } from './daemon-schema.js';
import { Redactor, secretsInUrl } from './mask.js';
import { leaves, type SchemaNode } from './schema.js';

type PartialConfig = { mqtt: Pick<DaemonConfig['mqtt'], 'url'> } & Record<string, unknown>;

function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), config);
}

export function configSecrets(config: PartialConfig | DaemonConfig | null, cameras: readonly Pick<CameraEntry, 'config' | 'secrets'>[] = []): string[] {
  const secrets: string[] = [];
  if (config) {
    for (const [path, leaf] of leaves(daemonSchema as unknown as SchemaNode)) {
      if (!leaf.sensitive) continue;
      const value = valueAt(config, path);
      if (typeof value === 'string' && value !== '') secrets.push(value);
    }
    secrets.push(...secretsInUrl(config.mqtt.url));
  }
  for (const camera of cameras) {
    if (camera.config) secrets.push(...secretsInUrl(camera.config.url));
    secrets.push(...(camera.secrets ?? []));
  }
  return secrets;
}

export function configRedactor(config: PartialConfig | DaemonConfig | null, cameras: readonly Pick<CameraEntry, 'config' | 'secrets'>[] = []): Redactor {
  return new Redactor(configSecrets(config, cameras));
}
