/**
 * Cuts ffmpeg's MJPEG stream (`-f mjpeg`: JPEG files back to back) into one
 * Buffer per picture. A JPEG ends at the EOI marker FF D9: inside the
 * entropy-coded data a 0xFF byte is always followed by 00 or a restart marker
 * (D0-D7), and ffmpeg's encoder writes no embedded thumbnail, so the first
 * FF D9 after an FF D8 start is the end of that picture.
 */
export class JpegSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** A picture larger than this is a broken stream: drop what was collected. */
  readonly #maxBytes: number;
  /** Whether the previous chunk ended with 0xFF (a marker split across chunks). */
  #lastWasFF = false;

  constructor(maxBytes = 32 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  push(chunk: Buffer): Buffer[] {
    const pictures: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const isEnd = chunk[i] === 0xd9 && (i > 0 ? chunk[i - 1] === 0xff : this.#lastWasFF);
      if (!isEnd) continue;
      this.#pending.push(chunk.subarray(start, i + 1));
      const picture = Buffer.concat(this.#pending, this.#pendingBytes + i + 1 - start);
      this.#pending = [];
      this.#pendingBytes = 0;
      start = i + 1;
      // Garbage before a start marker (none from ffmpeg) is not a picture.
      if (picture.length >= 4 && picture[0] === 0xff && picture[1] === 0xd8) pictures.push(picture);
    }
    if (start < chunk.length) {
      // Copy: the chunk's memory is ffmpeg's read buffer.
      const rest = Buffer.from(chunk.subarray(start));
      this.#pending.push(rest);
      this.#pendingBytes += rest.length;
      if (this.#pendingBytes > this.#maxBytes) {
        this.#pending = [];
        this.#pendingBytes = 0;
      }
    }
    this.#lastWasFF = chunk.length > 0 && chunk[chunk.length - 1] === 0xff;
    return pictures;
  }
}
