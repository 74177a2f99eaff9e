import test from 'ava';
import { BudgetController, type ControllerSample } from '../../../src/scheduler/budget-controller.js';

const BOUNDS = { min: 2, max: 20 };
const cpu = (value: number | null, extra: Partial<ControllerSample> = {}): ControllerSample => ({ cpu: value, tempC: null, busy: 0.5, ...extra });

/** Runs samples through a fresh controller (target 75 %, band 5, x0.75 down, +2.5 = max/8 up) and lists [budget, decision]. */
function run(samples: ControllerSample[], bounds = BOUNDS): Array<[number, string]> {
  const c = new BudgetController({ cpuTarget: 75, tempLimitC: 80 });
  return samples.map((s) => {
    const step = c.step(s, bounds);
    return [step.budget, step.decision];
  });
}

test('overload: multiplicative decrease each step until the floor', (t) => {
  t.deepEqual(
    run([cpu(50), cpu(95), cpu(95), cpu(95), cpu(95), cpu(95), cpu(95), cpu(95), cpu(95), cpu(95)]),
    [
      [20, 'start'],
      [15, 'decrease'],
      [11.25, 'decrease'],
      [8.4375, 'decrease'],
      [6.328125, 'decrease'],
      [4.74609375, 'decrease'],
      [3.5595703125, 'decrease'],
      [2.669677734375, 'decrease'],
      [2.00225830078125, 'decrease'],
      [2, 'decrease'],
    ],
    'x0.75 per step, clamped at the sum of the floors',
  );
});

test('recovery: one cool-down step, then additive increase up to full rate', (t) => {
  t.deepEqual(
    run([cpu(50), cpu(95), cpu(95), cpu(60), cpu(60), cpu(60), cpu(60), cpu(60), cpu(60)]),
    [
      [20, 'start'],
      [15, 'decrease'],
      [11.25, 'decrease'],
      [11.25, 'cooldown'],
      [13.75, 'increase'],
      [16.25, 'increase'],
      [18.75, 'increase'],
      [20, 'increase'],
      [20, 'full'],
    ],
    '+2.5 (max/8) per step after one step of cool-down, clamped at max',
  );
});

test('hysteresis: inside target ± band the budget holds', (t) => {
  t.deepEqual(
    run([cpu(50), cpu(95), cpu(80), cpu(70), cpu(72), cpu(78), cpu(70), cpu(69.9)]),
    [
      [20, 'start'],
      [15, 'decrease'],
      [15, 'hold'],
      [15, 'hold'],
      [15, 'hold'],
      [15, 'hold'],
      [15, 'hold'],
      [17.5, 'increase'],
    ],
    '70..80 % holds; just below 70 increases, above 80 decreases',
  );
});

test('a load that sits just above the band after a decrease does not oscillate', (t) => {
  // The budget cut brings the load into the band: it stays there.
  t.deepEqual(
    run([cpu(50), cpu(90), cpu(79), cpu(79), cpu(79)]).map(([b]) => b),
    [20, 15, 15, 15, 15],
    'one decrease, then hold',
  );
});

test('temperature above the limit forces a decrease whatever the CPU', (t) => {
  t.deepEqual(
    run([cpu(50), cpu(30, { tempC: 81 }), cpu(30, { tempC: 81 }), cpu(30, { tempC: 80 }), cpu(30, { tempC: 79 }), cpu(30, { tempC: 70 })]),
    [
      [20, 'start'],
      [15, 'thermal'],
      [11.25, 'thermal'],
      [11.25, 'cooldown'],
      [13.75, 'increase'],
      [16.25, 'increase'],
    ],
    '81 °C > 80 lowers; at 80 °C and below the CPU rules again',
  );
});

test('a saturated detector gets no more budget; an unreadable CPU holds', (t) => {
  t.deepEqual(
    run([cpu(50), cpu(95), cpu(50), cpu(50, { busy: 0.95 }), cpu(null), cpu(50, { busy: 0.2 })]),
    [
      [20, 'start'],
      [15, 'decrease'],
      [15, 'cooldown'],
      [15, 'busy'],
      [15, 'no-sample'],
      [17.5, 'increase'],
    ],
    'busy >= 0.9 holds, cpu null holds',
  );
});

test('full rate follows max when a camera joins; a partial budget does not jump', (t) => {
  const c = new BudgetController({ cpuTarget: 75, tempLimitC: 80 });
  t.is(c.step(cpu(50), { min: 1, max: 10 }).budget, 10, 'start at full rate');
  t.is(c.step(cpu(50), { min: 1, max: 20 }).budget, 20, 'was full: follows the new max');
  t.is(c.step(cpu(90), { min: 1, max: 20 }).budget, 15, 'decrease');
  t.is(c.step(cpu(75), { min: 1, max: 30 }).budget, 15, 'not full: a new camera shares the budget until it increases');
  t.is(c.step(cpu(75), { min: 1, max: 10 }).budget, 10, 'a smaller max clamps');
});
