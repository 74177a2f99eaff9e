/**
 * Who may see pictures. On a loopback address (the default, 127.0.0.1) only
 * this machine can connect, so pictures are served as is. Bound anywhere
 * else, they are served only with http.token, given as
 * `Authorization: Bearer <token>` or `?token=<token>` (what the live page's
 * images use); with no token configured they are not served at all.
 * The token is compared in constant time and never logged (the server logs
 * paths without query strings).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

export type PictureAccess = 'open' | 'token' | 'off';

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
}

/** What pictures need on this bind address with this token. */
export function pictureAccess(host: string, token: string): PictureAccess {
  if (isLoopback(host)) return 'open';
  return token === '' ? 'off' : 'token';
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

const digest = (s: string) => createHash('sha256').update(s).digest();

export function checkPictureRequest(access: PictureAccess, token: string, request: IncomingMessage, url: URL): Verdict {
  if (access === 'open') return { ok: true };
  if (access === 'off') {
    return { ok: false, status: 403, reason: 'pictures are off: http.host is not a loopback address and no http.token is set' };
  }
  const header = request.headers.authorization ?? '';
  const given = /^Bearer (.+)$/i.exec(header)?.[1] ?? url.searchParams.get('token');
  if (given === null || given === undefined || given === '') return { ok: false, status: 401, reason: 'pictures need the token: add ?token=<http.token> or an Authorization: Bearer header' };
  // Equal-length digests: the comparison takes the same time whatever was sent.
  if (!timingSafeEqual(digest(given), digest(token))) return { ok: false, status: 401, reason: 'wrong token' };
  return { ok: true };
}
