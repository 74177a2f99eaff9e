/**
 * Liveness means "the event loop still turns". A timer is scheduled every
 * `intervalMs`; how late it fires is the loop lag. If the loop is blocked, no
 * request is answered either, so the check also looks at how long ago the
 * timer last ran: a request served right after a long block sees a stale tick
 * and reports unhealthy once, which is what a watchdog wants to hear.
 */
import type { Clock, Timer } from '../clock.js';

export interface EventLoopMonitorOptions {
  clock: Clock;
  intervalMs?: number;
  /** Lag above which the loop counts as stuck. */
  maxLagMs?: number;
}

export class EventLoopMonitor {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #maxLagMs: number;
  #timer: Timer | null = null;
  #expectedAt = 0;
  #lastTickAt = 0;
  #lagMs = 0;

  constructor(options: EventLoopMonitorOptions) {
    this.#clock = options.clock;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#maxLagMs = options.maxLagMs ?? 5000;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#lastTickAt = this.#clock.now();
    this.#lagMs = 0;
    this.#schedule();
  }

  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Lag of the last tick, or the time since the missing one, whichever is larger. */
  get lagMs(): number {
    const overdue = this.#clock.now() - this.#lastTickAt - this.#intervalMs;
    return Math.max(this.#lagMs, overdue, 0);
  }

  get healthy(): boolean {
    return this.#timer !== null && this.lagMs <= this.#maxLagMs;
  }

  #schedule(): void {
    this.#expectedAt = this.#clock.now() + this.#intervalMs;
    const timer = this.#clock.setTimeout(() => this.#tick(), this.#intervalMs);
    // The monitor must not keep the process alive on its own.
    if (typeof timer === 'object') timer.unref?.();
    this.#timer = timer;
  }

  #tick(): void {
    const now = this.#clock.now();
    this.#lagMs = Math.max(0, now - this.#expectedAt);
    this.#lastTickAt = now;
    this.#schedule();
  }
}
