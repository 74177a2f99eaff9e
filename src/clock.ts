/**
 * Time is injected so that backoff, stall detection and schedulers can be
 * tested with exact expectations instead of sleeping.
 */
import { clearTimer, setTimer } from './timers.js';

export interface Clock {
  now(): number;
  /** Throws TimerDelayError for a delay a timer cannot honour (see timers.ts). */
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
}

export type Timer = { unref?: () => unknown } | number;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimer(fn, ms),
  clearTimeout: (timer) => clearTimer(timer as NodeJS.Timeout),
};
