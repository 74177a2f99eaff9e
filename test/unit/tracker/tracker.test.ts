import test from 'ava';
import { dedupe, median, MIN_MISSES_TO_END, Tracker, type TrackerOutput } from '../../../src/tracker/tracker.js';
import { TRACKER_DEFAULTS } from '../../../src/tracker/schema.js';
import { boxAt, det, events, T0 } from './fixtures.js';

const tracker = (options: Partial<typeof TRACKER_DEFAULTS> = {}) => new Tracker({ ...TRACKER_DEFAULTS, ...options });
const ids = (out: TrackerOutput) => out.matched.map((m) => m.id);

test('the schema defaults', (t) => {
  t.deepEqual(
    { ...TRACKER_DEFAULTS },
    { threshold: 0.45, thresholds: {}, min_hits: 2, coast_s: 0.5, max_age_s: 3, iou_min: 0.2, duplicate_iou: 0.5, stationary_s: 10, stationary_max_age_s: 30, update_interval_s: 2 },
    'defaults derived from the schema',
  );
  t.is(MIN_MISSES_TO_END, 2, 'one missed frame never ends an object');
});

test('an object is announced after min_hits frames in a row, with ids numbered from 1', (t) => {
  const tr = tracker();
  let out = tr.update(T0, [det('person', boxAt(100, 100))]);
  t.deepEqual(events(out), [], 'tentative after one frame');
  t.deepEqual(out.counts, {}, 'not counted yet');
  out = tr.update(T0 + 100, [det('person', boxAt(105, 100))]);
  t.deepEqual(events(out), [`new ${T0}-1`], 'confirmed on the second hit, id from the first sighting');
  t.is(out.matched[0]!.number, 1, 'number 1');
  t.deepEqual(out.counts, { person: 1 }, 'counted');
  out = tr.update(T0 + 200, [det('person', boxAt(110, 100))]);
  t.deepEqual(events(out), [`update ${T0}-1`], 'then updates');
  // A tentative object that misses a frame is dropped without a word.
  tr.update(T0 + 300, [det('person', boxAt(115, 100)), det('dog', boxAt(500, 300))]);
  out = tr.update(T0 + 400, [det('person', boxAt(120, 100))]);
  out = tr.update(T0 + 500, [det('person', boxAt(125, 100)), det('dog', boxAt(500, 300))]);
  t.deepEqual(events(out), [`update ${T0}-1`], 'the dog seen in frames 4 and 6 only is not announced');
});

test('a detection below threshold never starts an object: litter at 0.25-0.30 for a minute stays out', (t) => {
  const tr = tracker();
  let announced = 0;
  for (let i = 0; i < 300; i++) {
    const out = tr.update(T0 + i * 200, [det('bird', boxAt(400, 400, 20, 10), 0.25 + (i % 6) * 0.01)]);
    announced += out.events.length;
    t.deepEqual(out.counts, {}, `frame ${i}: no bird counted`);
  }
  t.is(announced, 0, 'no events at all');
});

test('weak detections continue an announced object (ByteTrack) but a weak median keeps a new one unannounced', (t) => {
  const tr = tracker();
  tr.update(T0, [det('person', boxAt(100, 100), 0.8)]);
  tr.update(T0 + 100, [det('person', boxAt(102, 100), 0.7)]);
  for (let i = 2; i < 10; i++) {
    const out = tr.update(T0 + i * 100, [det('person', boxAt(100 + 2 * i, 100), 0.3)]);
    t.deepEqual(ids(out), [`${T0}-1`], `frame ${i}: the 0.3 box continues the person`);
  }
  // A new object starts at 0.5 but goes on at 0.3: median (0.5 + 0.3) / 2 = 0.4 < 0.45.
  const tr2 = tracker();
  tr2.update(T0, [det('car', boxAt(0, 0, 100, 50), 0.5)]);
  for (let i = 1; i < 10; i++) {
    const out = tr2.update(T0 + i * 100, [det('car', boxAt(0, 0, 100, 50), 0.3)]);
    t.deepEqual(out.events, [], `frame ${i}: never announced`);
  }
  t.is(median([0.5, 0.3]), 0.4, 'median of two');
  t.is(median([0.9, 0.1, 0.5]), 0.5, 'median of three');
});

test('tracker.thresholds overrides the threshold per label', (t) => {
  const tr = tracker({ thresholds: { car: 0.7, bird: 0.2 } });
  for (let i = 0; i < 3; i++) tr.update(T0 + i * 100, [det('car', boxAt(0, 0, 100, 50), 0.6), det('person', boxAt(300, 0), 0.6), det('dog', boxAt(600, 300), 0.3)]);
  t.deepEqual(tr.counts, { person: 1 }, 'a 0.6 car is below its 0.7, a 0.6 person above the default 0.45, a 0.3 dog below it');
  const tr2 = tracker({ thresholds: { dog: 0.2 } });
  for (let i = 0; i < 3; i++) tr2.update(T0 + i * 100, [det('dog', boxAt(600, 300), 0.3)]);
  t.deepEqual(tr2.counts, { dog: 1 }, 'a 0.3 dog counts with dog at 0.2');
  t.throws(() => tracker({ thresholds: { car: 2 } }), { instanceOf: RangeError, message: /thresholds\.car/ });
});

test('a box around two people walking side by side (a group box) is not a third person', (t) => {
  // As measured on a demo-clip frame: two people at the top right and one box spanning both.
  const left = det('person', [653, 104, 682, 161], 0.5);
  const right = det('person', [679, 108, 704, 179], 0.41);
  const group = det('person', [664, 104, 701, 172], 0.33);
  const car = det('car', [640, 90, 720, 180], 0.6);
  t.deepEqual(dedupe([left, group, right, car], 0.5), [left, right, car], 'the group box goes; the car around them stays');
  t.deepEqual(dedupe([left, group], 0.5), [left, group], 'a box covering one other box is not a group box');
  const far = det('person', [400, 100, 430, 170], 0.5);
  t.deepEqual(dedupe([left, far, det('person', [380, 90, 700, 200], 0.3)], 0.5).length, 2, 'one wide box over two people is dropped');
});

test('two boxes of one label overlapping heavily are one object', (t) => {
  const a = det('person', [100, 100, 140, 200], 0.8);
  const b = det('person', [102, 104, 142, 204], 0.6);
  const c = det('car', [100, 100, 140, 200], 0.7);
  t.deepEqual(dedupe([b, a, c], 0.5), [a, c], 'the weaker person box goes; a car in the same place stays');
  const tr = tracker();
  tr.update(T0, [a, b]);
  const out = tr.update(T0 + 100, [b, a]);
  t.deepEqual(events(out), [`new ${T0}-1`], 'one object');
  t.deepEqual(out.counts, { person: 1 }, 'counted once');
});

test('a short miss is bridged: counted through coast_s, same id when seen again, ended after max_age_s', (t) => {
  const tr = tracker({ coast_s: 0.5, max_age_s: 2 });
  // Walking right at 40 px/s.
  for (let i = 0; i < 4; i++) tr.update(T0 + i * 100, [det('person', boxAt(100 + 4 * i, 100))]);
  let out = tr.update(T0 + 600, []);
  t.deepEqual(out.counts, { person: 1 }, 'missed 300 ms: still counted (coasting)');
  out = tr.update(T0 + 1000, []);
  t.deepEqual(out.counts, {}, 'missed 700 ms: no longer counted');
  t.is(tr.tracks.length, 1, 'but kept');
  // Hidden behind a pole for 1.4 s: found again where its motion says (30 px from its last box of 40).
  out = tr.update(T0 + 1700, [det('person', boxAt(100 + 4 * 17, 100))]);
  t.deepEqual(events(out), [`update ${T0}-1`], 'same id, no new event');
  t.deepEqual(out.counts, { person: 1 }, 'counted again');
  out = tr.update(T0 + 2700, []);
  t.deepEqual(events(out), [], 'one miss never ends it');
  out = tr.update(T0 + 3600, []);
  t.deepEqual(events(out), [], '1.9 s unseen: not yet');
  out = tr.update(T0 + 3800, []);
  t.deepEqual(events(out), [`end ${T0}-1`], 'ends past max_age_s with two misses');
});

test('motion is predicted in time: uneven gaps of up to 2 s keep one id', (t) => {
  const tr = tracker({ max_age_s: 5 });
  // 60 px/s to the right, a 40 x 80 box: after 2 s the box is 120 px away from the last one.
  const at = (ms: number) => det('person', boxAt(100 + 0.06 * ms, 100));
  const times = [0, 200, 400, 1900, 2200, 4200, 4400, 6400];
  const seen = new Set<string>();
  for (const ms of times) {
    const out = tr.update(T0 + ms, [at(ms)]);
    for (const id of ids(out)) seen.add(id);
    if (ms > 0) t.deepEqual(ids(out), [`${T0}-1`], `${ms} ms: matched to the same object`);
  }
  t.deepEqual([...seen], [`${T0}-1`], 'one id for the whole walk');
});

test('at 1 fps a person moving a box width per second is announced and keeps one id (nearness, not overlap)', (t) => {
  const tr = tracker();
  // A 40 x 80 box moving 40 px/s: consecutive boxes do not overlap at all.
  const seen = new Set<string>();
  let out: TrackerOutput | null = null;
  for (let s = 0; s < 8; s++) {
    out = tr.update(T0 + s * 1000, [det('person', boxAt(100 + 40 * s, 100)), det('person', boxAt(700 - 40 * s, 300))]);
    for (const id of ids(out)) seen.add(id);
  }
  t.is(seen.size, 2, 'two people, two ids');
  t.deepEqual(out!.counts, { person: 2 }, 'both counted');
  // A detection far from everything is a new object, not a jump.
  out = tr.update(T0 + 8000, [det('person', boxAt(100 + 40 * 8, 100)), det('person', boxAt(700 - 40 * 8, 300)), det('person', boxAt(900, 0))]);
  t.is(out.matched.length, 2, 'the far one is tentative, not a continuation');
});

test('an object that stops during a long gap is found by its last box, not lost to the prediction', (t) => {
  const tr = tracker({ max_age_s: 10 });
  tr.update(T0, [det('car', boxAt(0, 0, 100, 50))]);
  tr.update(T0 + 200, [det('car', boxAt(10, 0, 100, 50))]);
  tr.update(T0 + 400, [det('car', boxAt(20, 0, 100, 50))]);
  const out = tr.update(T0 + 5400, [det('car', boxAt(22, 0, 100, 50))]);
  t.deepEqual(ids(out), [`${T0}-1`], 'parked just after: same car');
});

test('two people crossing keep their ids', (t) => {
  const tr = tracker();
  // A goes right, B goes left, 20 px per 100 ms each, 40 px apart vertically (IoU 0.33 when they line up).
  const a = (k: number) => det('person', boxAt(20 * k, 100));
  const b = (k: number) => det('person', boxAt(200 - 20 * k, 140));
  tr.update(T0, [a(0), b(0)]);
  const first = tr.update(T0 + 100, [a(1), b(1)]);
  const [idA, idB] = first.matched.map((m) => m.id);
  for (const k of [2, 3, 4, 5, 6, 8, 10]) {
    const out = tr.update(T0 + k * 100, [b(k), a(k)]);
    const byId = Object.fromEntries(out.matched.map((m) => [m.id, m.box[1]]));
    t.deepEqual(byId, { [idA!]: 100, [idB!]: 140 }, `k = ${k}: A on the y=100 box, B on y=140`);
  }
});

test('a still object becomes stationary, keeps its id and count at the keep-alive rate, and ends late', (t) => {
  const tr = tracker({ stationary_s: 10, stationary_max_age_s: 30, max_age_s: 3 });
  const car = det('car', boxAt(300, 200, 120, 60));
  let out: TrackerOutput = tr.update(T0, [car]);
  for (let s = 1; s <= 12; s++) out = tr.update(T0 + s * 1000, [car]);
  t.true(out.matched[0]!.stationary, 'stationary after 10 s in place');
  t.true(out.events[0]!.track.stationary, 'events carry it');
  // Keep-alive rate: one frame every 5 s, and the detector misses one.
  out = tr.update(T0 + 17_000, []);
  t.deepEqual(out.counts, { car: 1 }, 'one missed keep-alive frame: still counted');
  out = tr.update(T0 + 22_000, [car]);
  t.deepEqual(ids(out), [`${T0}-1`], 'same id when seen again 10 s later');
  out = tr.update(T0 + 27_000, []);
  out = tr.update(T0 + 37_000, []);
  t.deepEqual(events(out), [], '15 s unseen: a stationary object is kept');
  out = tr.update(T0 + 52_000, []);
  t.deepEqual(events(out), [`end ${T0}-1`], 'ends after stationary_max_age_s');
});

test('matching is class-aware: a car on top of a person does not continue it', (t) => {
  const tr = tracker();
  tr.update(T0, [det('person', boxAt(0, 0))]);
  tr.update(T0 + 100, [det('person', boxAt(0, 0))]);
  const out = tr.update(T0 + 200, [det('car', boxAt(0, 0))]);
  t.deepEqual(out.matched, [], 'the person is not matched to the car');
});

test('endAll ends every confirmed object and forgets tentative ones', (t) => {
  const tr = tracker();
  tr.update(T0, [det('person', boxAt(0, 0))]);
  tr.update(T0 + 100, [det('person', boxAt(0, 0)), det('dog', boxAt(500, 300))]);
  const out = tr.endAll(T0 + 5000);
  t.deepEqual(events(out), [`end ${T0}-1`], 'only the confirmed person ends');
  t.deepEqual(out.counts, {}, 'counts are empty after endAll');
  t.deepEqual(tr.tracks, [], 'no tracks left');
});

test('the same frames give the same output (deterministic), and a wall clock stepping back ends nothing early', (t) => {
  const run = () => {
    const tr = tracker();
    const outs: TrackerOutput[] = [];
    for (let i = 0; i < 20; i++) outs.push(tr.update(T0 + i * 150 - (i === 10 ? 5000 : 0), [det('person', boxAt(10 * i, 0)), det('person', boxAt(400 - 10 * i, 200), 0.5)]));
    return outs;
  };
  const a = run();
  t.deepEqual(a, run(), 'identical outputs');
  t.false(a.some((o) => o.events.some((e) => e.type === 'end')), 'the step back at frame 10 ended nothing');
});

test('options out of range are refused', (t) => {
  t.throws(() => tracker({ min_hits: 0 }), { instanceOf: RangeError });
  t.throws(() => tracker({ threshold: 1.5 }), { instanceOf: RangeError });
  t.throws(() => tracker({ duplicate_iou: 0 }), { instanceOf: RangeError });
  t.throws(() => tracker({ coast_s: -1 }), { instanceOf: RangeError });
});
