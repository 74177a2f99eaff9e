import test from 'ava';
import { TrackEventPublisher, type TrackEventSink } from '../../../src/tracker/events.js';
import { Tracker } from '../../../src/tracker/tracker.js';
import { TRACKER_DEFAULTS } from '../../../src/tracker/schema.js';
import { createTopics, type Topic } from '../../../src/mqtt/topics.js';
import type { EventPayload, ObjectCountPayload } from '../../../src/mqtt/payloads.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { boxAt, det, T0 } from './fixtures.js';

interface Sent {
  topic: string;
  payload: unknown;
  retain: boolean;
}

/** A sink that records what would go to the broker; the clock reads 250 ms after each frame's capture. */
function setup(options: Partial<typeof TRACKER_DEFAULTS> = {}) {
  const config = { ...TRACKER_DEFAULTS, ...options };
  const sent: Sent[] = [];
  const clock = new FakeClock(T0);
  const sink: TrackEventSink = {
    topics: createTopics('lookout'),
    publish<P>(topic: Topic<P>, payload: P, opts: { retain?: boolean } = {}) {
      sent.push({ topic, payload, retain: opts.retain ?? false });
    },
  };
  const tracker = new Tracker(config);
  const publisher = new TrackEventPublisher({ camera: 'yard', sink, clock, config });
  const frame = (at: number, detections: ReturnType<typeof det>[]) => {
    clock.advance(at + 250 - clock.now());
    publisher.handle(tracker.update(at, detections));
  };
  const events = () => sent.filter((m) => m.topic === 'lookout/yard/events').map((m) => m.payload as EventPayload);
  const counts = () => sent.filter((m) => m.topic !== 'lookout/yard/events').map((m) => ({ ...m, payload: m.payload as ObjectCountPayload }));
  return { sent, clock, tracker, publisher, frame, events, counts };
}

const iso = (ms: number) => new Date(ms).toISOString();

test('new and end payloads carry every field, rounded, with ISO times', (t) => {
  const s = setup({ max_age_s: 1 });
  s.frame(T0, [det('person', [100.04, 50, 140, 130.26], 0.812345)]);
  s.frame(T0 + 100, [det('person', [100.04, 50, 140, 130.26], 0.9)]);
  t.deepEqual(s.events(), [
    {
      camera: 'yard',
      type: 'new',
      id: `${T0}-1`,
      label: 'person',
      score: 0.9,
      top_score: 0.9,
      box: [100, 50, 140, 130.3],
      box_norm: [0.1, 0.1, 0.14, 0.2605],
      stationary: false,
      zones: [],
      entered_zones: [],
      first_seen: iso(T0),
      last_seen: iso(T0 + 100),
      timestamp: iso(T0 + 350),
    },
  ], 'one new event with id, scores, box, box_norm, first/last seen and publish time');
  t.false(s.sent[0]!.retain, 'events are not retained');

  s.frame(T0 + 600, []);
  s.frame(T0 + 1100, []);
  t.like(s.events()[1], { type: 'end', id: `${T0}-1`, last_seen: iso(T0 + 100), timestamp: iso(T0 + 1350), top_score: 0.9 }, 'end: same id, last seen at the last detection');
  t.is(s.events().length, 2, 'new then end, nothing else');
});

test('updates are sent at most once per update_interval_s, and only when the object moved or its top score rose', (t) => {
  const s = setup({ update_interval_s: 2, max_age_s: 10 });
  // A person walking 10 px per 100 ms (each frame's box overlaps the previous by IoU 0.6), for 5 s.
  for (let k = 0; k <= 50; k++) s.frame(T0 + 100 * k, [det('person', boxAt(10 * k, 0))]);
  t.deepEqual(
    s.events().map((e) => [e.type, e.last_seen]),
    [['new', iso(T0 + 100)], ['update', iso(T0 + 2100)], ['update', iso(T0 + 4100)]],
    'new at the confirming frame, then one update every 2 s of capture time',
  );
  t.deepEqual(s.publisher.stats, { new: 1, update: 2, update_suppressed: 47, end: 0 }, '49 tracker updates, 2 published');
  t.is(s.events()[1]!.box[0], 210, 'the update carries the box of its frame');
});

test('a still object with a steady score sends no updates', (t) => {
  const s = setup({ update_interval_s: 2 });
  for (let k = 0; k <= 50; k++) s.frame(T0 + 100 * k, [det('car', boxAt(300 + (k % 2), 300, 100, 60), 0.7)]);
  t.deepEqual(s.events().map((e) => e.type), ['new'], 'one pixel of jitter is not a change');
  t.is(s.publisher.stats.update_suppressed, 49, 'every tracker update suppressed');
});

test('becoming stationary is a change worth an update, carried in the payload', (t) => {
  const s = setup({ update_interval_s: 2, stationary_s: 10 });
  for (let k = 0; k <= 12; k++) s.frame(T0 + 1000 * k, [det('car', boxAt(300, 300, 100, 60), 0.7)]);
  t.deepEqual(
    s.events().map((e) => [e.type, e.stationary, e.last_seen]),
    [['new', false, iso(T0 + 1000)], ['update', true, iso(T0 + 10_000)]],
    'one update, at the frame 10 s after it settled, saying stationary',
  );
});

test('a rising top score is a change worth an update, once the interval has passed', (t) => {
  const s = setup({ update_interval_s: 2 });
  s.frame(T0, [det('car', boxAt(300, 300, 100, 60), 0.6)]);
  s.frame(T0 + 100, [det('car', boxAt(300, 300, 100, 60), 0.6)]);
  s.frame(T0 + 1000, [det('car', boxAt(300, 300, 100, 60), 0.8)]);
  t.deepEqual(s.events().map((e) => e.type), ['new'], 'score rose but the interval has not passed');
  s.frame(T0 + 2100, [det('car', boxAt(300, 300, 100, 60), 0.7)]);
  t.deepEqual(s.events().map((e) => [e.type, e.score, e.top_score]), [['new', 0.6, 0.6], ['update', 0.7, 0.8]], 'then it goes out with the current and top score');
});

test('counts per label are retained, published only on change, and 0 when the last one ends', (t) => {
  const s = setup({ max_age_s: 1 });
  const p1 = det('person', boxAt(0, 0));
  const p2 = det('person', boxAt(300, 0));
  const car = det('car', boxAt(600, 0, 100, 60));
  s.frame(T0, [p1]);
  s.frame(T0 + 100, [p1]);
  s.frame(T0 + 200, [p1, p2, car]);
  s.frame(T0 + 300, [p1, p2, car]);
  s.frame(T0 + 400, [p1, p2, car]);
  s.frame(T0 + 500, [p1, car]);
  s.frame(T0 + 1400, [p1, car]);
  s.frame(T0 + 1500, [car]);
  s.frame(T0 + 2000, []);
  s.frame(T0 + 2600, []);
  t.deepEqual(
    s.counts().map((m) => [m.topic, m.payload.count, m.payload.timestamp, m.retain]),
    [
      ['lookout/yard/person', 1, iso(T0 + 350), true],
      ['lookout/yard/car', 1, iso(T0 + 550), true],
      ['lookout/yard/person', 2, iso(T0 + 550), true],
      ['lookout/yard/person', 1, iso(T0 + 1650), true],
      ['lookout/yard/person', 0, iso(T0 + 2250), true],
      ['lookout/yard/car', 0, iso(T0 + 2850), true],
    ],
    'person 1, then car 1 and person 2, person back to 1 once p2 is unseen past coast_s, 0 once p1 is; car 0 last; nothing repeated',
  );
  t.deepEqual(s.counts()[0]!.payload, { camera: 'yard', label: 'person', count: 1, timestamp: iso(T0 + 350) }, 'count payload fields');
  const ends = s.events().filter((e) => e.type === 'end');
  t.deepEqual(ends.map((e) => e.id), [`${T0 + 200}-2`, `${T0}-1`, `${T0 + 200}-3`], 'p2 ended first, then p1 and the car');
});

test('events come before the counts they change', (t) => {
  const s = setup();
  s.frame(T0, [det('dog', boxAt(0, 0))]);
  s.frame(T0 + 100, [det('dog', boxAt(0, 0))]);
  t.deepEqual(s.sent.map((m) => m.topic), ['lookout/yard/events', 'lookout/yard/dog'], 'new event, then the count');
});

test('ending everything on camera stop publishes end events and zero counts', (t) => {
  const s = setup();
  s.frame(T0, [det('person', boxAt(0, 0)), det('car', boxAt(300, 0, 100, 60))]);
  s.frame(T0 + 100, [det('person', boxAt(0, 0)), det('car', boxAt(300, 0, 100, 60))]);
  s.sent.length = 0;
  s.publisher.handle(s.tracker.endAll(s.clock.now()));
  t.deepEqual(
    s.sent.map((m) => [m.topic, (m.payload as { type?: string; count?: number }).type ?? (m.payload as { count: number }).count, m.retain]),
    [
      ['lookout/yard/events', 'end', false],
      ['lookout/yard/events', 'end', false],
      ['lookout/yard/car', 0, true],
      ['lookout/yard/person', 0, true],
    ],
    'both objects end and both counts go to 0, retained',
  );
});

test('republishCounts sends every known count again, zeros included', (t) => {
  const s = setup({ max_age_s: 1 });
  s.frame(T0, [det('person', boxAt(0, 0)), det('car', boxAt(300, 0, 100, 60))]);
  s.frame(T0 + 100, [det('person', boxAt(0, 0)), det('car', boxAt(300, 0, 100, 60))]);
  s.frame(T0 + 600, [det('car', boxAt(300, 0, 100, 60))]);
  s.frame(T0 + 1100, [det('car', boxAt(300, 0, 100, 60))]);
  s.sent.length = 0;
  s.publisher.republishCounts();
  t.deepEqual(
    s.sent.map((m) => [m.topic, (m.payload as ObjectCountPayload).count, m.retain]),
    [['lookout/yard/car', 1, true], ['lookout/yard/person', 0, true]],
    'current counts for every label published so far, retained',
  );
});
