/**
 * Cuts ffmpeg's rawvideo byte stream into whole frames. Pipe chunks have no
 * relation to frame boundaries (64 KiB reads versus e.g. 307,200-byte
 * frames), so a frame may span many chunks and a chunk may end mid-frame.
 *
 * Frames that lie entirely inside one chunk are returned as views of it (no
 * copy); only frames that straddle chunks are assembled into a new buffer.
 */
export class FrameSplitter {
  private partial: Buffer | null = null;
  private filled = 0;

  constructor(readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) {
      throw new RangeError(`FrameSplitter: frameBytes must be a positive integer, got ${frameBytes}`);
    }
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.filled;
  }

  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let offset = 0;
    if (this.partial) {
      const n = Math.min(chunk.length, this.frameBytes - this.filled);
      chunk.copy(this.partial, this.filled, 0, n);
      this.filled += n;
      offset = n;
      if (this.filled < this.frameBytes) return frames;
      frames.push(this.partial);
      this.partial = null;
      this.filled = 0;
    }
    while (chunk.length - offset >= this.frameBytes) {
      frames.push(chunk.subarray(offset, offset + this.frameBytes));
      offset += this.frameBytes;
    }
    if (offset < chunk.length) {
      this.partial = Buffer.allocUnsafe(this.frameBytes);
      this.filled = chunk.copy(this.partial, 0, offset);
    }
    return frames;
  }

  /** Drops a half-received frame, e.g. when ffmpeg is restarted. */
  reset(): void {
    this.partial = null;
    this.filled = 0;
  }
}
