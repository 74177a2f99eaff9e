/**
 * Home Assistant MQTT discovery configs, one small function per entity type
 * (the shape of zigbee2mqtt's extension). Field names and meanings follow
 * Home Assistant's MQTT integration docs:
 * - every entity: `unique_id`, `name`, `device` (`identifiers`, `name`,
 *   `model`, `manufacturer`, `sw_version`, `via_device`), `availability`
 *   (`topic`, `payload_available`, `payload_not_available`), `origin`
 *   (`name`, `sw_version`), `qos`;
 * - `sensor` (required `state_topic`): `value_template`, `device_class`,
 *   `options` (with device_class enum), `state_class`, `unit_of_measurement`,
 *   `entity_category`, `json_attributes_topic`;
 * - `binary_sensor` (required `state_topic`): `value_template` giving
 *   `payload_on`/`payload_off`, `device_class` occupancy;
 * - `camera` (required `topic`): the topic's payload is the image file itself.
 * Every topic named here is one lookout publishes (topics.ts builds them all).
 */
import type { DiscoveryConfigPayload, CameraState } from '../mqtt/payloads.js';
import { discoveryId, type Topics } from '../mqtt/topics.js';

export type Component = 'sensor' | 'binary_sensor' | 'camera';

/** One entity: where its config goes and what it says. */
export interface DiscoveryEntity {
  component: Component;
  nodeId: string;
  objectId: string;
  config: DiscoveryConfigPayload;
}

export interface DiscoveryContext {
  topics: Pick<Topics, 'availability' | 'stats' | 'cameraStatus' | 'objectCount' | 'snapshot'>;
  /** discoveryId(mqtt.base_topic): the daemon's node id and the prefix of every id, so two lookouts on one broker differ. */
  instance: string;
  version: string;
  hostname: string;
}

export const ORIGIN_NAME = 'lookout';
const CAMERA_STATES: readonly CameraState[] = ['connecting', 'streaming', 'offline', 'disabled', 'error'];

export function daemonNodeId(ctx: DiscoveryContext): string {
  return ctx.instance;
}

export function cameraNodeId(ctx: DiscoveryContext, camera: string): string {
  return discoveryId(ctx.instance, camera);
}

/** The node ids lookout (this instance) owns: the daemon's and `<instance>_<camera>`. */
export function ownsNode(ctx: DiscoveryContext, nodeId: string): boolean {
  return nodeId === ctx.instance || nodeId.startsWith(`${ctx.instance}_`);
}

function daemonDevice(ctx: DiscoveryContext): Record<string, unknown> {
  return { identifiers: [daemonNodeId(ctx)], name: `lookout ${ctx.hostname}`, model: 'lookout daemon', manufacturer: 'lookout', sw_version: ctx.version };
}

function cameraDevice(ctx: DiscoveryContext, camera: string): Record<string, unknown> {
  return {
    identifiers: [cameraNodeId(ctx, camera)],
    name: camera,
    model: 'Camera watched by lookout',
    manufacturer: 'lookout',
    sw_version: ctx.version,
    via_device: daemonNodeId(ctx),
  };
}

/** What every config carries: id, name, device, the daemon's availability, origin. */
function entity(
  ctx: DiscoveryContext,
  component: Component,
  nodeId: string,
  objectId: string,
  device: Record<string, unknown>,
  name: string,
  fields: Record<string, unknown>,
): DiscoveryEntity {
  const config: DiscoveryConfigPayload = {
    unique_id: `${nodeId}_${objectId}`,
    name,
    device,
    availability: [{ topic: ctx.topics.availability, payload_available: 'online', payload_not_available: 'offline' }],
    origin: { name: ORIGIN_NAME, sw_version: ctx.version },
    qos: 1,
    ...fields,
  };
  return { component, nodeId, objectId, config };
}

/** The daemon: its uptime, from `<base>/stats`. */
export function daemonEntities(ctx: DiscoveryContext): DiscoveryEntity[] {
  return [
    entity(ctx, 'sensor', daemonNodeId(ctx), 'uptime', daemonDevice(ctx), 'Uptime', {
      state_topic: ctx.topics.stats,
      value_template: '{{ value_json.uptime_s }}',
      device_class: 'duration',
      unit_of_measurement: 's',
      entity_category: 'diagnostic',
    }),
  ];
}

/** A camera's state (with the whole status payload as attributes) and inferred fps, both diagnostic. */
export function cameraEntities(ctx: DiscoveryContext, camera: string): DiscoveryEntity[] {
  const node = cameraNodeId(ctx, camera);
  const device = cameraDevice(ctx, camera);
  return [
    entity(ctx, 'sensor', node, 'state', device, 'State', {
      state_topic: ctx.topics.cameraStatus(camera),
      value_template: '{{ value_json.state }}',
      json_attributes_topic: ctx.topics.cameraStatus(camera),
      device_class: 'enum',
      options: [...CAMERA_STATES],
      entity_category: 'diagnostic',
    }),
    entity(ctx, 'sensor', node, 'inferred_fps', device, 'Inferred fps', {
      state_topic: ctx.topics.stats,
      value_template: `{{ value_json.cameras[${JSON.stringify(camera)}].inferred_fps }}`,
      unit_of_measurement: 'fps',
      state_class: 'measurement',
      entity_category: 'diagnostic',
    }),
  ];
}

const title = (label: string) => label.charAt(0).toUpperCase() + label.slice(1);

/** A label's count sensor, from `<base>/<camera>/<label>`. */
export function countSensor(ctx: DiscoveryContext, camera: string, label: string): DiscoveryEntity {
  return entity(ctx, 'sensor', cameraNodeId(ctx, camera), discoveryId(label, 'count'), cameraDevice(ctx, camera), `${title(label)} count`, {
    state_topic: ctx.topics.objectCount(camera, label),
    value_template: '{{ value_json.count }}',
    state_class: 'measurement',
  });
}

/** On while the label's count is above 0. */
export function occupancySensor(ctx: DiscoveryContext, camera: string, label: string): DiscoveryEntity {
  return entity(ctx, 'binary_sensor', cameraNodeId(ctx, camera), discoveryId(label, 'occupancy'), cameraDevice(ctx, camera), `${title(label)} occupancy`, {
    state_topic: ctx.topics.objectCount(camera, label),
    value_template: "{{ 'ON' if value_json.count > 0 else 'OFF' }}",
    payload_on: 'ON',
    payload_off: 'OFF',
    device_class: 'occupancy',
  });
}

/** The best picture of the label's latest object, from `<base>/<camera>/<label>/snapshot` (JPEG bytes). */
export function snapshotCamera(ctx: DiscoveryContext, camera: string, label: string): DiscoveryEntity {
  return entity(ctx, 'camera', cameraNodeId(ctx, camera), discoveryId(label, 'snapshot'), cameraDevice(ctx, camera), `${title(label)} snapshot`, {
    topic: ctx.topics.snapshot(camera, label),
  });
}

/** Everything one label of a camera gets: count, occupancy, and the snapshot camera when snapshots go to MQTT. */
export function labelEntities(ctx: DiscoveryContext, camera: string, label: string, snapshots: boolean): DiscoveryEntity[] {
  const entities = [countSensor(ctx, camera, label), occupancySensor(ctx, camera, label)];
  if (snapshots) entities.push(snapshotCamera(ctx, camera, label));
  return entities;
}
