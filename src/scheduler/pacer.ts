/**
 * Per-camera admission at a target rate, decided frame by frame: a frame is
 * either due (inferred at once) or skipped. Credit accrues at the target
 * rate between frames and one frame costs one credit; the credit is capped
 * at CAP, so a camera that was held back gets at most one extra frame in a
 * burst, never a backlog.
 */
const CAP = 2;

export class Pacer {
  #credit = 1;
  #lastAt: number | null = null;

  /** Whether the frame arriving at `now` (ms) is due at `rate` frames/s; due frames spend their credit. */
  offer(now: number, rate: number): boolean {
    const dt = this.#lastAt === null ? 0 : Math.max(0, now - this.#lastAt) / 1000;
    this.#lastAt = now;
    this.#credit = Math.min(CAP, this.#credit + rate * dt);
    // A hair of slack so that float rounding (0.2 x 5 steps) does not cost a frame.
    if (this.#credit < 1 - 1e-9) return false;
    this.#credit = Math.max(0, this.#credit - 1);
    return true;
  }

  /** The next frame is due whatever the rate (motion just started). */
  grant(): void {
    this.#credit = Math.max(this.#credit, 1);
  }
}
