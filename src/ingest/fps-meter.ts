/**
 * Frames per second over a sliding window (5 s by default): long enough to
 * smooth out the jitter of a 5 fps stream, short enough that a camera that
 * slowed down shows it within seconds.
 */
export class FpsMeter {
  private stamps: number[] = [];

  constructor(readonly windowMs = 5000) {}

  add(now: number): void {
    this.stamps.push(now);
    this.prune(now);
  }

  rate(now: number): number {
    this.prune(now);
    return this.stamps.length / (this.windowMs / 1000);
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let i = 0;
    while (i < this.stamps.length && this.stamps[i]! <= from) i++;
    if (i > 0) this.stamps.splice(0, i);
  }
}
