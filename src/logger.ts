import { pino, type Logger, type DestinationStream } from 'pino';
import { urlMasker, type Redact } from './config/mask.js';

export type { Logger };

/**
 * JSON lines on stdout: journald stores them as-is and `journalctl -o cat | jq`
 * reads them back. Child loggers carry a `camera` field where one applies.
 * Every line passes through the redactor on its way out, whatever field a
 * secret hides in (default: URL masking only; the daemon passes the config's).
 */
export function createLogger(level: string, destination?: DestinationStream, redactor: Redact = urlMasker): Logger {
  const out = destination ?? pino.destination({ fd: 1, sync: true });
  return pino(
    {
      level,
      base: { service: 'lookout' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => out.write(redactor.jsonLine(line)) },
  );
}
