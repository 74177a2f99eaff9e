/**
 * Runtime plugins by config `type`. Adding a runtime = one file exporting a
 * RuntimePlugin + one line here.
 */
import { ConfigError } from '../../errors.js';
import type { RuntimePlugin } from '../model.js';
import { onnxRuntime } from './onnx.js';
import { tfjsRuntime } from './tfjs.js';

export const runtimes: ReadonlyMap<string, RuntimePlugin> = new Map(
  [onnxRuntime, tfjsRuntime].map((p) => [p.type, p] as const),
);

export const runtimeTypes = (): string[] => [...runtimes.keys()];

/**
 * The plugin for `type`. An unknown type is a config error; `where` is the
 * `file: key` prefix of the setting that named it.
 */
export function getRuntime(type: string, where = 'detector.runtime'): RuntimePlugin {
  const plugin = runtimes.get(type);
  if (!plugin) throw new ConfigError([`${where}: unknown runtime '${type}'; expected one of ${runtimeTypes().join(', ')}`]);
  return plugin;
}
