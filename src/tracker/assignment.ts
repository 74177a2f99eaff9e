/**
 * Minimum-cost assignment (the Hungarian method, in the shortest augmenting
 * path form with row and column potentials, O(n^2 m)), shared by the tracker
 * and the MOT evaluator.
 *
 * `cost[i][j]` is the cost of giving row i to column j; `null` (or a
 * non-finite number) forbids the pair. Among the assignments that pair as many
 * rows as possible, the result has the least total cost: a forbidden pair is
 * priced above any sum of allowed ones and dropped from the answer. Ties are
 * broken by the order of rows and columns, so the result is deterministic.
 */
export type CostMatrix = ReadonlyArray<ReadonlyArray<number | null>>;

/** For each row, the column it got, or -1. */
export function minCostAssignment(cost: CostMatrix): number[] {
  const rows = cost.length;
  if (rows === 0) return [];
  const cols = cost[0]!.length;
  if (cols === 0) return new Array<number>(rows).fill(-1);
  // The algorithm wants rows <= columns: solve the transpose otherwise.
  if (rows > cols) {
    const transposed = Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => cost[i]![j]!));
    const byCol = minCostAssignment(transposed);
    const result = new Array<number>(rows).fill(-1);
    byCol.forEach((i, j) => { if (i >= 0) result[i] = j; });
    return result;
  }
  let maxAbs = 0;
  for (const row of cost) for (const c of row) if (c !== null && Number.isFinite(c)) maxAbs = Math.max(maxAbs, Math.abs(c));
  // Dearer than any full assignment of allowed pairs, so forbidden pairs are used only when unavoidable.
  const forbidden = (maxAbs + 1) * (rows + 1) * 2;
  const at = (i: number, j: number): number => {
    const c = cost[i]![j];
    return c === null || c === undefined || !Number.isFinite(c) ? forbidden : c;
  };

  // 1-based arrays as in the classic formulation; p[j] = row assigned to column j.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const p = new Int32Array(cols + 1);
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) { minv[j] = cur; way[j] = j0; }
        if (minv[j]! < delta) { delta = minv[j]!; j1 = j; }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) { u[p[j]!] = u[p[j]!]! + delta; v[j] = v[j]! - delta; } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= cols; j++) {
    const i = p[j]!;
    if (i > 0 && at(i - 1, j - 1) < forbidden) result[i - 1] = j - 1;
  }
  return result;
}
