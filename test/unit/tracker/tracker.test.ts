import test from 'ava';
import { iou, MIN_MISSES_TO_END, Tracker } from '../../../src/tracker/tracker.js';
import { TRACKER_DEFAULTS } from '../../../src/tracker/schema.js';
import { boxAt, det, events, T0 } from './fixtures.js';

const tracker = (options: Partial<typeof TRACKER_DEFAULTS> = {}) => new Tracker({ ...TRACKER_DEFAULTS, ...options });

test('the schema defaults are min_hits 2, max_age_s 3, iou_min 0.3, update_interval_s 2', (t) => {
  t.deepEqual({ ...TRACKER_DEFAULTS }, { min_hits: 2, max_age_s: 3, iou_min: 0.3, update_interval_s: 2 }, 'defaults derived from the schema');
  t.is(MIN_MISSES_TO_END, 2, 'one missed frame never ends an object');
});

test('a scripted sequence with misses gives exact ids and events', (t) => {
  const tr = tracker({ min_hits: 2, max_age_s: 3 });
  const personA = `${T0}-1`;
  const car = `${T0 + 400}-2`;
  const personB = `${T0 + 3600}-3`;

  // The person walks right at 50 px/s (5 px per 100 ms).
  let out = tr.update(T0, [det('person', [100, 100, 150, 200])]);
  t.deepEqual(events(out), [], 'first sighting is tentative: no event');
  t.deepEqual(out.counts, {}, 'a tentative object is not counted');

  out = tr.update(T0 + 100, [det('person', [105, 100, 155, 200])]);
  t.deepEqual(events(out), [`new ${personA}`], 'second hit confirms it with id <first_seen>-1');
  t.deepEqual(out.counts, { person: 1 }, 'confirmed person counted');
  t.like(out.events[0]!.track, { first_seen: T0, last_seen: T0 + 100, hits: 2 }, 'new carries first and last seen');

  out = tr.update(T0 + 200, [det('person', [110, 100, 160, 200], 0.95)]);
  t.deepEqual(events(out), [`update ${personA}`], 'third hit is an update of the same id');

  out = tr.update(T0 + 300, []);
  t.deepEqual(events(out), [], 'one empty frame: the person is missed but not ended');
  t.deepEqual(out.counts, { person: 1 }, 'a missed person still counts');

  out = tr.update(T0 + 400, [det('car', [400, 300, 500, 360])]);
  t.deepEqual(events(out), [], 'second miss, well under max_age_s: nothing; the car is tentative');

  // Predicted at T0+500: 110 + 0.05 px/ms * 300 ms = 125.
  out = tr.update(T0 + 500, [det('car', [402, 300, 502, 360]), det('person', [125, 100, 175, 200], 0.8)]);
  t.deepEqual(events(out), [`update ${personA}`, `new ${car}`], 'person resumes its id after two misses; car confirmed as -2');
  t.deepEqual(out.counts, { car: 1, person: 1 }, 'one of each');
  t.like(out.events[0]!.track, { score: 0.8, top_score: 0.95, box: [125, 100, 175, 200], last_seen: T0 + 500 }, 'score is the latest, top_score the best');

  out = tr.update(T0 + 1500, [det('car', [402, 300, 502, 360])]);
  t.deepEqual(events(out), [`update ${car}`], '1 s without the person: not ended yet');
  out = tr.update(T0 + 3499, [det('car', [402, 300, 502, 360])]);
  t.deepEqual(events(out), [`update ${car}`], '2.999 s after last seen: not ended yet');
  out = tr.update(T0 + 3500, [det('car', [402, 300, 502, 360])]);
  t.deepEqual(events(out), [`end ${personA}`, `update ${car}`], 'exactly max_age_s after last seen: the person ends');
  t.like(out.events[0]!.track, { last_seen: T0 + 500, first_seen: T0 }, 'end reports when it was last seen');
  t.deepEqual(out.counts, { car: 1 }, 'the person is no longer counted');

  out = tr.update(T0 + 3600, [det('person', [600, 100, 650, 200]), det('car', [402, 300, 502, 360])]);
  t.deepEqual(events(out), [`update ${car}`], 'a new person is tentative');
  out = tr.update(T0 + 3700, [det('person', [602, 100, 652, 200]), det('car', [402, 300, 502, 360])]);
  t.deepEqual(events(out), [`update ${car}`, `new ${personB}`], 'and gets the next id, never a reused one');
  t.deepEqual(out.counts, { car: 1, person: 1 }, 'counts follow');
});

test('constant-velocity prediction across a skipped interval keeps the id', (t) => {
  const tr = tracker();
  // 0.1 px/ms to the right: x = 0, 10, 20 at 0, 100, 200 ms.
  tr.update(T0, [det('person', boxAt(0, 100))]);
  const id = tr.update(T0 + 100, [det('person', boxAt(10, 100))]).events[0]!.track.id;
  tr.update(T0 + 200, [det('person', boxAt(20, 100))]);
  // 800 ms later (frames skipped, not missed) it is at x = 100.
  t.is(iou(boxAt(20, 100), boxAt(100, 100)), 0, 'the last box and the new one do not overlap at all');
  const out = tr.update(T0 + 1000, [det('person', boxAt(100, 100))]);
  t.deepEqual(events(out), [`update ${id}`], 'predicted by elapsed time, the object keeps its id');

  // The same path with one empty frame in the gap: prediction is by time, not frame count.
  const tr2 = tracker();
  tr2.update(T0, [det('person', boxAt(0, 100))]);
  const id2 = tr2.update(T0 + 100, [det('person', boxAt(10, 100))]).events[0]!.track.id;
  tr2.update(T0 + 200, [det('person', boxAt(20, 100))]);
  t.deepEqual(events(tr2.update(T0 + 600, [])), [], 'missed at 600 ms');
  t.deepEqual(events(tr2.update(T0 + 1000, [det('person', boxAt(100, 100))])), [`update ${id2}`], 'found again where time says it is');
});

test('an object that stops during a long gap is found by its last box, not lost to the prediction', (t) => {
  const tr = tracker();
  // Moving 0.03 px/ms (x = 300, 303, 306, 309), then parked at 309.
  tr.update(T0, [det('car', boxAt(300, 300, 100, 60))]);
  const id = tr.update(T0 + 100, [det('car', boxAt(303, 300, 100, 60))]).events[0]!.track.id;
  tr.update(T0 + 200, [det('car', boxAt(306, 300, 100, 60))]);
  tr.update(T0 + 300, [det('car', boxAt(309, 300, 100, 60))]);
  // 5 s later the prediction is 150 px further right: x = 459, no overlap with the parked car.
  t.is(iou(boxAt(459, 300, 100, 60), boxAt(309, 300, 100, 60)), 0, 'the prediction alone would miss it');
  t.deepEqual(events(tr.update(T0 + 5300, [det('car', boxAt(309, 300, 100, 60))])), [`update ${id}`], 'same id');
});

test('two crossing objects of the same label keep their ids', (t) => {
  const tr = tracker();
  // A moves right, B moves left, 20 px per 100 ms each, 4 px apart vertically; they coincide at k = 5.
  const a = (k: number) => det('person', boxAt(20 * k, 100));
  const b = (k: number) => det('person', boxAt(200 - 20 * k, 104));
  tr.update(T0, [a(0), b(0)]);
  const confirmed = tr.update(T0 + 100, [a(1), b(1)]).events.map((e) => e.track.id);
  t.deepEqual(confirmed, [`${T0}-1`, `${T0}-2`], 'A is -1, B is -2');
  const [idA, idB] = confirmed;
  const where = (out: ReturnType<Tracker['update']>) => Object.fromEntries(out.events.map((e) => [e.track.id, e.track.box[0]]));

  tr.update(T0 + 200, [a(2), b(2)]);
  tr.update(T0 + 300, [a(3), b(3)]);
  // k = 5: the boxes almost coincide; B is listed first so order cannot help.
  let out = tr.update(T0 + 500, [b(5), a(5)]);
  t.deepEqual(where(out), { [idA!]: 100, [idB!]: 100 }, 'both matched at the crossing');
  t.deepEqual(out.events.map((e) => [e.track.id, e.track.box[1]]), [[idA, 100], [idB, 104]], 'A took the y=100 box, B the y=104 box');
  // k = 7, after a skipped frame: A is where B was two frames ago and vice versa.
  out = tr.update(T0 + 700, [b(7), a(7)]);
  t.deepEqual(where(out), { [idA!]: 140, [idB!]: 60 }, 'past the crossing A is on the right, B on the left');
  out = tr.update(T0 + 900, [a(9), b(9)]);
  t.deepEqual(where(out), { [idA!]: 180, [idB!]: 20 }, 'and they keep going');
});

test('crossing between two inferred frames: prediction, not the last box, decides', (t) => {
  const tr = tracker();
  const a = (k: number) => det('person', boxAt(20 * k, 100));
  const b = (k: number) => det('person', boxAt(200 - 20 * k, 104));
  tr.update(T0, [a(0), b(0)]);
  const [idA, idB] = tr.update(T0 + 100, [a(1), b(1)]).events.map((e) => e.track.id);
  tr.update(T0 + 200, [a(2), b(2)]);
  tr.update(T0 + 300, [a(3), b(3)]);
  t.true(iou(a(3).box, b(7).box) > 0.8, "A's last box overlaps B's next box more than 0.8: matching on last boxes would swap them");
  const out = tr.update(T0 + 700, [b(7), a(7)]);
  t.deepEqual(
    out.events.map((e) => [e.track.id, e.track.box[0]]),
    [[idA, 140], [idB, 60]],
    'A (moving right) continues at x=140, B at x=60',
  );
});

test('an object is confirmed after min_hits frames in a row; a tentative one that misses starts over', (t) => {
  const tr = tracker({ min_hits: 3 });
  t.deepEqual(events(tr.update(T0, [det('dog', boxAt(10, 10))])), [], 'hit 1: tentative');
  t.deepEqual(events(tr.update(T0 + 100, [det('dog', boxAt(12, 10))])), [], 'hit 2: tentative');
  t.deepEqual(events(tr.update(T0 + 200, [])), [], 'a miss drops the candidate silently');
  t.deepEqual(events(tr.update(T0 + 300, [det('dog', boxAt(14, 10))])), [], 'seen again: hit 1 of a new candidate');
  t.deepEqual(events(tr.update(T0 + 400, [det('dog', boxAt(16, 10))])), [], 'hit 2');
  const out = tr.update(T0 + 500, [det('dog', boxAt(18, 10))]);
  t.deepEqual(events(out), [`new ${T0 + 300}-1`], 'hit 3 confirms; first_seen is the new candidate\'s, and the dropped one used no id');
  t.is(out.events[0]!.track.hits, 3, 'three hits');

  const eager = tracker({ min_hits: 1 });
  t.deepEqual(events(eager.update(T0, [det('dog', boxAt(10, 10))])), [`new ${T0}-1`], 'min_hits 1 announces at once');
});

test('a confirmed object ends after max_age_s unseen, and needs two missed frames', (t) => {
  const tr = tracker({ max_age_s: 2 });
  tr.update(T0, [det('person', boxAt(0, 0))]);
  const id = tr.update(T0 + 100, [det('person', boxAt(0, 0))]).events[0]!.track.id;
  t.deepEqual(events(tr.update(T0 + 1000, [])), [], '0.9 s unseen');
  t.deepEqual(events(tr.update(T0 + 2099, [])), [], '1.999 s unseen');
  const out = tr.update(T0 + 2100, []);
  t.deepEqual(events(out), [`end ${id}`], '2 s unseen: ended');
  t.is(out.events[0]!.track.last_seen, T0 + 100, 'last_seen is the last frame it was detected in');
  t.deepEqual(out.counts, {}, 'nothing left to count');
  t.deepEqual(tr.tracks, [], 'no tracks left');

  // At the motion gate's keep-alive rate (a frame every 5 s) one missed detection does not end it.
  const idle = tracker({ max_age_s: 2 });
  idle.update(T0, [det('car', boxAt(300, 300, 100, 60))]);
  const car = idle.update(T0 + 5000, [det('car', boxAt(300, 300, 100, 60))]).events[0]!.track.id;
  t.deepEqual(events(idle.update(T0 + 10_000, [])), [], 'one missed idle frame, 5 s unseen: kept');
  t.deepEqual(events(idle.update(T0 + 15_000, [det('car', boxAt(301, 300, 100, 60))])), [`update ${car}`], 'seen again: same id');
  t.deepEqual(events(idle.update(T0 + 20_000, [])), [], 'missed once more: kept');
  t.deepEqual(events(idle.update(T0 + 25_000, [])), [`end ${car}`], 'missed twice in a row and 10 s unseen: ended');
});

test('matching is class-aware: a car on top of a person does not continue it', (t) => {
  const tr = tracker();
  tr.update(T0, [det('person', boxAt(50, 50))]);
  const id = tr.update(T0 + 100, [det('person', boxAt(50, 50))]).events[0]!.track.id;
  t.deepEqual(events(tr.update(T0 + 200, [det('car', boxAt(50, 50))])), [], 'the car is a new tentative object, the person is missed');
  const out = tr.update(T0 + 300, [det('car', boxAt(50, 50)), det('person', boxAt(50, 50))]);
  t.deepEqual(events(out), [`update ${id}`, `new ${T0 + 200}-2`], 'person keeps its id; the car is confirmed separately');
  t.deepEqual(out.counts, { car: 1, person: 1 }, 'counted per label');
});

test('counts per label follow confirmed objects', (t) => {
  const tr = tracker();
  const frame = [det('person', boxAt(0, 0)), det('person', boxAt(200, 0)), det('car', boxAt(400, 0, 100, 60))];
  t.deepEqual(tr.update(T0, frame).counts, {}, 'all tentative');
  t.deepEqual(tr.update(T0 + 100, frame).counts, { car: 1, person: 2 }, 'two people and a car, keys sorted');
  t.deepEqual(Object.keys(tr.update(T0 + 200, frame).counts), ['car', 'person'], 'label keys in sorted order');
  t.deepEqual(tr.counts, { car: 1, person: 2 }, 'the counts getter agrees');
});

test('endAll ends every confirmed object and forgets tentative ones', (t) => {
  const tr = tracker();
  tr.update(T0, [det('person', boxAt(0, 0))]);
  const id = tr.update(T0 + 100, [det('person', boxAt(0, 0)), det('dog', boxAt(300, 0))]).events[0]!.track.id;
  const out = tr.endAll(T0 + 150);
  t.deepEqual(events(out), [`end ${id}`], 'only the confirmed person ends; the tentative dog makes no event');
  t.deepEqual(out, { at: T0 + 150, events: out.events, counts: {} }, 'counts are empty after endAll');
  t.deepEqual(events(tr.update(T0 + 200, [det('dog', boxAt(300, 0))])), [], 'the dog starts over as tentative');
});

test('a wall clock stepping back neither ends objects early nor freezes them', (t) => {
  const tr = tracker({ max_age_s: 3 });
  tr.update(T0, [det('person', boxAt(0, 0))]);
  const id = tr.update(T0 + 100, [det('person', boxAt(0, 0))]).events[0]!.track.id;
  const back = T0 - 3_600_000;
  const out = tr.update(back, [det('person', boxAt(0, 0))]);
  t.deepEqual(events(out), [`update ${id}`], 'an hour back: still the same object');
  t.is(out.events[0]!.track.last_seen, back, 'last_seen is the frame\'s own capture time');
  t.deepEqual(events(tr.update(back + 1000, [])), [], '1 s unseen after the step');
  t.deepEqual(events(tr.update(back + 3000, [])), [`end ${id}`], '3 s unseen after the step: ended on time');
});

test('options out of range are refused', (t) => {
  t.throws(() => tracker({ min_hits: 0 }), { instanceOf: RangeError, message: /min_hits/ }, 'min_hits 0');
  t.throws(() => tracker({ max_age_s: 0 }), { instanceOf: RangeError, message: /max_age_s/ }, 'max_age_s 0');
  t.throws(() => tracker({ iou_min: 0 }), { instanceOf: RangeError, message: /iou_min/ }, 'iou_min 0');
});
