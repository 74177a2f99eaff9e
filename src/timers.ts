/**
 * The one place lookout arms a timer. Node silently turns a delay it cannot
 * honour (above 2^31-1 ms, negative, NaN) into 1 ms, so a stats interval of
 * 3,000,000 s became a flood of messages; here such a delay is refused with a
 * typed error instead. The config's maximums keep every configured duration
 * far below the limit; this is the backstop for arithmetic gone wrong.
 */
import { LookoutError } from './errors.js';

/** The longest delay Node's timers honour: 2^31-1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export class TimerDelayError extends LookoutError {
  constructor(readonly delayMs: number) {
    super('ETIMER_DELAY', `timer delay ${delayMs} ms cannot be honoured: it must be a finite number from 0 to ${MAX_TIMER_MS} ms (about 24.8 days)`);
  }
}

/** The delay itself when a timer can honour it; throws TimerDelayError otherwise. */
export function checkedDelay(ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_MS) throw new TimerDelayError(ms);
  return ms;
}

/** setTimeout that refuses a delay it cannot honour. */
export function setTimer(fn: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(fn, checkedDelay(ms));
}

export function clearTimer(timer: NodeJS.Timeout | undefined | null): void {
  if (timer) clearTimeout(timer);
}
