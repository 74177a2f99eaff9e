import type { Frame } from './frame.js';

/**
 * A one-frame mailbox between a camera and a slower consumer (the detector).
 * A new frame replaces one that was not taken yet, so a slow consumer always
 * gets the newest picture and memory never grows with the backlog.
 */
export class LatestFrameSlot {
  private frame: Frame | null = null;
  private readonly listeners = new Set<(frame: Frame) => void>();
  /** Frames replaced before anyone took them. */
  dropped = 0;

  put(frame: Frame): void {
    if (this.frame) this.dropped += 1;
    this.frame = frame;
    for (const cb of this.listeners) cb(frame);
  }

  take(): Frame | null {
    const frame = this.frame;
    this.frame = null;
    return frame;
  }

  /** True when a frame is waiting. */
  get pending(): boolean {
    return this.frame !== null;
  }

  /** Wakes a consumer when a frame arrives; returns an unsubscribe function. */
  onFrame(cb: (frame: Frame) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}
