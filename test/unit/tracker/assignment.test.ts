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
