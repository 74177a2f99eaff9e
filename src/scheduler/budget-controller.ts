/**
 * The inference budget (inferences/s over all cameras) as an AIMD loop on
 * the system CPU load, one step per sample:
 * - above cpu_target + band, or the SoC above temp_limit_c: multiply by
 *   `decrease` (fast back-off: the cost of being over is dropped frames for
 *   everything else on the board, or thermal throttling);
 * - below cpu_target - band: add `increaseFraction` of the full budget
 *   (from the floor to full rate in 1/increaseFraction steps), but not in the
 *   step right after a decrease (the CPU sample then still shows the old
 *   budget) and not while the detector is saturated (more budget would only
 *   become busy skips);
 * - inside the band: hold. The band plus the cool-down step are the
 *   hysteresis that keeps it from oscillating around the target.
 * The budget stays within [min, max]: the cameras' floors and their wanted
 * rates. Pure logic; the Scheduler feeds it samples.
 */

export interface BudgetControllerOptions {
  /** scheduler.cpu_target, percent of all cores. */
  cpuTarget: number;
  /** scheduler.temp_limit_c. */
  tempLimitC: number;
  /** Half-width of the dead band around the target, percent points (default 5). */
  band?: number;
  /** Multiplicative decrease factor (default 0.75). */
  decrease?: number;
  /** Additive increase per step, as a fraction of max (default 0.125). */
  increaseFraction?: number;
  /** Detector busy ratio at or above which the budget is not raised (default 0.9). */
  busyHigh?: number;
}

export interface ControllerSample {
  /** System CPU load, 0..100; null when it could not be read. */
  cpu: number | null;
  /** SoC temperature, °C; null where the board reports none. */
  tempC: number | null;
  /** Fraction of the last interval the detector was running, 0..1; null before the first interval. */
  busy: number | null;
}

export interface BudgetBounds {
  /** Sum of the cameras' floors. */
  min: number;
  /** Sum of what the cameras would use at full rate. */
  max: number;
}

export type Decision = 'start' | 'decrease' | 'thermal' | 'increase' | 'hold' | 'busy' | 'cooldown' | 'full' | 'no-sample';

export interface ControllerStep {
  budget: number;
  decision: Decision;
}

export class BudgetController {
  readonly #cpuTarget: number;
  readonly #tempLimitC: number;
  readonly #band: number;
  readonly #decrease: number;
  readonly #increaseFraction: number;
  readonly #busyHigh: number;
  #budget: number | null = null;
  #max = 0;
  #lastDecision: Decision = 'start';

  constructor(options: BudgetControllerOptions) {
    this.#cpuTarget = options.cpuTarget;
    this.#tempLimitC = options.tempLimitC;
    this.#band = options.band ?? 5;
    this.#decrease = options.decrease ?? 0.75;
    this.#increaseFraction = options.increaseFraction ?? 0.125;
    this.#busyHigh = options.busyHigh ?? 0.9;
  }

  /** The current budget; null before the first step. */
  get budget(): number | null {
    return this.#budget;
  }

  /** Before the first step, or at max: a camera that joins gets its full rate before the next step. */
  get full(): boolean {
    return this.#budget === null || this.#budget >= this.#max;
  }

  get decision(): Decision {
    return this.#lastDecision;
  }

  step(sample: ControllerSample, bounds: BudgetBounds): ControllerStep {
    const { min, max } = bounds;
    const previous = this.#budget;
    // Full rate before the first step, and full rate follows max while it was full (a camera joined).
    let budget = previous === null || previous >= this.#max ? max : previous;
    this.#max = max;
    let decision: Decision;
    if (previous === null) decision = 'start';
    else if (sample.tempC !== null && sample.tempC > this.#tempLimitC) {
      budget *= this.#decrease;
      decision = 'thermal';
    } else if (sample.cpu === null) decision = 'no-sample';
    else if (sample.cpu > this.#cpuTarget + this.#band) {
      budget *= this.#decrease;
      decision = 'decrease';
    } else if (sample.cpu < this.#cpuTarget - this.#band) {
      if (budget >= max) decision = 'full';
      else if (this.#lastDecision === 'decrease' || this.#lastDecision === 'thermal') decision = 'cooldown';
      else if (sample.busy !== null && sample.busy >= this.#busyHigh) decision = 'busy';
      else {
        budget += max * this.#increaseFraction;
        decision = 'increase';
      }
    } else decision = 'hold';
    budget = Math.min(max, Math.max(min, budget));
    this.#budget = budget;
    this.#lastDecision = decision;
    return { budget, decision };
  }
}
