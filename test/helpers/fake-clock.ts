import type { Clock, Timer } from '../../src/clock.js';
import { checkedDelay } from '../../src/timers.js';

/** A Clock whose time moves only when a test calls advance(). */
export class FakeClock implements Clock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  constructor(private time = 1_700_000_000_000) {}

  now = (): number => this.time;

  setTimeout = (fn: () => void, ms: number): Timer => {
    const id = this.nextId++;
    // Refuses what the real clock refuses, so a unit test catches a delay no timer can honour.
    this.timers.set(id, { at: this.time + checkedDelay(ms), fn });
    return id;
  };

  clearTimeout = (timer: Timer): void => {
    this.timers.delete(timer as number);
  };

  /** Delays of pending timers from now, soonest first. */
  get pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order (timers they set fire too). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}
