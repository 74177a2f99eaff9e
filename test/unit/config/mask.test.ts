import test from 'ava';
import { maskSecrets, maskUrl } from '../../../src/config/mask.js';

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
];

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
