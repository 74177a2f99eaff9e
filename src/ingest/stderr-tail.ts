import { maskUrl } from '../config/mask.js';


/**
 * The last lines ffmpeg wrote to stderr, for the offline reason
 * and the log. Bounded, because a broken stream can print a warning per
 * packet for hours. Lines are masked on the way in because ffmpeg echoes
 * the input URL, password included, in its errors.
 */
export class StderrTail {
  private lines: string[] = [];
  private carry = '';

  constructor(readonly maxLines = 20, readonly maxLineLength = 300) {}

  push(chunk: Buffer | string): void {
    const parts = (this.carry + chunk.toString()).split(/\r?\n|\r/);
    this.carry = (parts.pop() ?? '').slice(-this.maxLineLength * 4);
    for (const part of parts) this.add(part);
  }

  /** Completed lines plus any unterminated last line. */
  get all(): string[] {
    const tail = this.carry.trim();
    return tail ? [...this.lines, maskUrl(tail).slice(0, this.maxLineLength)].slice(-this.maxLines) : [...this.lines];
  }

  get last(): string | null {
    return this.all.at(-1) ?? null;
  }

  clear(): void {
    this.lines = [];
    this.carry = '';
  }

  private add(line: string): void {
    const trimmed = line.trim();
    if (!trimmed) return;
    this.lines.push(maskUrl(trimmed).slice(0, this.maxLineLength));
    if (this.lines.length > this.maxLines) this.lines.shift();
  }
}
