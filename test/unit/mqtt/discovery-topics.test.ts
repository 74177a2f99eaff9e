/** Snapshot and Home Assistant discovery topics, and the filter matching subscriptions use. */
import test from 'ava';
import { matches } from '../../../src/mqtt/publisher.js';
import { createTopics, discoveryId } from '../../../src/mqtt/topics.js';

test('snapshot topic under the label; discovery topics under the prefix; ids sanitised', (t) => {
  const topics = createTopics('home/lookout', 'ha');
  t.is<string, string>(topics.snapshot('front', 'traffic light'), 'home/lookout/front/traffic light/snapshot');
  t.is<string, string>(topics.discoveryConfig('binary_sensor', 'home_lookout_front', 'person_occupancy'), 'ha/binary_sensor/home_lookout_front/person_occupancy/config');
  t.is(topics.discoveryStatus, 'ha/status');
  t.is(topics.discoveryConfigFilter, 'ha/+/+/+/config');
  t.is(discoveryId('home/lookout', 'front'), 'home_lookout_front');
  t.is(discoveryId('traffic light', 'count'), 'traffic_light_count');
  t.throws(() => topics.discoveryConfig('sensor', 'a b', 'x'), { message: /node_id "a b"/ }, 'an id Home Assistant would not accept is a bug, refused loudly');
  t.throws(() => topics.snapshot('front', 'status'), { message: /reserved/ }, 'a reserved label has no snapshot topic either');
  t.throws(() => createTopics('lookout', 'home/#'), { message: /invalid/ });
});

test('MQTT filter matching: + is one level, # the rest', (t) => {
  t.true(matches('ha/status', 'ha/status'));
  t.false(matches('ha/status', 'ha/status/x'));
  t.true(matches('ha/+/+/+/config', 'ha/sensor/n/o/config'));
  t.false(matches('ha/+/+/+/config', 'ha/sensor/o/config'), 'a config without node id is not matched');
  t.true(matches('ha/#', 'ha/a/b/c'));
  t.false(matches('ha/+', 'hb/x'));
});
