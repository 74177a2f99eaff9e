/**
 * Schema of the daemon file (default config/lookout.json). Relative paths in
 * it are resolved against the daemon file's own directory, so an install under
 * /etc/lookout works the same as the repository's config/.
 */
import { cameraDefaultableSchema, type CameraDefaults } from './camera-schema.js';
import {
  bool,
  integer,
  integerOrAuto,
  mqttTopic,
  mqttUrl,
  nonEmptyString,
  number,
  oneOf,
  plainObject,
  seconds,
  secretString,
  string,
} from './checks.js';
import { leaf, type ConfigOf } from './schema.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const daemonSchema = {
  mqtt: {
    url: leaf({
      doc: "Broker URL (mqtt://, mqtts://, ws://, wss://), or 'embedded' to run a broker inside lookout on 127.0.0.1.",
      check: mqttUrl,
      default: 'embedded',
      env: 'LOOKOUT_MQTT_URL',
    }),
    embedded_port: leaf({
      doc: "Port of the embedded broker (only with url 'embedded'); 0 = pick a free port.",
      check: integer(0, 65535),
      default: 1883,
      env: 'LOOKOUT_MQTT_EMBEDDED_PORT',
    }),
    username: leaf({
      doc: 'User name for the broker; empty = none.',
      check: string,
      default: '',
      env: 'LOOKOUT_MQTT_USERNAME',
    }),
    password: leaf({
      doc:
        'Password for the broker. Sources, lowest to highest precedence: this file, ' +
        '$CREDENTIALS_DIRECTORY/mqtt_password (systemd LoadCredential=), LOOKOUT_MQTT_PASSWORD. ' +
        'Prefer the credential: the environment is visible to the service user, the file to its readers.',
      check: secretString,
      default: '',
      env: 'LOOKOUT_MQTT_PASSWORD',
      sensitive: true,
    }),
    client_id: leaf({
      doc: 'MQTT client id; empty = lookout-<hostname>.',
      check: string,
      default: '',
      env: 'LOOKOUT_MQTT_CLIENT_ID',
    }),
    base_topic: leaf({
      doc: 'Prefix of every topic lookout publishes.',
      check: mqttTopic,
      default: 'lookout',
      env: 'LOOKOUT_MQTT_BASE_TOPIC',
    }),
    qos: leaf({
      doc: 'QoS of published messages.',
      check: oneOf([0, 1, 2]),
      default: 1,
      env: 'LOOKOUT_MQTT_QOS',
    }),
    ca: leaf({
      doc: 'CA certificate file (PEM) for mqtts/wss; empty = system CAs. Relative to the daemon file.',
      check: string,
      default: '',
      env: 'LOOKOUT_MQTT_CA',
    }),
    cert: leaf({
      doc: 'Client certificate file (PEM) for TLS client auth; empty = none. Relative to the daemon file.',
      check: string,
      default: '',
      env: 'LOOKOUT_MQTT_CERT',
    }),
    key: leaf({
      doc: 'Client private key file (PEM) for TLS client auth; empty = none. Relative to the daemon file.',
      check: string,
      default: '',
      env: 'LOOKOUT_MQTT_KEY',
    }),
    reject_unauthorized: leaf({
      doc: "Verify the broker's TLS certificate. Turn off only for testing.",
      check: bool,
      default: true,
      env: 'LOOKOUT_MQTT_REJECT_UNAUTHORIZED',
    }),
    max_queue: leaf({
      doc: 'Messages kept while the broker is unreachable; beyond it the oldest are dropped.',
      check: integer(1),
      default: 1000,
      env: 'LOOKOUT_MQTT_MAX_QUEUE',
    }),
    stats_interval_s: leaf({
      doc: 'Seconds between stats messages (at most a day).',
      check: seconds({ min: 0, minExclusive: true, max: 86400 }),
      default: 30,
      env: 'LOOKOUT_MQTT_STATS_INTERVAL_S',
    }),
    discovery: leaf({
      doc: 'Announce every camera (counts, occupancy, snapshots, state, inferred fps) and the daemon to Home Assistant by MQTT discovery. Off = publish no discovery configs (and clear none).',
      check: bool,
      default: true,
      env: 'LOOKOUT_MQTT_DISCOVERY',
    }),
    discovery_prefix: leaf({
      doc: "Home Assistant's discovery prefix (its MQTT integration's setting); configs go to <prefix>/<component>/<node_id>/<object_id>/config and <prefix>/status = online republishes them.",
      check: mqttTopic,
      default: 'homeassistant',
      env: 'LOOKOUT_MQTT_DISCOVERY_PREFIX',
    }),
  },
  http: {
    host: leaf({
      doc: 'Address of the health/metrics HTTP server.',
      check: nonEmptyString,
      default: '127.0.0.1',
      env: 'LOOKOUT_HTTP_HOST',
    }),
    port: leaf({
      doc: 'Port of the health/metrics HTTP server; 0 = pick a free port.',
      check: integer(0, 65535),
      default: 9595,
      env: 'LOOKOUT_HTTP_PORT',
    }),
    token: leaf({
      doc:
        'Token that pictures (snapshots, the live page\'s images) require when http.host is not a loopback address: ' +
        'send it as "Authorization: Bearer <token>" or ?token=<token>. Sources, lowest to highest precedence: this file, ' +
        '$CREDENTIALS_DIRECTORY/http_token, LOOKOUT_HTTP_TOKEN. Empty = pictures are served on loopback only.',
      check: secretString,
      default: '',
      env: 'LOOKOUT_HTTP_TOKEN',
      sensitive: true,
    }),
  },
  logging: {
    level: leaf({
      doc: 'Log level.',
      check: oneOf(LOG_LEVELS),
      default: 'info',
      env: 'LOOKOUT_LOG_LEVEL',
    }),
  },
  cameras: {
    dir: leaf({
      doc: 'Directory of camera files, one <name>.json per camera. Relative to the daemon file.',
      check: nonEmptyString,
      default: 'cameras',
      env: 'LOOKOUT_CAMERAS_DIR',
    }),
    defaults: leaf<CameraDefaults>({
      doc: 'Camera keys (all but url) applied under every camera file; the camera file wins, key by key.',
      check: plainObject,
      default: {},
      nested: cameraDefaultableSchema,
    }),
  },
  detector: {
    runtime: leaf({
      doc: 'Inference runtime.',
      check: oneOf(['onnx', 'tfjs']),
      default: 'onnx',
      env: 'LOOKOUT_DETECTOR_RUNTIME',
    }),
    model: leaf({
      doc: "Model directory: a bare name is a model shipped in lookout's models/ directory; a path is relative to the daemon file.",
      check: nonEmptyString,
      default: 'yolov8-mnv3',
      env: 'LOOKOUT_DETECTOR_MODEL',
    }),
    threads: leaf({
      doc: 'Inference threads (onnx). "auto" leaves one core for the event loop and ffmpeg decoding, plus one per 4 cameras, and gives inference the rest: at least 1, at most 4 (1 on a 2-core board).',
      check: integerOrAuto(1, 64),
      default: 'auto' as number | 'auto',
      env: 'LOOKOUT_DETECTOR_THREADS',
    }),
    iou: leaf({
      doc: 'IoU threshold of non-maximum suppression.',
      check: number({ min: 0, minExclusive: true, max: 1 }),
      default: 0.7,
      env: 'LOOKOUT_DETECTOR_IOU',
    }),
    max_det: leaf({
      doc: 'Most detections kept per frame after non-maximum suppression.',
      check: integer(1),
      default: 300,
      env: 'LOOKOUT_DETECTOR_MAX_DET',
    }),
    agnostic_nms: leaf({
      doc: 'Suppress overlapping boxes across labels, not only within one label.',
      check: bool,
      default: false,
      env: 'LOOKOUT_DETECTOR_AGNOSTIC_NMS',
    }),
  },
  scheduler: {
    enabled: leaf({
      doc: 'Adapt the inference budget to the CPU load and temperature. Off = every camera gets what it asks for (motion gating still applies).',
      check: bool,
      default: true,
      env: 'LOOKOUT_SCHEDULER_ENABLED',
    }),
    cpu_target: leaf({
      doc: 'Total CPU load (percent of all cores, lookout and everything else) the scheduler steers towards by raising or lowering the inference budget. Processes running niced (below lookout\'s priority, e.g. `nice -n 19`) do not count while lookout itself runs at nice 0.',
      check: number({ min: 0, minExclusive: true, max: 100 }),
      default: 75,
      env: 'LOOKOUT_SCHEDULER_CPU_TARGET',
    }),
    temp_limit_c: leaf({
      doc: 'SoC temperature (°C) above which the budget is lowered whatever the CPU load, to back off before the board throttles. Ignored where the board reports no temperature.',
      check: number({ min: 0, minExclusive: true }),
      default: 80,
      env: 'LOOKOUT_SCHEDULER_TEMP_LIMIT_C',
    }),
    interval_s: leaf({
      doc: 'Seconds between load samples, each one a step of the budget (at most an hour).',
      check: seconds({ min: 0.1, max: 3600 }),
      default: 1,
      env: 'LOOKOUT_SCHEDULER_INTERVAL_S',
    }),
  },
};

export type DaemonConfig = ConfigOf<typeof daemonSchema>;
