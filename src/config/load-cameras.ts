/**
 * Loading the camera directory: one `<name>.json` per camera. Each camera is
 * checked on its own, so one broken file disables only that camera.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import convict from 'convict';
import { ConfigError } from '../errors.js';
import { CAMERA_URL_RULE, isPlainObject, isUrlLike, shown } from './checks.js';
import { cameraSchema, type CameraConfig, type CameraDefaults } from './camera-schema.js';
import { describeFsError, unreadableFile } from './files.js';
import { secretsInUrl } from './mask.js';
import { readJsonFile } from './json-file.js';
import { checkInput, checkRequired } from './validate.js';
import { requiredZoneProblems } from '../zones/schema.js';

export interface CameraEntry {
  name: string;
  file: string;
  /** null when the file has problems. */
  config: CameraConfig | null;
  problems: string[];
  /**
   * Secrets written in the file's url (also when the file has problems), for
   * redaction. Not enumerable, so no JSON or log of an entry carries them.
   */
  readonly secrets?: string[];
}

/* The name becomes an MQTT topic level and a metric label: no '/', '+', '#', spaces. */
const CAMERA_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * One entry per `*.json` in `dir`, sorted by name. Hidden files (`.x.json`,
 * editor droppings) are skipped. `defaults` is cameras.defaults of a loaded
 * DaemonConfig; it is not checked again here. A url that is a file path comes
 * back absolute, resolved against the camera file's directory.
 * Throws ConfigError only when the directory itself cannot be read.
 */
export function loadCameraConfigs(dir: string, defaults: CameraDefaults = {}): CameraEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (err) {
    throw new ConfigError([`${dir}: (dir): cannot read: ${describeFsError(err)}`]);
  }
  return names.map((name) => loadCameraFile(join(dir, name), defaults));
}

/** One camera file; the camera is named after the file. */
export function loadCameraFile(file: string, defaults: CameraDefaults = {}): CameraEntry {
  const name = basename(file, '.json');
  const problems: string[] = [];
  if (!CAMERA_NAME.test(name)) {
    problems.push(
      `${file}: (name): camera name ${shown(name)} may only contain letters, digits, '_' and '-' (it becomes part of MQTT topics)`,
    );
  }

  const read = readJsonFile(file);
  if (!read.ok) return { name, file, config: null, problems: [...problems, read.problem] };
  if (!isPlainObject(read.value)) {
    problems.push(`${file}: (json): must be a JSON object, got ${shown(read.value)}`);
    return { name, file, config: null, problems };
  }

  const checked = checkInput(cameraSchema, read.value, file);
  problems.push(...checked.problems);

  // No env for camera keys: an empty env (and args) keeps convict off process.env/argv.
  const config = convict<CameraConfig>(cameraSchema as unknown as convict.Schema<CameraConfig>, {
    env: {},
    args: [],
  });
  config.load(defaults).load(checked.value);
  const props = config.getProperties();
  problems.push(...checkRequired(cameraSchema, props as unknown as Record<string, unknown>, read.value, file));

  // Only zones that passed their own check are known here; a bad zone was reported already.
  if (checked.value['zones'] !== undefined || checked.value['required_zones'] !== undefined) {
    problems.push(...requiredZoneProblems(file, props.zones, props.required_zones));
  }

  // Paths are checked only once the url is otherwise valid (it was loaded) and not a URL.
  const url = checked.value['url'];
  if (typeof url === 'string' && !isUrlLike(url)) {
    const path = resolve(dirname(file), url);
    const reason = unreadableFile(url, path);
    if (reason !== null) problems.push(`${file}: url: ${CAMERA_URL_RULE}; ${reason}`);
    props.url = path;
  }

  const rawUrl = read.value['url'];
  const secrets = typeof rawUrl === 'string' ? secretsInUrl(rawUrl) : [];
  const entry: CameraEntry = { name, file, config: problems.length > 0 ? null : props, problems };
  return Object.defineProperty(entry, 'secrets', { value: secrets, enumerable: false });
}
