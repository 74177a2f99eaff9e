import test from 'ava';
import { TrackEventPublisher, type TrackEventSink } from '../../../src/tracker/events.js';
import { Tracker } from '../../../src/tracker/tracker.js';
import { TRACKER_DEFAULTS } from '../../../src/tracker/schema.js';
import { createTopics, type Topic } from '../../../src/mqtt/topics.js';
import type { EventPayload, ZoneCountPayload } from '../../../src/mqtt/payloads.js';
import { ZoneTracker } from '../../../src/zones/zone-tracker.js';
import type { Zone } from '../../../src/zones/schema.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { boxAt, det, T0 } from '../tracker/fixtures.js';

// The fixtures' source is 1000x500: x in pixels / 1000, y / 500.
const RIGHT: Zone = { name: 'right', polygon: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]], labels: [], minFrames: 1 };
const BOTTOM: Zone = { name: 'bottom', polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]], labels: ['car'], minFrames: 1 };

function setup(zones: Zone[], required: string[] = [], tracker: Partial<typeof TRACKER_DEFAULTS> = {}) {
  const config = { ...TRACKER_DEFAULTS, update_interval_s: 100, max_age_s: 1, ...tracker };
  const sent: Array<{ topic: string; payload: unknown; retain: boolean }> = [];
  const clock = new FakeClock(T0);
  const sink: TrackEventSink = {
    topics: createTopics('lookout'),
    publish<P>(topic: Topic<P>, payload: P, opts: { retain?: boolean } = {}) {
      sent.push({ topic, payload, retain: opts.retain ?? false });
    },
  };
  const t = new Tracker(config);
  const publisher = new TrackEventPublisher({ camera: 'yard', sink, clock, config, zones: new ZoneTracker(zones, required) });
  let at = T0;
  const frame = (detections: ReturnType<typeof det>[]) => {
    at += 100;
    clock.advance(at - clock.now());
    publisher.handle(t.update(at, detections));
  };
  const events = () => sent.filter((m) => m.topic === 'lookout/yard/events').map((m) => m.payload as EventPayload);
  // "type zone | zones | entered_zones"
  const brief = () => events().map((e) => `${e.type}${e.zone ? ` ${e.zone}` : ''} | ${e.zones.join(',')} | ${e.entered_zones.join(',')}`);
  const zoneCounts = () => sent.filter((m) => m.topic.split('/').length === 4).map((m) => `${m.topic}=${(m.payload as ZoneCountPayload).count}${m.retain ? '' : ' (not retained)'}`);
  const counts = () => sent.filter((m) => m.topic.split('/').length === 3 && m.topic !== 'lookout/yard/events').map((m) => `${m.topic}=${(m.payload as { count: number }).count}`);
  return { frame, events, brief, zoneCounts, counts, sent };
}

test('a person walking through a zone: new, enter, leave, end; zones and entered_zones on every event', (t) => {
  const s = setup([RIGHT]);
  // A 200 px wide box: bottom-centre x = (x + 100) / 1000: 0.4, 0.44, 0.48 (left), 0.52, 0.56, 0.52 (right), 0.48, 0.44 (left).
  for (const x of [300, 340, 380, 420, 460, 420, 380, 340]) s.frame([det('person', boxAt(x, 0, 200, 100))]);
  for (let k = 0; k < 11; k++) s.frame([]); // max_age_s 1 at 10 frames a second
  t.deepEqual(s.brief(), [
    'new |  | ',
    'update | right | right',
    'enter right | right | right',
    'update |  | right',
    'leave right |  | right',
    'end |  | right',
  ], 'new (in no zone), the update of the frame it crossed with its enter after it, the same for leave, then end');
  t.is(s.events()[2]!.box[0], 420, 'enter carries the box of the frame it entered in');
  t.deepEqual(s.zoneCounts(), [
    'lookout/yard/right/person=1',
    'lookout/yard/right/person=0',
  ], 'the zone count rises on enter and falls on leave, retained');
  t.deepEqual(s.counts(), ['lookout/yard/person=1', 'lookout/yard/person=0'], 'the camera count is unchanged by zones');
});

test('min_frames: an object enters after that many frames inside in a row and leaves after as many outside', (t) => {
  const s = setup([{ ...RIGHT, minFrames: 3 }], [], { max_age_s: 10 });
  // frames:   1    2    3    4    5    6    7    8    9    10   11  (420: bottom-centre inside, 380: outside)
  const xs = [380, 420, 380, 420, 420, 420, 380, 420, 380, 380, 380];
  const entered: number[] = [];
  const left: number[] = [];
  xs.forEach((x, i) => {
    const before = s.events().length;
    s.frame([det('person', boxAt(x, 0, 200, 100))]);
    for (const e of s.events().slice(before)) {
      if (e.type === 'enter') entered.push(i + 1);
      if (e.type === 'leave') left.push(i + 1);
    }
  });
  t.deepEqual(entered, [6], 'one frame inside is not enough; frames 4, 5, 6 in a row are');
  t.deepEqual(left, [11], 'the outside frame 7 alone does not leave (8 is inside again); 9, 10, 11 in a row do');
});

test('zone labels: a zone with labels sees only those; its labels start at 0', (t) => {
  const s = setup([BOTTOM]);
  for (let k = 0; k < 3; k++) s.frame([det('person', boxAt(100, 300, 40, 80)), det('car', boxAt(600, 300, 100, 60))]);
  const events = s.events();
  t.deepEqual(events.filter((e) => e.type === 'enter').map((e) => e.label), ['car'], 'only the car enters the car-only zone');
  t.deepEqual(events.find((e) => e.label === 'person')!.zones, [], 'the person standing in it is not in it');
  t.deepEqual(s.zoneCounts(), ['lookout/yard/bottom/car=0', 'lookout/yard/bottom/car=1'], 'the zone label count is published at 0 from the first frame, then 1');
});

test('an object that ends leaves its zones first; a coasting miss changes nothing', (t) => {
  const s = setup([RIGHT, { ...RIGHT, name: 'all', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }]);
  s.frame([det('person', boxAt(600, 0))]);
  s.frame([det('person', boxAt(600, 0))]);
  s.frame([]);
  t.deepEqual(s.brief(), ['new | right,all | right,all', 'enter right | right,all | right,all', 'enter all | right,all | right,all'], 'confirmed inside both: new, then one enter per zone (zones: where it is after the frame); a miss adds nothing');
  for (let k = 0; k < 10; k++) s.frame([]);
  t.deepEqual(s.brief().slice(3), ['leave right | all | right,all', 'leave all |  | right,all', 'end |  | right,all'], 'leave each zone in turn, then end with zones empty and entered_zones kept');
  t.deepEqual(s.zoneCounts().slice(-2), ['lookout/yard/right/person=0', 'lookout/yard/all/person=0'], 'both zone counts back to 0');
});

test('required_zones: nothing is told until the object enters; it keeps its tracker id; no counts outside', (t) => {
  const s = setup([RIGHT], ['right'], { max_age_s: 10 });
  // bottom-centre x: 0.37, 0.41, 0.45, 0.49 (outside), 0.53 (inside), then 0.49 again.
  for (const x of [270, 310, 350, 390]) s.frame([det('person', boxAt(x, 0, 200, 100))]);
  t.deepEqual(s.events(), [], 'confirmed but outside the required zone: no event');
  t.deepEqual(s.counts(), [], 'and no count');
  s.frame([det('person', boxAt(430, 0, 200, 100))]);
  const events = s.events();
  t.deepEqual(s.brief(), ['new | right | right', 'enter right | right | right'], 'announced when it walks in: new, then enter');
  t.is(events[0]!.id, `${T0 + 100}-1`, 'the id is the one the tracker gave it at its first frame, outside');
  t.deepEqual(s.counts(), ['lookout/yard/person=1'], 'counted once inside');
  s.frame([det('person', boxAt(390, 0, 200, 100))]);
  s.frame([det('person', boxAt(350, 0, 200, 100))]);
  t.deepEqual(s.brief().slice(2), ['leave right |  | right'], 'it leaves: a leave event, no update while outside');
  t.deepEqual(s.counts(), ['lookout/yard/person=1', 'lookout/yard/person=0'], 'outside the required zone it is not counted');
});
