/**
 * Weighted water-filling: the inference budget (inferences/s) shared across
 * cameras in proportion to their priority, no camera getting more than it
 * wants, leftovers going to the others. Floors (fps_min) are served first:
 * while the budget covers them every camera gets at least its floor. A budget
 * below the floors' sum is shared in proportion to floor x priority (capped at
 * the floor): at equal priority every camera gets the same fraction of its
 * floor, so a camera with a small floor is not starved by one with a big one.
 */

export interface ShareRequest {
  name: string;
  /** Rate the camera would use now (fps_max, or idle_fps while the scene is still). */
  wanted: number;
  /** Floor kept while the budget allows (fps_min); never more than wanted. */
  min: number;
  /** Weight, > 0. */
  priority: number;
}

/** Each camera's target rate; the targets add up to min(budget, sum of wanted). */
export function fairShare(budget: number, requests: readonly ShareRequest[]): Map<string, number> {
  const wanted = requests.map((r) => Math.max(0, r.wanted));
  const floors = requests.map((r, i) => Math.min(Math.max(0, r.min), wanted[i]!));
  const weights = requests.map((r) => r.priority);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const b = Math.max(0, budget);
  let shares: number[];
  if (b >= sum(wanted)) shares = wanted;
  else if (b <= sum(floors)) {
    // A camera with no floor gets nothing here (its cap is 0): any weight > 0 keeps the solver defined.
    const belowWeights = requests.map((r, i) => (floors[i]! > 0 ? floors[i]! * r.priority : r.priority));
    shares = waterFill(b, requests.map(() => 0), floors, belowWeights);
  }
  else shares = waterFill(b, floors, wanted, weights);
  return new Map(requests.map((r, i) => [r.name, shares[i]!]));
}

/**
 * share_i = clamp(weight_i * level, lo_i, hi_i), with the level chosen so the
 * shares add up to `total` (sum(lo) <= total <= sum(hi)). The sum is
 * piecewise linear in the level, so the level is found exactly between the
 * two breakpoints that bracket the total.
 */
export function waterFill(total: number, lo: readonly number[], hi: readonly number[], weights: readonly number[]): number[] {
  const n = lo.length;
  const at = (level: number) => lo.map((l, i) => Math.min(hi[i]!, Math.max(l, weights[i]! * level)));
  const sumAt = (level: number) => at(level).reduce((a, b) => a + b, 0);
  const points = [...new Set([0, ...lo.map((l, i) => l / weights[i]!), ...hi.map((h, i) => h / weights[i]!)])].sort((a, b) => a - b);
  let lower = 0;
  for (const p of points) {
    if (sumAt(p) >= total) break;
    lower = p;
  }
  // Between breakpoints the unclamped cameras grow with slope weight_i.
  let slope = 0;
  for (let i = 0; i < n; i++) if (weights[i]! * lower >= lo[i]! && weights[i]! * lower < hi[i]!) slope += weights[i]!;
  const level = slope > 0 ? lower + (total - sumAt(lower)) / slope : lower;
  return at(level);
}
