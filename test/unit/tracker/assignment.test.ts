import test from 'ava';
import { minCostAssignment } from '../../../src/tracker/assignment.js';

test('the least total cost wins over the greedy best pair', (t) => {
  // Greedy would take row 0 -> col 0 (0.1) and leave row 1 with nothing allowed.
  t.deepEqual(minCostAssignment([[0.1, 0.2], [0.3, null]]), [1, 0], 'both rows paired: 0.2 + 0.3');
});

test('a square matrix gets the optimum of all permutations', (t) => {
  const cost = [
    [4, 1, 3],
    [2, 0, 5],
    [3, 2, 2],
  ];
  t.deepEqual(minCostAssignment(cost), [1, 0, 2], 'total 1 + 2 + 2 = 5');
});

test('rectangular matrices, both ways round, leave the extra side unpaired', (t) => {
  t.deepEqual(minCostAssignment([[5, 1, 9]]), [1], 'one row takes its cheapest column');
  t.deepEqual(minCostAssignment([[5], [1], [9]]), [-1, 0, -1], 'one column goes to its cheapest row');
});

test('forbidden pairs are never returned, and empty inputs give empty answers', (t) => {
  t.deepEqual(minCostAssignment([[null, null], [null, 0.5]]), [-1, 1], 'row 0 has no allowed column');
  t.deepEqual(minCostAssignment([[Infinity]]), [-1], 'a non-finite cost is forbidden');
  t.deepEqual(minCostAssignment([]), [], 'no rows');
  t.deepEqual(minCostAssignment([[], []]), [-1, -1], 'no columns');
});

test('ties go to the earlier column, so the result is deterministic', (t) => {
  t.deepEqual(minCostAssignment([[1, 1], [1, 1]]), minCostAssignment([[1, 1], [1, 1]]), 'same answer twice');
  t.deepEqual(minCostAssignment([[0, 0]]), [0], 'first of equal columns');
});

/** Every assignment of rows to distinct columns (or none), by brute force: the most pairs, then the least cost. */
function bruteForce(cost: Array<Array<number | null>>): { pairs: number; total: number } {
  let best = { pairs: -1, total: Infinity };
  const cols = cost[0]?.length ?? 0;
  const walk = (row: number, used: Set<number>, pairs: number, total: number) => {
    if (row === cost.length) {
      if (pairs > best.pairs || (pairs === best.pairs && total < best.total - 1e-9)) best = { pairs, total };
      return;
    }
    walk(row + 1, used, pairs, total);
    for (let j = 0; j < cols; j++) {
      const c = cost[row]![j];
      if (c === null || c === undefined || used.has(j)) continue;
      used.add(j);
      walk(row + 1, used, pairs + 1, total + c);
      used.delete(j);
    }
  };
  walk(0, new Set(), 0, 0);
  return best;
}

test('random matrices: as many pairs as possible at the least cost, like brute force', (t) => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let n = 0; n < 300; n++) {
    const rows = 1 + Math.floor(rand() * 5);
    const cols = 1 + Math.floor(rand() * 5);
    const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() < 0.3 ? null : Math.round(rand() * 100) / 100)));
    const got = minCostAssignment(cost);
    const used = got.filter((j) => j >= 0);
    t.is(new Set(used).size, used.length, `case ${n}: no column used twice`);
    t.true(got.every((j, i) => j < 0 || cost[i]![j] !== null), `case ${n}: no forbidden pair`);
    const total = got.reduce((s, j, i) => s + (j >= 0 ? cost[i]![j]! : 0), 0);
    const best = bruteForce(cost);
    t.is(used.length, best.pairs, `case ${n}: ${JSON.stringify(cost)}: pairs`);
    t.true(Math.abs(total - best.total) < 1e-9, `case ${n}: ${JSON.stringify(cost)}: cost ${total} vs ${best.total}`);
  }
});
