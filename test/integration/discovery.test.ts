/**
 * Home Assistant discovery against a real mosquitto and the built daemon:
 * - every config lookout announces has the fields Home Assistant's MQTT docs
 *   require (sensor/binary_sensor: state_topic; camera: topic; unique_id,
 *   device identifiers, availability), ids Home Assistant accepts, and unique
 *   ids that are unique;
 * - every topic a config names is one lookout really publishes (seen on the
 *   broker), and the value templates read fields its payloads really have;
 * - configs of ours that no longer apply (a camera gone, a label the camera no
 *   longer reports) are cleared with an empty retained message; a config that
 *   is not ours is left alone;
 * - `homeassistant/status` = online makes lookout publish them all again.
 */
import test from 'ava';
import { connectAsync } from 'mqtt';
import { waitFor } from '../helpers/daemon.js';
import { MqttWatch } from '../helpers/mqtt-watch.js';
import { BASE, rtspCamera, startBroker, startCamera, startDaemon, watch } from '../helpers/stack.js';
import { checkDiscoveryConfig, templateReads } from '../helpers/home-assistant.js';

const SQUARE_LAVFI =
  'color=c=0x727272:s=320x240:r=10[bg];color=c=white:s=40x40:r=10[sq];[bg][sq]overlay=x=60:y=100:shortest=1[out0]';

test('discovery: documented fields, topics lookout publishes, stale configs cleared, republished when Home Assistant comes online', async (t) => {
  t.timeout(150_000);
  const broker = await startBroker(t);
  // Left over from an earlier run: a camera that is gone, a label the camera no longer reports, and someone else's config.
  const seed = await connectAsync(broker.url);
  const origin = { name: 'lookout', sw_version: '0.0.1' };
  const stale = {
    [`homeassistant/sensor/${BASE}_gone/state/config`]: { unique_id: `${BASE}_gone_state`, state_topic: `${BASE}/gone/status`, origin },
    [`homeassistant/sensor/${BASE}_sq/dim_count/config`]: { unique_id: `${BASE}_sq_dim_count`, state_topic: `${BASE}/sq/dim`, origin },
  };
  const foreign = 'homeassistant/sensor/zigbee_0x1234/temperature/config';
  for (const [topic, config] of Object.entries(stale)) await seed.publishAsync(topic, JSON.stringify(config), { retain: true, qos: 1 });
  await seed.publishAsync(foreign, JSON.stringify({ unique_id: 'z', state_topic: 'zigbee2mqtt/x' }), { retain: true, qos: 1 });
  await seed.endAsync();

  const ha = await MqttWatch.start(broker.url, 'homeassistant/#');
  t.teardown(() => ha.stop());
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t, { lavfi: SQUARE_LAVFI });
  // detect.labels: ['bright']: 'dim' is no longer reported, so its old entity must go.
  await startDaemon(t, broker, { sq: rtspCamera(camera.url, { detect: { fps: 5, labels: ['bright'] } }) }, { modelSize: 320 });

  const node = `${BASE}_sq`;
  const expected = [
    `homeassistant/sensor/${BASE}/uptime/config`,
    `homeassistant/sensor/${node}/state/config`,
    `homeassistant/sensor/${node}/inferred_fps/config`,
    `homeassistant/sensor/${node}/bright_count/config`,
    `homeassistant/binary_sensor/${node}/bright_occupancy/config`,
    `homeassistant/camera/${node}/bright_snapshot/config`,
  ];
  const configOf = (topic: string) => {
    const last = ha.messages.filter((m) => m.topic === topic).at(-1);
    return last && last.text !== '' ? JSON.parse(last.text) : null;
  };
  await waitFor('every expected discovery config', () => expected.every((topic) => configOf(topic) !== null), 60_000);
  await waitFor('a count of bright above 0', () => mqtt.json(`${BASE}/sq/bright`).some((p) => p.count > 0), 60_000);

  const ours = [...new Set(ha.messages.map((m) => m.topic))].filter((topic) => configOf(topic)?.origin?.name === 'lookout' && !(topic in stale));
  t.deepEqual(ours.sort(), [...expected].sort(), 'exactly the daemon, camera and label entities are announced');
  // A subscriber that comes later (Home Assistant starting) gets them from the broker: they are retained.
  const later = await MqttWatch.start(broker.url, 'homeassistant/#');
  t.teardown(() => later.stop());
  await waitFor('the retained configs', () => ours.every((topic) => later.messages.some((m) => m.topic === topic && m.retain)), 10_000);
  t.pass('every config is retained');

  const uniqueIds = new Set<string>();
  for (const topic of ours) {
    const config = configOf(topic);
    for (const problem of checkDiscoveryConfig(topic, config)) t.fail(`${topic}: ${problem}`);
    t.false(uniqueIds.has(config.unique_id), `${topic}: unique_id ${config.unique_id} is unique`);
    uniqueIds.add(config.unique_id);
    t.deepEqual(config.availability, [{ topic: `${BASE}/status`, payload_available: 'online', payload_not_available: 'offline' }], `${topic}: available while lookout is`);
    if (topic.includes(`/${node}/`)) t.is(config.device.via_device, BASE, `${topic}: the camera device is connected via the daemon's`);
    // Every topic the config names is published by lookout, and its template reads fields the payload has.
    for (const key of ['state_topic', 'json_attributes_topic', 'topic'] as const) {
      const named = config[key] as string | undefined;
      if (named === undefined) continue;
      const seen = await waitFor(`a message on ${named} (${topic} ${key})`, () => mqtt.messages.find((m) => m.topic === named), 20_000);
      if (key === 'state_topic') {
        const value = templateReads(config.value_template, JSON.parse(seen.text));
        t.not(value, undefined, `${topic}: ${config.value_template} reads a value from ${seen.text}`);
        if (config.device_class === 'enum') t.true(config.options.includes(value), `${topic}: state ${value} is one of its options`);
        if (topic.startsWith('homeassistant/binary_sensor/')) t.true(value === config.payload_on || value === config.payload_off, `${topic}: ${value} is payload_on or payload_off`);
      }
    }
  }
  t.true(mqtt.messages.some((m) => m.topic === `${BASE}/status` && m.text === 'online'), 'the availability topic says online');

  for (const topic of Object.keys(stale)) {
    await waitFor(`${topic} cleared`, () => ha.messages.find((m) => m.topic === topic && m.text === ''), 20_000);
  }
  t.pass('stale configs of ours were cleared with an empty message');
  t.false(ha.messages.some((m) => m.topic === foreign && m.text === ''), 'a config that is not lookout\'s is left alone');

  // Home Assistant restarts: its birth message makes lookout announce everything again.
  const before = ha.messages.length;
  const homeAssistant = await connectAsync(broker.url);
  await homeAssistant.publishAsync('homeassistant/status', 'online', { qos: 1 });
  await homeAssistant.endAsync();
  await waitFor('every config published again', () => expected.every((topic) => ha.messages.slice(before).some((m) => m.topic === topic && m.text !== '')), 20_000);
  t.pass('configs republished after homeassistant/status online');
});

test('discovery: no snapshot camera with snapshot.mqtt off', async (t) => {
  t.timeout(120_000);
  const broker = await startBroker(t);
  const ha = await MqttWatch.start(broker.url, 'homeassistant/#');
  t.teardown(() => ha.stop());
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t, { lavfi: SQUARE_LAVFI });
  await startDaemon(t, broker, {
    sq: rtspCamera(camera.url, { detect: { fps: 5, labels: ['bright'] }, snapshot: { mqtt: false } }),
  }, { modelSize: 320 });
  await waitFor('the count config', () => ha.messages.some((m) => m.topic === `homeassistant/sensor/${BASE}_sq/bright_count/config`), 60_000);
  await waitFor('an object counted', () => mqtt.json(`${BASE}/sq/bright`).some((p) => p.count > 0), 60_000);
  t.false(ha.messages.some((m) => m.topic.startsWith('homeassistant/camera/')), 'no camera entity');
  t.false(mqtt.messages.some((m) => m.topic.endsWith('/snapshot')), 'no snapshot published');
});

test('discovery: mqtt.discovery false publishes no config', async (t) => {
  t.timeout(120_000);
  const broker = await startBroker(t);
  const ha = await MqttWatch.start(broker.url, 'homeassistant/#');
  t.teardown(() => ha.stop());
  const mqtt = await watch(t, broker);
  const camera = await startCamera(t, { lavfi: SQUARE_LAVFI });
  // The helper's daemon file sets mqtt itself; the environment switches discovery off.
  await startDaemon(t, broker, { sq: rtspCamera(camera.url) }, { modelSize: 320, env: { LOOKOUT_MQTT_DISCOVERY: 'false' } });
  await waitFor('an object counted', () => mqtt.json(`${BASE}/sq/bright`).some((p) => p.count > 0), 60_000);
  await waitFor('a stats message', () => mqtt.messages.some((m) => m.topic === `${BASE}/stats`), 10_000);
  t.deepEqual(ha.messages.map((m) => m.topic), [], 'nothing under homeassistant/');
});
