/**
 * `lookout run`: loads the config, starts the daemon and owns the process's
 * one shutdown path, shared by SIGTERM, SIGINT and fatal errors.
 */
import { ConfigError, EX_CONFIG, LookoutError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { Daemon } from '../daemon.js';
import { setTimer } from '../timers.js';
import { loadAll } from './load-config.js';
import { configRedactor } from '../config/index.js';

/** systemd's TimeoutStopSec is 15 s; we promise an exit within 10 s. */
const STOP_DEADLINE_MS = 9000;

/** Error codes that mean "the user's files are wrong": EX_CONFIG, so systemd does not restart in a loop. */
const CONFIG_CODES = new Set(['ECONFIG', 'EMODEL']);

export async function runDaemon(configFile: string, env: NodeJS.ProcessEnv): Promise<void> {
  let loaded;
  try {
    loaded = loadAll(configFile, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`${problem}\n`);
      process.stderr.write(`lookout: invalid configuration, not starting\n`);
      process.exit(EX_CONFIG);
    }
    throw error;
  }
  const redactor = configRedactor(loaded.config, loaded.cameras);
  const logger = createLogger(loaded.config.logging.level, undefined, redactor);
  for (const camera of loaded.cameras) {
    if (!camera.config) logger.error({ camera: camera.name, problems: camera.problems }, `camera ${camera.name} disabled: invalid file ${camera.file}`);
  }
  const daemon = new Daemon({ config: loaded.config, configFile, cameras: loaded.cameras, logger, env, redactor });

  let exiting = false;
  const shutdown = (code: number, why: string) => {
    if (exiting) return;
    exiting = true;
    logger.info({ why }, 'shutting down');
    const deadline = setTimer(() => {
      logger.error(`shutdown took longer than ${STOP_DEADLINE_MS} ms; exiting anyway`);
      process.exit(code === 0 ? 1 : code);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    daemon.stop().then(
      () => process.exit(code),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(code === 0 ? 1 : code);
      },
    );
  };
  process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));
  process.on('SIGINT', () => shutdown(0, 'SIGINT'));
  // systemctl reload lookout: re-read the camera files (src/reload/reloader.ts).
  process.on('SIGHUP', () => {
    if (!exiting) void daemon.reload('SIGHUP');
  });
  process.on('uncaughtException', (error) => fatal(logger, error, shutdown));
  process.on('unhandledRejection', (error) => fatal(logger, error, shutdown));

  try {
    await daemon.start();
  } catch (error) {
    const code = error instanceof LookoutError && CONFIG_CODES.has(error.code) ? EX_CONFIG : 1;
    logger.error({ err: { message: (error as Error).message, code: (error as LookoutError).code } }, (error as Error).message);
    logger.debug({ err: error }, 'start failure stack');
    // Also plain text on stderr: what an operator reads first in `systemctl status`.
    process.stderr.write(redactor.text(`lookout: ${(error as Error).message}\n`));
    shutdown(code, 'start failed');
  }
}

function fatal(logger: Logger, error: unknown, shutdown: (code: number, why: string) => void): void {
  logger.error({ err: { message: (error as Error)?.message ?? String(error) } }, 'fatal error');
  logger.debug({ err: error }, 'fatal error stack');
  shutdown(1, 'fatal error');
}
