/**
 * Property-based proof that passwords never reach an output: passwords are
 * drawn from the whole printable ASCII range and from Unicode, put into camera
 * URLs (userinfo, query, DVR path parameters), MQTT URLs and error messages,
 * and each output path's formatting is checked for them.
 */
import test from 'ava';
import fc from 'fast-check';
import { checkConfig } from '../../../src/cli/check-config.js';
import { configRedactor } from '../../../src/config/secrets.js';
import { MASK, MIN_LITERAL_SECRET, maskUrl, maskWholeUrl, Redactor, secretsInUrl } from '../../../src/config/mask.js';
import { HealthServer } from '../../../src/http/health-server.js';
import { createLogger } from '../../../src/logger.js';
import { tmpDir } from './tmp-dir.js';

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const unicode = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 });
const passwordChar = fc.oneof({ weight: 4, arbitrary: printable }, { weight: 1, arbitrary: unicode });
/** Any password: printable ASCII (quotes, spaces, <, >, @, :, /, %, ...) and Unicode. */
const password = fc.string({ unit: passwordChar, minLength: 1, maxLength: 24 });
/** Passwords long enough to be redacted as literals wherever they appear. */
const longPassword = fc.string({ unit: passwordChar, minLength: MIN_LITERAL_SECRET, maxLength: 24 });
const user = fc.stringMatching(/^[A-Za-z0-9._-]{1,10}$/);
const host = fc.constantFrom('127.0.0.1', 'cam.local', '10.0.0.2', 'nvr-7.example');
const port = fc.integer({ min: 1, max: 65535 });
const path = fc.stringMatching(/^[a-z0-9]{1,8}(\/[a-z0-9]{1,8}){0,2}$/);
const scheme = fc.constantFrom('rtsp', 'rtsps', 'mqtt', 'mqtts', 'ws', 'wss');
/* `<sep>name=` inside a parameter value cannot be told from the next parameter; such values are only safe as known secrets. */
const NEXT_PARAM = /[?&;/_][A-Za-z0-9.-]+=/;

/** Every string (keys and values) in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

test('maskWholeUrl hides a userinfo password of any characters and keeps the rest exactly', (t) => {
  fc.assert(
    fc.property(scheme, user, password, host, port, path, (s, u, pw, h, p, rest) => {
      const url = `${s}://${u}:${pw}@${h}:${p}/${rest}`;
      return maskWholeUrl(url) === `${s}://${u}:${MASK}@${h}:${p}/${rest}` && maskUrl(url).startsWith(`${s}://${u}:${MASK}@`);
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 generated URLs masked exactly');
});

test('maskWholeUrl hides query and DVR path-parameter passwords of any characters', (t) => {
  const forms: Array<[string, (pw: string) => string, string]> = [
    ['DVR path', (pw) => `/user=admin_password=${pw}_channel=1`, `/user=admin_password=${MASK}_channel=1`],
    ['query', (pw) => `/live?user=admin&pwd=${pw}&channel=1`, `/live?user=admin&pwd=${MASK}&channel=1`],
    ['semicolon', (pw) => `/live;PassWord=${pw};stream=0`, `/live;PassWord=${MASK};stream=0`],
    ['token last', (pw) => `/live?token=${pw}`, `/live?token=${MASK}`],
    ['auth key', (pw) => `/live?Auth_Key=${pw}&x=1`, `/live?Auth_Key=${MASK}&x=1`],
  ];
  for (const [what, make, expected] of forms) {
    fc.assert(
      fc.property(host, password, (h, pw) => {
        fc.pre(!NEXT_PARAM.test(pw) && !pw.includes('@'));
        return maskWholeUrl(`rtsp://${h}${make(pw)}`) === `rtsp://${h}${expected}`;
      }),
      { numRuns: 500 },
    );
    t.pass(`${what}: 500 generated URLs masked exactly`);
  }
});

test('secretsInUrl finds the password of a URL, whatever it holds', (t) => {
  fc.assert(
    fc.property(user, password, host, (u, pw, h) => {
      const found = secretsInUrl(`rtsp://${u}:${pw}@${h}/live`);
      return found.length >= 1 && found[0] === pw;
    }),
    { numRuns: 1000 },
  );
  t.pass('1000 generated URLs');
});

/** Ways an error message or a tool's stderr may carry a URL. */
function messages(url: string, pw: string): string[] {
  const out = [
    `probe of ${url} failed: connection refused`,
    `${url}: Server returned 401 Unauthorized (authorization failed)`,
    `[rtsp @ 0x55d0c0] method DESCRIBE failed: ${encodeURI(url)}`,
    `Error opening input file ${JSON.stringify(url)}.`,
    `connect ECONNREFUSED; password was ${pw}`,
    `auth with ${encodeURIComponent(pw)} refused`,
    `'${pw}' <${pw}> "${pw}"`,
  ];
  if (URL.canParse(url)) out.push(`mqtt.js: bad url ${new URL(url).href}`);
  return out;
}

test('a Redactor of the config hides known passwords in any message, raw or percent-encoded', (t) => {
  fc.assert(
    fc.property(user, longPassword, longPassword, host, port, (u, cameraPw, mqttPw, h, p) => {
      const cameraUrl = `rtsp://${u}:${cameraPw}@${h}:${p}/live`;
      const mqttUrl = `mqtt://${u}:${mqttPw}@${h}:1883`;
      const redactor = configRedactor(
        { mqtt: { url: mqttUrl, password: mqttPw } } as Parameters<typeof configRedactor>[0],
        [{ config: { url: cameraUrl } as never }],
      );
      for (const pw of [cameraPw, mqttPw]) {
        for (const message of [...messages(cameraUrl, pw), ...messages(mqttUrl, pw)]) {
          const out = redactor.text(message);
          if (out.includes(pw) || out.includes(encodeURIComponent(pw))) return false;
        }
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass('500 generated configs, 16 messages each');
});

test('logger: no known password in any field of any line', (t) => {
  fc.assert(
    fc.property(user, longPassword, host, (u, pw, h) => {
      const url = `rtsp://${u}:${pw}@${h}/live`;
      const lines: string[] = [];
      const logger = createLogger('debug', { write: (line: string) => void lines.push(line) }, new Redactor(secretsInUrl(url)));
      logger.info({ url, args: ['-i', url], err: { message: `${url}: refused` } }, `camera failed: ${url} ${pw}`);
      logger.child({ camera: pw }).warn(pw);
      return lines.length === 2 && lines.every((line) => strings(JSON.parse(line)).every((s) => !s.includes(pw)));
    }),
    { numRuns: 300 },
  );
  t.pass('300 generated passwords, two log lines each, every line valid JSON');
});

test('HTTP server: /status, /readyz and /metrics carry no known password', async (t) => {
  await fc.assert(
    fc.asyncProperty(user, longPassword, host, async (u, pw, h) => {
      const url = `rtsp://${u}:${pw}@${h}/live`;
      const server = new HealthServer({
        host: '127.0.0.1',
        port: 0,
        logger: createLogger('silent'),
        redactor: new Redactor(secretsInUrl(url)),
        provider: {
          liveness: () => true,
          readiness: () => ({ ready: false, reasons: [`camera door: offline (${url}: 401)`] }),
          status: () => ({ cameras: { door: { reason: `probe of ${url} failed`, raw: pw, [pw]: 1 } } }),
          metrics: async () => `# HELP x ${pw}\nx{url="${url}"} 1\n`,
        },
      });
      await server.start();
      try {
        const base = `http://127.0.0.1:${server.address!.port}`;
        const status = await (await fetch(`${base}/status`)).json();
        const ready = await (await fetch(`${base}/readyz`)).json();
        const metrics = await (await fetch(`${base}/metrics`)).text();
        return [...strings(status), ...strings(ready)].every((s) => !s.includes(pw)) && !metrics.includes(pw);
      } finally {
        await server.stop();
      }
    }),
    { numRuns: 25 },
  );
  t.pass('25 generated passwords through a real server');
});

test('check-config prints no password of a camera URL or the MQTT config, valid or not', (t) => {
  fc.assert(
    fc.property(user, longPassword, longPassword, host, fc.boolean(), (u, cameraPw, mqttPw, h, broken) => {
      const dir = tmpDir(t);
      const daemonFile = dir.write('lookout.json', { mqtt: { url: `mqtt://${u}:${encodeURIComponent(mqttPw)}@${h}:1883`, password: mqttPw } });
      // A broken camera file (bad key) still has its url's password redacted from the problems.
      dir.write('cameras/door.json', { url: `rtsp://${u}:${cameraPw}@${h}/user=${u}_password=${cameraPw}_channel=1`, ...(broken ? { detect: { fps: `x${cameraPw}` } } : {}) });
      const lines: string[] = [];
      const code = checkConfig(daemonFile, {}, (l) => lines.push(l), (l) => lines.push(l));
      // A password the URL parser refuses makes the url itself invalid: 78 either way then.
      return (broken ? code === 78 : code === 0 || code === 78) && lines.length > 0 && lines.every((l) => !l.includes(cameraPw) && !l.includes(mqttPw) && !l.includes(encodeURIComponent(mqttPw)));
    }),
    { numRuns: 60 },
  );
  t.pass('60 generated configs');
});
