/**
 * What Home Assistant's MQTT integration documents about a discovery config,
 * as checks a test can run on a payload lookout published:
 * - topic: `<prefix>/<component>/[<node_id>/]<object_id>/config`, ids
 *   `[a-zA-Z0-9_-]+`;
 * - sensor and binary_sensor require `state_topic`; camera requires `topic`;
 * - `device` needs `identifiers` (or `connections`), and a device needs a
 *   `unique_id` on the entity;
 * - each `availability` entry requires `topic`; `origin` requires `name`;
 * - `entity_category` is config or diagnostic; a sensor's `state_class` is
 *   measurement, total or total_increasing; device_class enum needs
 *   `options` and takes no unit or state_class; binary_sensor's device_class
 *   is one of its documented classes.
 */
const TOPIC = /^homeassistant\/(sensor|binary_sensor|camera)\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)\/config$/;
const BINARY_CLASSES = new Set(['battery', 'battery_charging', 'carbon_monoxide', 'cold', 'connectivity', 'door', 'garage_door', 'gas', 'heat', 'light', 'lock', 'moisture', 'motion', 'moving', 'occupancy', 'opening', 'plug', 'power', 'presence', 'problem', 'running', 'safety', 'smoke', 'sound', 'tamper', 'update', 'vibration', 'window']);

export function checkDiscoveryConfig(topic: string, config: any): string[] {
  const problems: string[] = [];
  const match = TOPIC.exec(topic);
  if (!match) return [`topic does not match <prefix>/<component>/<node_id>/<object_id>/config with [a-zA-Z0-9_-] ids`];
  const component = match[1]!;
  const text = (key: string) => typeof config[key] === 'string' && config[key] !== '';
  if (!text('unique_id')) problems.push('unique_id missing (required for a device)');
  if (!text('name')) problems.push('name missing');
  if (component === 'camera' ? !text('topic') : !text('state_topic')) problems.push(`${component === 'camera' ? 'topic' : 'state_topic'} missing (required)`);
  const device = config.device;
  if (typeof device !== 'object' || device === null) problems.push('device missing');
  else {
    if (!Array.isArray(device.identifiers) || device.identifiers.length === 0) problems.push('device.identifiers missing');
    for (const key of ['name', 'model', 'manufacturer', 'sw_version']) if (typeof device[key] !== 'string') problems.push(`device.${key} missing`);
  }
  if (!Array.isArray(config.availability) || config.availability.some((a: any) => typeof a?.topic !== 'string')) problems.push('availability entries need a topic');
  if (typeof config.origin?.name !== 'string') problems.push('origin.name missing');
  if (config.entity_category !== undefined && !['config', 'diagnostic'].includes(config.entity_category)) problems.push(`entity_category ${config.entity_category}`);
  if (component === 'sensor') {
    if (config.state_class !== undefined && !['measurement', 'total', 'total_increasing'].includes(config.state_class)) problems.push(`state_class ${config.state_class}`);
    if (config.device_class === 'enum' && (!Array.isArray(config.options) || config.unit_of_measurement !== undefined || config.state_class !== undefined)) problems.push('device_class enum needs options and no unit or state_class');
  }
  if (component === 'binary_sensor' && config.device_class !== undefined && !BINARY_CLASSES.has(config.device_class)) problems.push(`binary_sensor device_class ${config.device_class}`);
  return problems;
}

/**
 * The value a value_template lookout uses gives for a JSON payload: the
 * `{{ value_json.a.b }}` / `{{ value_json.a["k"].b }}` paths and the
 * `{{ 'ON' if value_json.x > 0 else 'OFF' }}` test. Anything else throws, so a
 * new template form must be added here rather than pass unchecked.
 */
export function templateReads(template: string, payload: unknown): unknown {
  const ternary = /^\{\{ '(\w+)' if value_json((?:\.\w+|\["[^"]*"\])+) > (\d+) else '(\w+)' \}\}$/.exec(template);
  if (ternary) {
    const value = path(payload, ternary[2]!);
    return typeof value === 'number' ? (value > Number(ternary[3]) ? ternary[1] : ternary[4]) : undefined;
  }
  const plain = /^\{\{ value_json((?:\.\w+|\["[^"]*"\])+) \}\}$/.exec(template);
  if (plain) return path(payload, plain[1]!);
  throw new Error(`template form not understood by the test: ${template}`);
}

function path(value: unknown, expression: string): unknown {
  const keys = [...expression.matchAll(/\.(\w+)|\["([^"]*)"\]/g)].map((m) => m[1] ?? m[2]!);
  return keys.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
}
