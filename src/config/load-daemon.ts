/**
 * Loading the daemon file: file < $CREDENTIALS_DIRECTORY (password only) < environment.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { modelsDir } from '../package-root.js';
import convict from 'convict';
import { ConfigError } from '../errors.js';
import { isPlainObject, shown } from './checks.js';
import { daemonSchema, type DaemonConfig } from './daemon-schema.js';
import { describeFsError, unreadableFile } from './files.js';
import { readJsonFile } from './json-file.js';
import { checkEnv, checkInput } from './validate.js';

/** systemd LoadCredential=mqtt_password:/path puts the secret into this file. */
export const MQTT_PASSWORD_CREDENTIAL = 'mqtt_password';
/** ... and LoadCredential=http_token:/path the HTTP picture token. */
export const HTTP_TOKEN_CREDENTIAL = 'http_token';

/**
 * Reads and validates the daemon file. Relative paths in it (cameras.dir,
 * detector.model, mqtt.ca/cert/key) come back absolute, resolved against the
 * file's directory; an empty mqtt.client_id becomes `lookout-<hostname>`.
 * Throws ConfigError listing every problem as `origin: key: reason`, where
 * origin is the file, `env NAME`, or the credential file.
 */
export function loadDaemonConfig(file: string, env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  const problems: string[] = [];

  let fromFile: Record<string, unknown> = {};
  const read = readJsonFile(file);
  if (!read.ok) {
    problems.push(read.problem);
  } else if (!isPlainObject(read.value)) {
    problems.push(`${file}: (json): must be a JSON object, got ${shown(read.value)}`);
  } else {
    const checked = checkInput(daemonSchema, read.value, file);
    problems.push(...checked.problems);
    fromFile = checked.value;
  }

  const fromEnv = checkEnv(daemonSchema, env);
  problems.push(...fromEnv.problems);

  // The environment outranks the credential, so an unreadable credential is moot then.
  const passwordEnv = daemonSchema.mqtt.password.env;
  const credential = passwordEnv !== undefined && env[passwordEnv] !== undefined
    ? { password: null, problem: null }
    : readPasswordCredential(env);
  if (credential.problem !== null) problems.push(credential.problem);
  if (credential.password !== null) {
    const mqtt = isPlainObject(fromFile['mqtt']) ? fromFile['mqtt'] : {};
    fromFile['mqtt'] = { ...mqtt, password: credential.password };
  }
  const tokenEnv = daemonSchema.http.token.env;
  const token = tokenEnv !== undefined && env[tokenEnv] !== undefined
    ? { password: null, problem: null }
    : readPasswordCredential(env, HTTP_TOKEN_CREDENTIAL, 'http.token');
  if (token.problem !== null) problems.push(token.problem);
  if (token.password !== null) {
    const http = isPlainObject(fromFile['http']) ? fromFile['http'] : {};
    fromFile['http'] = { ...http, token: token.password };
  }

  // Convict holds defaults and the env mapping: load() overlays the checked
  // input, then applies the environment on top (convict does so on every load).
  const config = convict<DaemonConfig>(daemonSchema as unknown as convict.Schema<DaemonConfig>, {
    env: fromEnv.env,
    args: [],
  });
  config.load(fromFile);
  const props = config.getProperties();

  const base = dirname(resolve(file));
  const originOf = (key: string): string => {
    const name = fromEnv.keys.get(key);
    return name === undefined ? file : `env ${name}`;
  };
  props.cameras.dir = resolve(base, props.cameras.dir);
  props.detector.model = resolveModelDir(props.detector.model, base);
  for (const key of ['ca', 'cert', 'key'] as const) {
    if (props.mqtt[key] === '') continue;
    const path = resolve(base, props.mqtt[key]);
    const reason = unreadableFile(props.mqtt[key], path);
    if (reason !== null) problems.push(`${originOf(`mqtt.${key}`)}: mqtt.${key}: ${reason}`);
    props.mqtt[key] = path;
  }
  if (props.mqtt.client_id === '') props.mqtt.client_id = `lookout-${hostname()}`;

  if (problems.length > 0) throw new ConfigError(problems);
  return props;
}

function readPasswordCredential(env: NodeJS.ProcessEnv, name = MQTT_PASSWORD_CREDENTIAL, key = 'mqtt.password'): { password: string | null; problem: string | null } {
  const dir = env['CREDENTIALS_DIRECTORY'];
  if (dir === undefined || dir === '') return { password: null, problem: null };
  const file = resolve(dir, name);
  try {
    // One trailing newline is how `echo secret > file` writes it, not part of the secret.
    return { password: readFileSync(file, 'utf8').replace(/\r?\n$/, ''), problem: null };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { password: null, problem: null };
    return { password: null, problem: `${file}: ${key}: cannot read: ${describeFsError(err)}` };
  }
}

/**
 * A bare name ("yolov8-mnv3") is a model shipped in the lookout directory's
 * models/, so a daemon file copied to /etc/lookout still finds it; anything
 * with a slash is a path, relative to the daemon file.
 */
export function resolveModelDir(value: string, base: string): string {
  return /[\\/]/.test(value) ? resolve(base, value) : resolve(modelsDir, value);
}
