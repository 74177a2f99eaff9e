export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** A stream that stayed healthy this long starts over at initialMs. */
  resetAfterMs?: number;
  /** Fraction of each delay that may be taken off at random (0..1). */
  jitter?: number;
  random?: () => number;
}

/**
 * Exponential restart delay: 1 s, 2 s, 4 s ... capped at 30 s. Jitter only
 * shortens a delay, so the cap is a real upper bound, while cameras that
 * dropped together (a switch rebooting) still spread their reconnects.
 */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly resetAfterMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 1000;
    this.maxMs = opts.maxMs ?? 30_000;
    this.resetAfterMs = opts.resetAfterMs ?? 60_000;
    this.jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.2));
    this.random = opts.random ?? Math.random;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** Delay before the next restart, in whole ms. */
  next(): number {
    // Cap the exponent too, so a camera that is down for days cannot
    // overflow 2 ** attempt to Infinity.
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  /**
   * Tells the backoff how long the stream that just ended had been healthy.
   * A long healthy run means the failure is new, not a continuing outage.
   */
  markHealthy(sinceMs: number, nowMs: number): void {
    if (nowMs - sinceMs >= this.resetAfterMs) this.reset();
  }

  reset(): void {
    this.attempt = 0;
  }
}
