import test from 'ava';
import { renderConfigReference } from '../../../src/config/index.js';

test('the reference lists every key with format, default, env and doc', (t) => {
  const md = renderConfigReference();
  const lines = md.split('\n');
  t.true(
    lines.includes(
      "| `mqtt.url` | 'embedded' or mqtt://, mqtts://, ws://, wss:// URL | `\"embedded\"` | `LOOKOUT_MQTT_URL` | Broker URL (mqtt://, mqtts://, ws://, wss://), or 'embedded' to run a broker inside lookout on 127.0.0.1. |",
    ),
    'daemon row: key, format, default, env, doc',
  );
  t.true(
    lines.includes('| `logging.level` | one of \'fatal\', \'error\', \'warn\', \'info\', \'debug\', \'trace\', \'silent\' | `"info"` | `LOOKOUT_LOG_LEVEL` | Log level. |'),
    'logging.level uses LOOKOUT_LOG_LEVEL',
  );
  t.true(
    lines.includes(
      '| `url` | rtsp://, rtsps:// URL or video file path | *(required)* |  | Required. rtsp:// or rtsps:// URL, or a video file path (relative to the camera file; played in a loop). |',
    ),
    'camera url row marked required, no env',
  );
  t.true(md.includes('one &lt;name&gt;.json per camera'), 'angle brackets escaped so Markdown keeps them');
  const keyRows = lines.filter((l) => l.startsWith('| `'));
  t.is(keyRows.length, 31 + 37, 'one row per daemon key (31) and camera key (37)');
  t.true(
    lines.includes("| `mqtt.stats_interval_s` | seconds &gt; 0 and &lt;= 86400 (1 d) | `30` | `LOOKOUT_MQTT_STATS_INTERVAL_S` | Seconds between stats messages (at most a day). |"),
    'a duration row shows its maximum',
  );
});
