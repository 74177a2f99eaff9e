/**
 * Masking of credentials in anything that may be logged, published or shown in
 * an error. Masking errs on the side of hiding too much: an over-masked URL in
 * a log is harmless, a leaked camera password is not.
 */

export const MASK = '***';

/*
 * `user:password@` at the start of a string, after whitespace/quotes/`=`, or
 * after a scheme's `://`. The password part is greedy up to the LAST `@` of the
 * token, so unencoded `@` or `/` inside a password (common in camera setups)
 * are still hidden. `(?!\/\/)` keeps a bare scheme (`rtsp:`) from being taken
 * for a user name.
 */
const USERINFO = /(^|[\s"'(<=,]|:\/\/)([^\s:@/"'<>]*):(?!\/\/)([^\s"'<>]*)@/g;

/* Cheap cameras put credentials into the path or query: `/user=admin&password=123&channel=1`. */
const PARAM = /([?&;/](?:password|passwd|pwd|pass|secret|token)=)[^&;#/\s]*/gi;

/**
 * Masks the password in a URL or URL-like text, keeping the user name:
 * `rtsp://admin:secret@cam/stream` -> `rtsp://admin:***@cam/stream`.
 * The rest of the text is kept as written (no URL normalisation).
 */
export function maskUrl(url: string): string {
  return url.replace(USERINFO, `$1$2:${MASK}@`).replace(PARAM, `$1${MASK}`);
}

/* Keys whose values are secrets as a whole, wherever they appear. */
const SECRET_KEY = /pass(word|wd)?$|secret|token|credential/i;

/**
 * Deep copy of a config-like value with secret-named keys replaced by `***`
 * (empty strings stay empty: "no password" is useful to see) and every other
 * string passed through maskUrl.
 */
export function maskSecrets<T>(value: T): T {
  return maskValue(value, false) as T;
}

function maskValue(value: unknown, secret: boolean): unknown {
  if (typeof value === 'string') {
    if (secret) return value === '' ? '' : MASK;
    return maskUrl(value);
  }
  if (secret && (typeof value === 'number' || typeof value === 'bigint')) return MASK;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secret));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = maskValue(item, secret || SECRET_KEY.test(key));
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
