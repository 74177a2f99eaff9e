/**
 * Reading a JSON config file into `file: (key): reason` problems.
 *
 * JSON.parse does the parsing; its messages are not used because V8 quotes
 * the surrounding source ("... "password":"hunter2",} is not valid JSON"),
 * which would put secrets into logs, and gives an offset rather than a line.
 * A small grammar walk locates the error instead.
 */
import { readFileSync } from 'node:fs';
import { describeFsError } from './files.js';

export type JsonRead = { ok: true; value: unknown } | { ok: false; problem: string };

export function readJsonFile(file: string): JsonRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, problem: `${file}: (file): cannot read: ${describeFsError(err)}` };
  }
  // Editors on Windows may add a byte-order mark, which JSON.parse rejects.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const found = locateJsonError(text);
    if (found === null) return { ok: false, problem: `${file}: (json): not valid JSON` };
    const { line, column } = lineAndColumn(text, found.offset);
    return { ok: false, problem: `${file}: (json): ${found.reason} at line ${line} column ${column}` };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

class Located extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Where and why `text` is not JSON; null if it is (or the walk disagrees with JSON.parse). */
export function locateJsonError(text: string): { offset: number; reason: string } | null {
  let i = 0;
  const fail = (reason: string): never => {
    throw new Located(i, i >= text.length ? 'unexpected end of file' : reason);
  };
  const unexpected = (): never => fail(`unexpected ${describeChar(text[i] ?? ' ')}`);
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (char: string, what: string): void => {
    skipSpace();
    if (text[i] !== char) fail(`expected ${what}`);
    i++;
  };

  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return str();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    unexpected();
  };
  const object = (): void => {
    i++;
    skipSpace();
    if (text[i] === '}') return void i++;
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail(text[i] === '}' ? "trailing comma before '}'" : 'expected a key in double quotes');
      str();
      expect(':', "':' after the key");
      value();
      skipSpace();
      if (text[i] === '}') return void i++;
      if (text[i] !== ',') fail("expected ',' or '}'");
      i++;
    }
  };
  const array = (): void => {
    i++;
    skipSpace();
    if (text[i] === ']') return void i++;
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail("trailing comma before ']'");
      value();
      skipSpace();
      if (text[i] === ']') return void i++;
      if (text[i] !== ',') fail("expected ',' or ']'");
      i++;
    }
  };
  const str = (): void => {
    const start = i++;
    for (;;) {
      if (i >= text.length) throw new Located(start, 'unterminated string');
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c < ' ') fail(c === '\n' ? 'line break inside a string' : 'control character inside a string');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('bad escape in string');
      } else i++;
    }
  };
  const num = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (match === null) fail('bad number');
    i += match![0].length;
  };

  try {
    value();
    skipSpace();
    if (i < text.length) fail(`unexpected ${describeChar(text[i]!)} after the end of the JSON value`);
    return null;
  } catch (err) {
    if (err instanceof Located) return { offset: err.offset, reason: err.reason };
    return null; // e.g. RangeError on absurd nesting: fall back to the plain message
  }
}

/* One character says where the error is without echoing file content. */
function describeChar(c: string): string {
  return /^[\x21-\x7e]$/.test(c) ? `'${c}'` : `character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
