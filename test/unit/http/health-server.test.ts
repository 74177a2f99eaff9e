import test from 'ava';
import net from 'node:net';
import { HealthServer, type HealthProvider, type Readiness } from '../../../src/http/health-server.js';
import { LookoutError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logger.js';

const logger = createLogger('silent');

function provider(overrides: Partial<HealthProvider> = {}): HealthProvider {
  return {
    liveness: () => true,
    readiness: (): Readiness => ({ ready: true, reasons: [] }),
    status: () => ({ cameras: { front: { state: 'streaming' } } }),
    metrics: async () => '# HELP x y\n# TYPE x gauge\nx 1\n',
    ...overrides,
  };
}

async function serve(t: import('ava').ExecutionContext, p: HealthProvider = provider()) {
  const server = new HealthServer({ host: '127.0.0.1', port: 0, logger, provider: p });
  t.teardown(() => server.stop());
  await server.start();
  const address = server.address;
  if (!address) throw new Error('no address after start');
  return { server, base: `http://127.0.0.1:${address.port}` };
}

test('GET /healthz is 200 JSON while the loop turns', async (t) => {
  const { base } = await serve(t);
  const response = await fetch(`${base}/healthz`);
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'application/json; charset=utf-8');
  t.like(await response.json(), { alive: true, reasons: [] });
});

test('/healthz is 503 when the provider reports not alive', async (t) => {
  const { base } = await serve(t, provider({ liveness: () => false }));
  const response = await fetch(`${base}/healthz`);
  t.is(response.status, 503);
  t.deepEqual((await response.json()).reasons, ['daemon reports not alive']);
});

test('/readyz is 200 when ready and 503 with reasons when not', async (t) => {
  let readiness: Readiness = { ready: true, reasons: [] };
  const { base } = await serve(t, provider({ readiness: () => readiness }));
  const ok = await fetch(`${base}/readyz`);
  t.is(ok.status, 200);
  t.deepEqual(await ok.json(), { ready: true, reasons: [] });
  readiness = { ready: false, reasons: ['mqtt: not connected', 'camera front: offline'] };
  const notReady = await fetch(`${base}/readyz`);
  t.is(notReady.status, 503);
  t.deepEqual(await notReady.json(), { ready: false, reasons: ['mqtt: not connected', 'camera front: offline'] });
});

test('/status is the provider status as JSON (query strings ignored)', async (t) => {
  const { base } = await serve(t);
  const response = await fetch(`${base}/status?pretty=1`);
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'application/json; charset=utf-8');
  t.deepEqual(await response.json(), { cameras: { front: { state: 'streaming' } } });
});

test('/metrics is Prometheus text with prom-client content type', async (t) => {
  const { base } = await serve(t);
  const response = await fetch(`${base}/metrics`);
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  t.is(await response.text(), '# HELP x y\n# TYPE x gauge\nx 1\n');
});

test('HEAD returns the headers without a body', async (t) => {
  const { base } = await serve(t);
  const response = await fetch(`${base}/status`, { method: 'HEAD' });
  t.is(response.status, 200);
  t.is(await response.text(), '');
  t.not(response.headers.get('content-length'), '0', 'content-length of the GET body');
});

test('an unknown path is 404, a known path with another method is 405 with Allow', async (t) => {
  const { base } = await serve(t);
  const missing = await fetch(`${base}/nope`);
  t.is(missing.status, 404);
  t.deepEqual((await missing.json()).paths, ['/healthz', '/readyz', '/status', '/metrics']);
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const response = await fetch(`${base}/status`, { method });
    t.is(response.status, 405, method);
    t.is(response.headers.get('allow'), 'GET, HEAD', `${method} Allow header`);
    await response.body?.cancel();
  }
});

test('a provider that throws gives 500 with the message', async (t) => {
  const { base } = await serve(t, provider({ metrics: async () => Promise.reject(new Error('boom')) }));
  const response = await fetch(`${base}/metrics`);
  t.is(response.status, 500);
  t.deepEqual(await response.json(), { error: 'boom' });
});

test('a taken port is EADDRINUSE naming http.host/http.port', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as net.AddressInfo).port;
  const server = new HealthServer({ host: '127.0.0.1', port, logger, provider: provider() });
  const error = await t.throwsAsync(server.start(), { instanceOf: LookoutError });
  t.is((error as LookoutError).code, 'EADDRINUSE');
  t.true(error?.message.startsWith(`http.host/http.port: 127.0.0.1:${port} is already in use`), error?.message);
  await server.stop();
});

test('stop() closes keep-alive connections and can be called twice', async (t) => {
  const { server, base } = await serve(t);
  await (await fetch(`${base}/healthz`)).text(); // leaves a keep-alive socket open
  await server.stop();
  await server.stop();
  t.is(server.address, null);
  await t.throwsAsync(fetch(`${base}/healthz`), undefined, 'nothing listens any more');
});
