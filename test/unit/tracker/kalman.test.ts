import test from 'ava';
import { initFilter, MAX_SPEED, predictBox, reanchorFilter, stopFilter, updateFilter } from '../../../src/tracker/kalman.js';
import { nearness } from '../../../src/tracker/similarity.js';

const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

test('constant velocity is learnt from measurements in time, whatever the gaps', (t) => {
  // 50 px/s to the right, measured at uneven times.
  const box = (ms: number): [number, number, number, number] => [100 + 0.05 * ms, 0, 140 + 0.05 * ms, 80];
  const f = initFilter(box(0), 0);
  for (const ms of [100, 300, 350, 900, 1000, 1600, 1700, 2500]) updateFilter(f, box(ms), ms);
  t.true(near(f.cx.v, 50, 3), `velocity ${f.cx.v.toFixed(1)} px/s ~ 50`);
  t.true(near(f.cy.v, 0, 1), 'no vertical motion');
  const p = predictBox(f, 4500);
  t.true(near(p[0], box(4500)[0], 8), `2 s ahead: x1 ${p[0].toFixed(1)} ~ ${box(4500)[0]}`);
  t.deepEqual(predictBox(f, 2500).map((v) => Math.round(v)), predictBox(f, 2400).map((v) => Math.round(v)), 'no prediction backwards in time');
});

test('predicting never changes the state; re-anchoring takes the velocity covered in the gap', (t) => {
  const f = initFilter([0, 0, 40, 80], 0);
  updateFilter(f, [4, 0, 44, 80], 100);
  const before = JSON.stringify(f);
  predictBox(f, 5000);
  t.is(JSON.stringify(f), before, 'predictBox is read-only');
  const from = f.cx.x; // the filtered center at 100 ms
  reanchorFilter(f, [104, 0, 144, 80], 2100);
  t.true(near(f.cx.v, (124 - from) / 2, 1e-9), `from ${from.toFixed(2)} to 124 in 2 s`);
  t.is(f.cx.x, 124, 'centered on the new box');
  stopFilter(f);
  t.deepEqual(predictBox(f, 10_000), [104, 0, 144, 80], 'a stopped object stays put');
});

test('speed is capped at MAX_SPEED box heights per second', (t) => {
  const f = initFilter([0, 0, 40, 80], 0);
  reanchorFilter(f, [2000, 0, 2040, 80], 100);
  t.is(f.cx.v, MAX_SPEED * 80, 'a jump is not taken as a speed');
});

test('nearness: close and alike in size scores up to 0.19, far or unlike scores 0', (t) => {
  const person: [number, number, number, number] = [100, 100, 140, 200];
  t.true(near(nearness(person, person, 0), 0.19, 1e-12), 'same place');
  t.true(nearness(person, [150, 100, 190, 200], 1000) > 0, '50 px (half a height) away after 1 s');
  t.is(nearness(person, [150, 100, 190, 200], 0), 0, 'but not right away (radius 0.25 h)');
  t.is(nearness(person, [100, 100, 200, 300], 0), 0, 'twice the size: another object');
  t.is(nearness(person, [900, 100, 940, 200], 3000), 0, 'too far even after 3 s');
});
