import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTlsFiles } from '../../../src/mqtt/tls-files.js';

const dir = mkdtempSync(join(tmpdir(), 'lookout-tls-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('unset paths ("" as convict defaults them) read nothing', async (t) => {
  t.deepEqual(await readTlsFiles({ ca: '', cert: '', key: '' }), {});
});

test('set paths are read into buffers', async (t) => {
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, 'CA');
  const files = await readTlsFiles({ ca, cert: '', key: '' });
  t.is(files.ca?.toString(), 'CA');
  t.is(files.cert, undefined);
});

test('a missing file is an EMQTT_TLS error naming the config key and the file', async (t) => {
  const missing = join(dir, 'nope.pem');
  const error = await t.throwsAsync(readTlsFiles({ ca: '', cert: '', key: missing }));
  t.is((error as { code?: string }).code, 'EMQTT_TLS');
  t.is(error?.message, `mqtt.key: cannot read ${missing}: ENOENT`);
});

test('a client certificate without its key is an error naming both keys', async (t) => {
  const cert = join(dir, 'cert.pem');
  writeFileSync(cert, 'CERT');
  await t.throwsAsync(readTlsFiles({ cert, key: '' }), { message: /mqtt\.cert and mqtt\.key/ });
});
