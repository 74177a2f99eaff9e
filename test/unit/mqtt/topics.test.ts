import test from 'ava';
import { createTopics, encodePayload, RESERVED_CAMERA_LEVELS, reservedLabelConflicts } from '../../../src/mqtt/topics.js';
import type { LookoutError } from '../../../src/errors.js';

test('topics under the default base are the documented strings', (t) => {
  const topics = createTopics();
  t.is<string, string>(topics.availability, 'lookout/status', 'availability');
  t.is<string, string>(topics.stats, 'lookout/stats', 'stats');
  t.is<string, string>(topics.cameraStatus('front_door'), 'lookout/front_door/status', 'camera status');
  t.is<string, string>(topics.detections('front_door'), 'lookout/front_door/detections', 'detections');
  t.is<string, string>(topics.events('front_door'), 'lookout/front_door/events', 'events');
  t.is<string, string>(topics.objectCount('front_door', 'person'), 'lookout/front_door/person', 'object count: <base>/<camera>/<label>');
  t.is<string, string>(topics.objectCount('front_door', 'traffic light'), 'lookout/front_door/traffic light', 'a COCO label with a space is one level');
});

test('a multi-level base topic is used as the prefix', (t) => {
  const topics = createTopics('home/lookout');
  t.is<string, string>(topics.availability, 'home/lookout/status');
  t.is<string, string>(topics.cameraStatus('garage'), 'home/lookout/garage/status');
});

test('a camera or label that would add a level or a wildcard is rejected', (t) => {
  const topics = createTopics('lookout');
  for (const bad of ['a/b', 'a+', '#', '']) {
    const error = t.throws<LookoutError>(() => topics.cameraStatus(bad), undefined, `camera ${JSON.stringify(bad)}`);
    t.is(error?.code, 'EMQTT_TOPIC');
  }
  t.throws(() => topics.objectCount('cam', 'a/b'), { message: /label/ }, 'label with a slash');
});

test('a label equal to a reserved per-camera level has no count topic', (t) => {
  const topics = createTopics('lookout');
  t.deepEqual([...RESERVED_CAMERA_LEVELS], ['status', 'detections', 'events', 'motion', 'snapshot'], 'the reserved levels');
  for (const label of RESERVED_CAMERA_LEVELS) {
    const error = t.throws<LookoutError>(() => topics.objectCount('cam', label), undefined, `label ${label} refused`);
    t.is(error?.code, 'EMQTT_TOPIC', `label ${label}: EMQTT_TOPIC`);
    t.regex(error?.message ?? '', new RegExp(`label "${label}".*reserved.*detect\\.labels`), `label ${label}: the message names the label and the fix`);
  }
  t.is<string, string>(topics.objectCount('cam', 'Status'), 'lookout/cam/Status', 'topics are case-sensitive: Status is not status');
  t.deepEqual(reservedLabelConflicts(['person', 'events', 'car', 'status']), ['events', 'status'], 'conflicts listed in the order given');
  t.deepEqual(reservedLabelConflicts(['person', 'car']), [], 'COCO-style labels do not conflict');
});

test('a base topic with wildcards or empty levels is rejected, naming mqtt.base_topic', (t) => {
  for (const bad of ['', 'look/+', 'look/#', '/lookout', 'lookout/', 'a//b']) {
    t.throws(() => createTopics(bad), { message: /mqtt\.base_topic/ }, `base ${JSON.stringify(bad)}`);
  }
});

test('string payloads go out verbatim, objects as JSON', (t) => {
  t.is(encodePayload('online'), 'online', 'availability is a bare word, not "\\"online\\""');
  t.is(encodePayload({ a_b: 1, timestamp: 'x' }), '{"a_b":1,"timestamp":"x"}');
});
