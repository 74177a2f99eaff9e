/**
 * Rates of several counters over a sliding window, from snapshots taken at
 * the scheduler's ticks: (newest - oldest) / time between them. One array of
 * a few snapshots per camera, instead of a timestamp per frame.
 */
export class RateWindow<K extends string = string> {
  readonly #snapshots: Array<{ at: number; values: Record<K, number> }> = [];

  constructor(readonly windowMs: number) {}

  add(at: number, values: Record<K, number>): void {
    this.#snapshots.push({ at, values: { ...values } });
    // Keep the newest snapshot that is at least windowMs old, as the base.
    while (this.#snapshots.length > 2 && at - this.#snapshots[1]!.at >= this.windowMs) this.#snapshots.shift();
  }

  /** Per second over the window; 0 until two snapshots exist. */
  rate(key: K): number {
    const first = this.#snapshots[0];
    const last = this.#snapshots[this.#snapshots.length - 1];
    if (!first || !last || last.at <= first.at) return 0;
    return ((last.values[key] - first.values[key]) * 1000) / (last.at - first.at);
  }
}
