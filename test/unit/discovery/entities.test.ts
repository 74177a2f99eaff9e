/** Home Assistant discovery configs, pinned field by field. */
import test from 'ava';
import { cameraEntities, countSensor, daemonEntities, labelEntities, occupancySensor, ownsNode, snapshotCamera, type DiscoveryContext } from '../../../src/discovery/entities.js';
import { createTopics } from '../../../src/mqtt/topics.js';

const ctx: DiscoveryContext = { topics: createTopics('home/lookout'), instance: 'home_lookout', version: '1.2.3', hostname: 'pi' };
const availability = [{ topic: 'home/lookout/status', payload_available: 'online', payload_not_available: 'offline' }];
const origin = { name: 'lookout', sw_version: '1.2.3' };
const frontDevice = { identifiers: ['home_lookout_front'], name: 'front', model: 'Camera watched by lookout', manufacturer: 'lookout', sw_version: '1.2.3', via_device: 'home_lookout' };

test('a label with a space: count sensor on the count topic, ids with _ for the space', (t) => {
  t.deepEqual(countSensor(ctx, 'front', 'traffic light'), {
    component: 'sensor',
    nodeId: 'home_lookout_front',
    objectId: 'traffic_light_count',
    config: {
      unique_id: 'home_lookout_front_traffic_light_count',
      name: 'Traffic light count',
      device: frontDevice,
      availability,
      origin,
      qos: 1,
      state_topic: 'home/lookout/front/traffic light',
      value_template: '{{ value_json.count }}',
      state_class: 'measurement',
    },
  });
});

test('occupancy: on while the count is above 0; snapshot camera on the snapshot topic', (t) => {
  const occupancy = occupancySensor(ctx, 'front', 'person');
  t.is(occupancy.component, 'binary_sensor');
  t.like(occupancy.config, { state_topic: 'home/lookout/front/person', value_template: "{{ 'ON' if value_json.count > 0 else 'OFF' }}", payload_on: 'ON', payload_off: 'OFF', device_class: 'occupancy' });
  const camera = snapshotCamera(ctx, 'front', 'person');
  t.is(camera.component, 'camera');
  t.is(camera.config['topic'], 'home/lookout/front/person/snapshot');
  t.is(camera.config.unique_id, 'home_lookout_front_person_snapshot');
  t.deepEqual(labelEntities(ctx, 'front', 'person', false).map((e) => e.objectId), ['person_count', 'person_occupancy'], 'no camera without MQTT snapshots');
  t.deepEqual(labelEntities(ctx, 'front', 'person', true).map((e) => e.objectId), ['person_count', 'person_occupancy', 'person_snapshot']);
});

test('camera diagnostics: state (enum of the camera states, status as attributes) and inferred fps from stats', (t) => {
  const [state, fps] = cameraEntities(ctx, 'front');
  t.like(state!.config, {
    state_topic: 'home/lookout/front/status', json_attributes_topic: 'home/lookout/front/status', value_template: '{{ value_json.state }}',
    device_class: 'enum', options: ['connecting', 'streaming', 'offline', 'disabled', 'error'], entity_category: 'diagnostic',
  });
  t.like(fps!.config, { state_topic: 'home/lookout/stats', value_template: '{{ value_json.cameras["front"].inferred_fps }}', unit_of_measurement: 'fps', entity_category: 'diagnostic' });
  const [uptime] = daemonEntities(ctx);
  t.like(uptime!.config, { state_topic: 'home/lookout/stats', device: { identifiers: ['home_lookout'], model: 'lookout daemon' } });
  t.false('via_device' in (uptime!.config.device as object), 'the daemon is the hub itself');
});

test('the node ids this instance owns', (t) => {
  t.true(ownsNode(ctx, 'home_lookout'));
  t.true(ownsNode(ctx, 'home_lookout_front'));
  t.false(ownsNode(ctx, 'home_lookoutx'));
  t.false(ownsNode(ctx, 'zigbee2mqtt_0x12'));
});
