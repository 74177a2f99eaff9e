/**
 * Reads the PEM files named by mqtt.ca / mqtt.cert / mqtt.key at start, so a
 * wrong path is reported once, naming the config key and the file, instead of
 * surfacing as an opaque TLS handshake error on every reconnect.
 */
import { readFile } from 'node:fs/promises';
import { LookoutError } from '../errors.js';

export interface TlsFilePaths {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

const KEYS = ['ca', 'cert', 'key'] as const;

/** '' or undefined means "not set" (convict defaults file paths to ''). */
export async function readTlsFiles(paths: TlsFilePaths): Promise<TlsFiles> {
  const files: TlsFiles = {};
  for (const key of KEYS) {
    const file = paths[key];
    if (file === undefined || file === '') continue;
    try {
      files[key] = await readFile(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new LookoutError('EMQTT_TLS', `mqtt.${key}: cannot read ${file}: ${reason}`, { cause: error });
    }
  }
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw new LookoutError('EMQTT_TLS', 'mqtt.cert and mqtt.key: set both (client certificate and its private key) or neither');
  }
  return files;
}
