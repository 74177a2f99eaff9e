import { maskUrl } from '../config/mask.js';

/** ffmpeg's log levels, most severe first (`-loglevel level+...` tags each line with one). */
const LEVELS = ['panic', 'fatal', 'error', 'warning', 'info', 'verbose', 'debug', 'trace'] as const;
export type FfmpegLevel = (typeof LEVELS)[number];

/** `[component @ 0x...] [level] text` or `[level] text`. */
const TAGGED = /^((?:\[[^\]]*\] )?)\[(panic|fatal|error|warning|info|verbose|debug|trace)\] (.*)$/;

export interface StderrLine {
  /** null when ffmpeg tagged none (it runs without `level`): taken for a warning. */
  level: FfmpegLevel | null;
  /** The line without its level tag, URLs masked. */
  text: string;
}

/**
 * The last lines ffmpeg wrote to stderr, for the offline reason
 * and the log. Bounded, because a broken stream can print a warning per
 * packet for hours. Lines are masked on the way in because ffmpeg echoes
 * the input URL, password included, in its errors.
 *
 * ffmpeg runs with `-loglevel level+verbose` so that lookout sees the
 * filter graph's input size (a resolution change); only warnings and worse
 * are kept in the tail, with the level tag removed. An untagged line
 * continues the message before it (the SDP after `[verbose] SDP:`).
 */
export class StderrTail {
  private lines: string[] = [];
  private carry = '';
  private lastLevel: FfmpegLevel | null = null;

  constructor(readonly maxLines = 20, readonly maxLineLength = 300) {}

  /** Adds a chunk; returns its complete lines, for callers that watch for messages. */
  push(chunk: Buffer | string): StderrLine[] {
    const parts = (this.carry + chunk.toString()).split(/\r?\n|\r/);
    this.carry = (parts.pop() ?? '').slice(-this.maxLineLength * 4);
    const out: StderrLine[] = [];
    for (const part of parts) {
      const line = this.add(part);
      if (line) out.push(line);
    }
    return out;
  }

  /** Completed lines plus any unterminated last line (warnings and worse). */
  get all(): string[] {
    const tail = this.carry.trim() ? this.parse(this.carry.trim()) : null;
    return tail && kept(tail.level) ? [...this.lines, tail.text.slice(0, this.maxLineLength)].slice(-this.maxLines) : [...this.lines];
  }

  get last(): string | null {
    return this.all.at(-1) ?? null;
  }

  clear(): void {
    this.lines = [];
    this.carry = '';
    this.lastLevel = null;
  }

  private parse(line: string): StderrLine {
    const tagged = TAGGED.exec(line);
    if (!tagged) return { level: this.lastLevel, text: maskUrl(line) };
    return { level: tagged[2] as FfmpegLevel, text: maskUrl(`${tagged[1]}${tagged[3]}`) };
  }

  private add(raw: string): StderrLine | null {
    const trimmed = raw.trim();
    if (!trimmed) return null;
    const line = this.parse(trimmed);
    if (TAGGED.test(trimmed)) this.lastLevel = line.level;
    if (kept(line.level)) {
      this.lines.push(line.text.slice(0, this.maxLineLength));
      if (this.lines.length > this.maxLines) this.lines.shift();
    }
    return line;
  }
}

function kept(level: FfmpegLevel | null): boolean {
  return level === null || LEVELS.indexOf(level) <= LEVELS.indexOf('warning');
}
