/** Public API of the config module. */
export { loadDaemonConfig, MQTT_PASSWORD_CREDENTIAL } from './load-daemon.js';
export { loadCameraConfigs, loadCameraFile, type CameraEntry } from './load-cameras.js';
export { daemonSchema, LOG_LEVELS, type DaemonConfig } from './daemon-schema.js';
export { cameraSchema, type CameraConfig, type CameraDefaults } from './camera-schema.js';
export { maskUrl, maskSecrets, MASK } from './mask.js';
export { renderConfigReference } from './reference.js';
export { maskWholeUrl, Redactor, urlMasker, type Redact } from './mask.js';
export { configRedactor, configSecrets } from './secrets.js';
