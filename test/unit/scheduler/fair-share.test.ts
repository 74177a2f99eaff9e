import test from 'ava';
import { fairShare, type ShareRequest } from '../../../src/scheduler/fair-share.js';

const cam = (name: string, wanted: number, priority = 1, min = 0): ShareRequest => ({ name, wanted, min, priority });
/** Shares rounded to 1e-9: the water level is solved in floating point. */
const shares = (budget: number, requests: ShareRequest[]) =>
  Object.fromEntries([...fairShare(budget, requests)].map(([k, v]) => [k, Math.round(v * 1e9) / 1e9]));

test('a budget that covers every camera gives each what it wants', (t) => {
  t.deepEqual(shares(100, [cam('a', 10), cam('b', 5)]), { a: 10, b: 5 }, 'wanted rates, no more');
});

test('four equal cameras share a short budget equally', (t) => {
  t.deepEqual(shares(20, [cam('a', 10), cam('b', 10), cam('c', 10), cam('d', 10)]), { a: 5, b: 5, c: 5, d: 5 }, '20 / 4');
});

test('shares follow priority; a camera capped at its wanted rate leaves the rest to the others', (t) => {
  // b wants only 2; a and c split the remaining 12 as 1:2.
  t.deepEqual(shares(14, [cam('a', 10, 1), cam('b', 2, 1), cam('c', 10, 2)]), { a: 4, b: 2, c: 8 }, 'water-filling with weights 1, 1, 2');
  // c (priority 3) would get 5.625 of 7.5 but wants 5; a gets the leftover.
  t.deepEqual(shares(7.5, [cam('a', 5, 1), cam('c', 5, 3)]), { a: 2.5, c: 5 }, 'leftover of a capped camera is redistributed');
});

test('floors (fps_min) are kept while the budget covers them', (t) => {
  // Without the floor a would get 0.75 (3 split 1:3); with it a keeps 1 and b gets the rest.
  t.deepEqual(shares(3, [cam('a', 10, 1, 1), cam('b', 10, 3, 1)]), { a: 1, b: 2 }, 'a held at its floor of 1');
  // An idle camera wants 0.2; its floor is min(fps_min, wanted).
  t.deepEqual(shares(5, [cam('idle', 0.2, 1, 1), cam('busy', 10, 1, 1)]), { idle: 0.2, busy: 4.8 }, 'floor never above wanted');
});

test('a budget below the sum of floors is shared up to the floors', (t) => {
  t.deepEqual(shares(3, [cam('a', 10, 1, 2), cam('b', 10, 1, 2)]), { a: 1.5, b: 1.5 }, 'equal priority: half each');
  t.deepEqual(shares(3, [cam('a', 10, 1, 2), cam('b', 10, 2, 2)]), { a: 1, b: 2 }, 'weights still apply below the floors');
  t.deepEqual(shares(0, [cam('a', 10, 1, 2)]), { a: 0 }, 'no budget, nothing');
});

test('below the floors every camera gets the same fraction of its floor (times its priority)', (t) => {
  // Floors 2 and 0.5 cannot both be met with 1.5: each gets 60% of its floor, not 1 and 0.5.
  t.deepEqual(shares(1.5, [cam('big', 10, 1, 2), cam('small', 10, 1, 0.5)]), { big: 1.2, small: 0.3 }, 'proportional to the floors');
  // 8 cameras with fps_min 1 on a detector that does 6.7 inferences/s: 0.8375 each.
  const eight = Array.from({ length: 8 }, (_, i) => cam(`c${i}`, 5, 1, 1));
  t.deepEqual(Object.values(shares(6.7, eight)), Array(8).fill(0.8375), 'eight equal floors share equally');
  // Priority 3 against 1 at equal floors: weights 3:1, so 3 of 4 goes to the first, capped at its floor.
  t.deepEqual(shares(1, [cam('hi', 10, 3, 1), cam('lo', 10, 1, 1)]), { hi: 0.75, lo: 0.25 }, 'priorities weigh in');
  t.deepEqual(shares(1.5, [cam('hi', 10, 3, 1), cam('lo', 10, 1, 1)]), { hi: 1, lo: 0.5 }, 'a camera held at its floor leaves the rest to the others');
  t.deepEqual(shares(1, [cam('none', 10, 1, 0), cam('one', 10, 1, 1)]), { none: 0, one: 1 }, 'a camera without a floor gets nothing below the floors');
});
