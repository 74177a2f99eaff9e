/**
 * Typed errors. Every error lookout raises on purpose is a LookoutError with a
 * stable `code`, so callers branch on the code rather than on message text.
 */
export class LookoutError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** sysexits.h EX_CONFIG: systemd and operators read 78 as "fix the config". */
export const EX_CONFIG = 78;

/**
 * A configuration problem. `problems` holds every finding as `file: key: reason`
 * so all of them can be reported at once instead of one per restart.
 */
export class ConfigError extends LookoutError {
  constructor(readonly problems: string[]) {
    super('ECONFIG', problems.join('\n'));
  }
}
