import { createLogger, type Logger } from '../../../src/logger.js';

/** A real pino logger whose JSON lines land in `lines`, to assert on what gets logged. */
export function captureLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}
