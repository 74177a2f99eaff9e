import test from 'ava';
import { maskSecrets, maskUrl, maskWholeUrl, Redactor } from '../../../src/config/mask.js';
import { configSecrets } from '../../../src/config/secrets.js';

const cases: Array<[string, string, string]> = [
  ['rtsp://admin:secret@10.0.0.2:554/stream1', 'rtsp://admin:***@10.0.0.2:554/stream1', 'user and password'],
  ['rtsps://admin:secret@cam.local/live', 'rtsps://admin:***@cam.local/live', 'rtsps'],
  ['rtsp://admin@10.0.0.2/stream1', 'rtsp://admin@10.0.0.2/stream1', 'user only: nothing to hide'],
  ['rtsp://10.0.0.2:554/stream1', 'rtsp://10.0.0.2:554/stream1', 'no credentials, port kept'],
  ['rtsp://:secret@cam/x', 'rtsp://:***@cam/x', 'empty user'],
  ['rtsp://admin:p@ss@cam/x', 'rtsp://admin:***@cam/x', "unencoded '@' in the password"],
  ['rtsp://admin:pa/ss@cam/x', 'rtsp://admin:***@cam/x', "unencoded '/' in the password"],
  ['mqtt://lookout:secret@broker:1883', 'mqtt://lookout:***@broker:1883', 'mqtt URL'],
  ['mqtts://broker.example', 'mqtts://broker.example', 'mqtt URL without credentials'],
  ['wss://u:p@broker/mqtt', 'wss://u:***@broker/mqtt', 'websocket URL'],
  ['admin:secret@10.0.0.2', 'admin:***@10.0.0.2', 'not a URL: user:pass@host'],
  ['connect admin:secret@10.0.0.2 failed', 'connect admin:***@10.0.0.2 failed', 'user:pass@host inside text'],
  ['rtsp://10.0.0.2/user=admin&password=123&channel=1', 'rtsp://10.0.0.2/user=admin&password=***&channel=1', 'password in the path'],
  ['http://h/x?token=abc&a=1', 'http://h/x?token=***&a=1', 'token in the query'],
  ['a rtsp://u:p@h/a and rtsp://v:q@h2/b', 'a rtsp://u:***@h/a and rtsp://v:***@h2/b', 'two URLs in one text'],
  ['../demo/clip.mp4', '../demo/clip.mp4', 'file path unchanged'],
  ['not a url', 'not a url', 'plain text unchanged'],
  ['', '', 'empty string'],
  [`rtsp://cam:it'sme"<x> y@host/live`, 'rtsp://cam:***@host/live', 'quotes, angle brackets and a space in the password'],
  ['rtsp://10.0.0.2/user=admin_password=se_cret_channel=1', 'rtsp://10.0.0.2/user=admin_password=***_channel=1', "DVR path parameters joined by '_' (a '_' inside the password kept hidden)"],
  ['rtsp://h/live;PWD=x1;stream=0', 'rtsp://h/live;PWD=***;stream=0', "';' parameter, key in capitals"],
  ['rtsp://h/live?api_key=k&auth=a&x=1', 'rtsp://h/live?api_key=***&auth=***&x=1', 'key and auth parameters'],
  ['[rtsp @ 0x55] rtsp://u:pw@h:554/x: Connection refused', '[rtsp @ 0x55] rtsp://u:***@h:554/x: Connection refused', "ffmpeg's line: the '@' before the URL is not its userinfo"],
  ['rtsp://cam/x failed: mail me@example', 'rtsp://cam/x failed: mail me@example', "a later '@' after whitespace is not taken for a userinfo"],
];

test('maskWholeUrl: a value that is one URL may hold whitespace in a parameter', (t) => {
  t.is(maskWholeUrl('rtsp://h/live?password=a b c&x=1'), 'rtsp://h/live?password=***&x=1', 'the whole value is masked');
  t.is(maskUrl('rtsp://h/live?password=abc failed'), 'rtsp://h/live?password=*** failed', 'in text, whitespace ends the value');
});

test('Redactor: known secrets go in every spelling, short ones only by URL structure', (t) => {
  const redactor = new Redactor([`it'sme"<x> y`, 'p%40ss-w0rd', 'ab']);
  t.is(redactor.text(`open rtsp://u:it'sme%22%3Cx%3E%20y@h/ failed`), 'open rtsp://u:***@h/ failed', 'percent-encoded form');
  t.is(redactor.text(`echo it'sme"<x> y and it%27sme%22%3cx%3e%20y`), 'echo *** and ***', 'raw and lower-case percent-encoded forms');
  t.is(redactor.text('user p@ss-w0rd and p%40ss-w0rd'), 'user *** and ***', 'the decoded spelling of an encoded secret too');
  t.is(redactor.text('tab and about'), 'tab and about', 'a 2-character secret is not blanked out of ordinary words');
  t.is(redactor.text('rtsp://u:ab@h/'), 'rtsp://u:***@h/', 'but it is masked inside a URL');
  t.is(redactor.jsonLine('{"msg":"x it\'sme\\"<x> y","n":1}\n'), '{"msg":"x ***","n":1}\n', 'a JSON line stays valid JSON');
});

for (const [input, expected, what] of cases) {
  test(`maskUrl: ${what}`, (t) => {
    t.is(maskUrl(input), expected, `masks ${what}`);
  });
}

test('maskSecrets masks secret-named keys and URLs deeply, without touching the input', (t) => {
  const input = {
    mqtt: { url: 'mqtt://u:p@broker', username: 'u', password: 'hunter2', empty_password: '' },
    cameras: [{ url: 'rtsp://admin:secret@cam/s', api_token: 1234 }],
    port: 9595,
    enabled: true,
    nothing: null,
  };
  const masked = maskSecrets(input);
  t.deepEqual(
    masked,
    {
      mqtt: { url: 'mqtt://u:***@broker', username: 'u', password: '***', empty_password: '' },
      cameras: [{ url: 'rtsp://admin:***@cam/s', api_token: '***' }],
      port: 9595,
      enabled: true,
      nothing: null,
    },
    'password/token keys become *** (empty stays empty), URLs lose their password, other values are kept',
  );
  t.is(input.mqtt.password, 'hunter2', 'the input object is not modified');
});

test('configSecrets: every sensitive daemon key, the MQTT URL credentials and every camera URL secret', (t) => {
  const secrets = configSecrets(
    { mqtt: { url: 'mqtt://u:url-pw@broker', password: 'file-pw' } } as unknown as Parameters<typeof configSecrets>[0],
    [{ config: { url: 'rtsp://a:cam-pw@h/user=a_password=dvr-pw_channel=1' } } as never, { config: null, secrets: ['broken-file-pw'] }],
  );
  t.deepEqual(secrets, ['file-pw', 'url-pw', 'cam-pw', 'dvr-pw', 'broken-file-pw'], 'mqtt.password (sensitive), URL passwords, a DVR path parameter, a file that did not validate');
});
