/**
 * Masking of credentials in anything that may be logged, published or shown in
 * an error. Masking errs on the side of hiding too much: an over-masked URL in
 * a log is harmless, a leaked camera password is not.
 *
 * Two layers:
 * - maskUrl() reads the structure of URLs in a text (scheme, userinfo, query
 *   and the path parameters cameras use) and hides the password parts, whatever
 *   characters they hold. It needs no knowledge of the secrets.
 * - A Redactor also knows the configured secrets (camera URL passwords, the
 *   MQTT password) and removes every literal occurrence of them, raw or
 *   percent-encoded, from any text: ffmpeg, ffprobe and MQTT.js echo URLs in
 *   forms no parser can foresee. Every output path (logs, /status, /readyz,
 *   MQTT, check-config, CLI errors) goes through one.
 */

export const MASK = '***';

/** `scheme://` as the start of a URL. */
const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;

/*
 * Keys whose value is a secret in a query or path parameter: password, passwd,
 * pass, pwd, psw, passcode, secret, token, key (api_key, apikey), auth
 * (authorization, auth_token), credential(s), sig/signature. Case-insensitive.
 */
const PARAM_KEY = String.raw`[A-Za-z0-9.-]*(?:pass|pwd|psw|secret|token|key|auth|credential|sig)[A-Za-z0-9.-]*`;

/*
 * `<sep>key=value` with sep one of `? & ; / _` (DVRs write
 * `/user=admin_password=secret_channel=1`). The value runs up to the next
 * `<sep>name=` (a name without `_`, so a password may hold `_`), whitespace,
 * or the end.
 */
const PARAM = new RegExp(String.raw`([?&;/_]${PARAM_KEY}=)(.*?)(?=[?&;/_][A-Za-z0-9.-]+=|\s|$)`, 'gim');
/* The same in a value that is one URL as a whole (a config value): whitespace belongs to the value. */
const WHOLE_PARAM = new RegExp(String.raw`([?&;/_]${PARAM_KEY}=)(.*?)(?=[?&;/_][A-Za-z0-9.-]+=|$)`, 'gis');

/*
 * Scheme-less `user:password@host` in free text ("connect admin:pw@10.0.0.2
 * failed"). The password is greedy up to the last `@` of the token.
 */
const BARE_USERINFO = /(^|[\s"'(<=,])([^\s:@/"'<>]+):(?!\/\/)([^\s]*)@(?=[^\s@]*$|[^\s@]*\s)/g;

/**
 * Masks the password in every URL of a text, keeping the user name:
 * `rtsp://admin:secret@cam/stream` -> `rtsp://admin:***@cam/stream`.
 * The rest of the text is kept as written (no URL normalisation).
 *
 * The userinfo of a URL ends at the LAST `@` before the end of the line (or
 * before the next URL that follows whitespace) whose user part holds no
 * whitespace, so a password may contain any character, including `@`, `/`,
 * `:`, quotes, `<`, `>` and spaces. Text after such an `@` that was not part
 * of the URL is masked too: hiding too much is the safe side.
 */
export function maskUrl(text: string): string {
  return maskParams(maskBareUserinfo(maskUserinfo(text)), PARAM);
}

/**
 * maskUrl for a value known to be one URL as a whole (a camera's url, mqtt.url):
 * a parameter's value may then contain whitespace too.
 */
export function maskWholeUrl(url: string): string {
  return maskParams(maskBareUserinfo(maskUserinfo(url, true)), WHOLE_PARAM);
}

function maskUserinfo(text: string, whole = false): string {
  let out = '';
  let from = 0;
  SCHEME.lastIndex = 0;
  for (let match = SCHEME.exec(text); match !== null; match = SCHEME.exec(text)) {
    const start = match.index + match[0].length;
    if (start <= from) continue;
    const end = whole ? text.length : regionEnd(text, start);
    const at = userinfoEnd(text, start, end, whole);
    if (at < 0) continue;
    const colon = text.indexOf(':', start);
    if (colon < 0 || colon > at) continue; // user only: nothing secret
    out += `${text.slice(from, colon + 1)}${MASK}`;
    from = at;
    SCHEME.lastIndex = at;
  }
  return out + text.slice(from);
}

/** Where a URL starting at `start` may end: the end of the line, or whitespace before another `scheme://`. */
function regionEnd(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  let end = newline < 0 ? text.length : newline;
  const next = /\s[a-z][a-z0-9+.-]*:\/\//gi;
  next.lastIndex = start;
  const found = next.exec(text);
  if (found !== null && found.index < end) end = found.index;
  return end;
}

/** Index of the `@` that ends the userinfo, or -1: the last `@` in the region whose user part has no whitespace. */
function userinfoEnd(text: string, start: number, end: number, whole = false): number {
  for (let at = text.lastIndexOf('@', end - 1); at >= start; at = text.lastIndexOf('@', at - 1)) {
    if (whole) return at;
    const colon = text.indexOf(':', start);
    const userEnd = colon >= 0 && colon < at ? colon : at;
    if (!/\s/.test(text.slice(start, userEnd))) return at;
    if (at === start) break;
  }
  return -1;
}

function maskBareUserinfo(text: string): string {
  return text.replace(BARE_USERINFO, (whole, lead: string, user: string, password: string) =>
    password === MASK ? whole : `${lead}${user}:${MASK}@`,
  );
}

function maskParams(text: string, pattern: RegExp): string {
  return text.replace(pattern, (_whole, key: string, value: string) => (value === '' ? key : `${key}${MASK}`));
}

/* Keys whose values are secrets as a whole, wherever they appear. */
const SECRET_KEY = /pass(word|wd)?$|secret|token|credential/i;

/**
 * Deep copy of a config-like value with secret-named keys replaced by `***`
 * (empty strings stay empty: "no password" is useful to see) and every other
 * string passed through `text` (maskUrl by default).
 */
export function maskSecrets<T>(value: T, text: (s: string) => string = maskUrl): T {
  return maskValue(value, false, text) as T;
}

function maskValue(value: unknown, secret: boolean, text: (s: string) => string): unknown {
  if (typeof value === 'string') {
    if (secret) return value === '' ? '' : MASK;
    return text(value);
  }
  if (secret && (typeof value === 'number' || typeof value === 'bigint')) return MASK;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secret, text));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[text(key)] = maskValue(item, secret || SECRET_KEY.test(key), text);
    }
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The secrets written in a URL: the password of its userinfo and the values
 * of secret-named query/path parameters, as written (percent-encoded or not).
 */
export function secretsInUrl(url: string): string[] {
  const secrets: string[] = [];
  SCHEME.lastIndex = 0;
  const scheme = SCHEME.exec(url);
  if (scheme !== null && scheme.index === 0) {
    const start = scheme[0].length;
    const at = userinfoEnd(url, start, url.length, true);
    const colon = url.indexOf(':', start);
    if (at >= 0 && colon >= 0 && colon < at) secrets.push(url.slice(colon + 1, at));
  }
  for (const match of url.matchAll(WHOLE_PARAM)) if (match[2] !== '') secrets.push(match[2]!);
  return secrets;
}

/**
 * Secrets shorter than this are not redacted as literals (a 2-character
 * password would blank every occurrence of those letters in every log line);
 * inside URLs maskUrl still hides them by structure.
 */
export const MIN_LITERAL_SECRET = 4;

/** What output paths (logger, HTTP server, MQTT publisher, CLIs) need of a Redactor. */
export interface Redact {
  text(text: string): string;
  value<T>(value: T): T;
  jsonLine(line: string): string;
}

/**
 * Removes known secrets from text and values before they are shown anywhere.
 * Built once from the config; cheap enough for every log line and message.
 */
export class Redactor implements Redact {
  /** Every form a secret may be printed in, longest first. */
  get forms(): readonly string[] {
    return this.#forms;
  }

  #forms: readonly string[] = [];

  constructor(secrets: Iterable<string>) {
    this.add(secrets);
  }

  /** Secrets learnt later (a camera file added or changed while lookout runs): masked from now on too. */
  add(secrets: Iterable<string>): void {
    const forms = new Set<string>(this.#forms);
    for (const secret of secrets) for (const form of secretForms(secret)) if (form.length >= MIN_LITERAL_SECRET) forms.add(form);
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }

  /** A text with every known secret replaced by `***` and every URL masked. */
  text = (text: string): string => this.#literals(maskUrl(this.#literals(text)));

  /* Until none is left: a replacement may join the text around it into a new occurrence. Each one shortens the text, so this ends. */
  #literals(text: string): string {
    let out = text;
    for (let again = true; again; ) {
      again = false;
      for (const form of this.forms) {
        if (!out.includes(form)) continue;
        out = out.split(form).join(MASK);
        again = true;
      }
    }
    return out;
  }

  /** A deep copy with secret-named keys masked and every string passed through text(). */
  value = <T>(value: T): T => maskSecrets(value, this.text);

  /**
   * One serialised JSON line (a pino log line): parsed, redacted value by
   * value and serialised again, so a secret made of JSON syntax cannot break
   * the line. A line that is not JSON is redacted as text.
   */
  jsonLine = (line: string): string => {
    const newline = line.endsWith('\n') ? '\n' : '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return this.text(line);
    }
    return JSON.stringify(this.value(parsed)) + newline;
  };
}

/** A Redactor that knows no secrets: URL structure only. */
export const urlMasker = new Redactor([]);

/** The raw, decoded and percent-encoded spellings of one secret. */
function secretForms(secret: string): string[] {
  const decoded = safeDecode(secret);
  const forms = new Set<string>();
  for (const plain of [secret, decoded]) {
    forms.add(plain);
    const encoded = encodeURIComponent(plain);
    forms.add(encoded);
    forms.add(encoded.replace(/%20/g, '+'));
    forms.add(userinfoEncoded(plain));
    forms.add(encodeURI(plain));
    // RFC 3986 encoders (curl, Python's quote) also encode ! ' ( ) *.
    forms.add(encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
    for (const form of [...forms]) {
      forms.add(form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
      forms.add(form.replace(/%[0-9a-f]{2}/g, (h) => h.toUpperCase()));
    }
  }
  forms.delete('');
  return [...forms];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' ')) === text ? text : decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** How the WHATWG URL parser (Node's URL, MQTT.js) writes a password. */
function userinfoEncoded(text: string): string {
  try {
    const url = new URL('x://h');
    url.password = text;
    return url.password;
  } catch {
    return text;
  }
}
