import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import type { Logger as PinoLogger } from 'pino';
import { logger as appLogger } from '../platform/logger';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's logger (the worker's own lines and the workflows' `log` calls, e.g. a
 * dossier's "update accepted" with its request id) as structured lines of the process logger.
 *
 * The SDK's default logger prints each line to stderr synchronously, formatted with
 * `util.inspect` (issue 18: one blocking write per update on a saturated worker); here a line
 * costs what an activity's line costs, goes out with the others asynchronously, and is JSON
 * like the rest of the worker's log. Lines below the logger's level are dropped before any work.
 */
export function temporalLogger(base: PinoLogger = appLogger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const method = LEVELS[level] ?? 'info';
    if (!base.isLevelEnabled(method)) return;
    if (!meta) return base[method](message);
    // Symbol keys (the SDK's timestamp) are not carried; an `error` is logged as pino logs errors.
    const { error, ...rest } = meta as Record<string, unknown>;
    if (error instanceof Error) (rest as Record<string, unknown>).err = error;
    else if (error !== undefined) (rest as Record<string, unknown>).error = error;
    base[method](rest, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
