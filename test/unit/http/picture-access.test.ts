/** Who may see pictures: loopback open, elsewhere only with http.token. */
import type { IncomingMessage } from 'node:http';
import test from 'ava';
import { checkPictureRequest, isLoopback, pictureAccess } from '../../../src/http/picture-access.js';

const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
const url = (query = '') => new URL(`http://x/cameras/a/latest.jpg${query}`);

test('loopback addresses serve pictures without a token', (t) => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) t.true(isLoopback(host), host);
  for (const host of ['0.0.0.0', '::', '192.168.1.5', 'lookout.local', '128.0.0.1']) t.false(isLoopback(host), host);
  t.is(pictureAccess('127.0.0.1', ''), 'open');
  t.is(pictureAccess('0.0.0.0', ''), 'off', 'beyond loopback without a token: no pictures');
  t.is(pictureAccess('0.0.0.0', 's3cret-token'), 'token');
});

test('beyond loopback: the token in a Bearer header or ?token=, compared exactly', (t) => {
  const token = 's3cret-token';
  t.deepEqual(checkPictureRequest('open', '', request(), url()), { ok: true });
  t.like(checkPictureRequest('off', '', request(), url()), { ok: false, status: 403 });
  t.like(checkPictureRequest('token', token, request(), url()), { ok: false, status: 401 }, 'no token');
  t.like(checkPictureRequest('token', token, request(), url('?token=s3cret-toke')), { ok: false, status: 401 }, 'a prefix is wrong');
  t.like(checkPictureRequest('token', token, request('Bearer wrong'), url()), { ok: false, status: 401 }, 'wrong bearer');
  t.deepEqual(checkPictureRequest('token', token, request(), url('?token=s3cret-token')), { ok: true });
  t.deepEqual(checkPictureRequest('token', token, request('Bearer s3cret-token'), url()), { ok: true });
  const refused = checkPictureRequest('token', token, request('Bearer wrong'), url());
  t.false(JSON.stringify(refused).includes(token), 'a refusal never repeats the token');
});
