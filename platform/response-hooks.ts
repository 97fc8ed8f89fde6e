import type { ServerResponse } from 'node:http';
import { logger } from './logger';

/**
 * Listeners on a response's events (`finish`, `close`, `drain`) run outside any request
 * handler: an exception thrown there is nobody's to answer, and uncaught it kills the whole
 * process (one malformed request once took the API down this way). Every such listener is
 * wrapped by `guarded`, which logs what it throws or rejects with and carries on.
 */
export function guarded<A extends unknown[]>(what: string, hook: (...args: A) => unknown): (...args: A) => void {
  return (...args: A) => {
    try {
      const result = hook(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, (err: unknown) => report(what, err));
    } catch (err) {
      report(what, err);
    }
  };
}

function report(what: string, err: unknown): void {
  try {
    logger.error({ hook: what, err: err instanceof Error ? err : new Error(String(err)) }, `response hook failed: ${what}`);
  } catch {
    // Logging itself failed: nothing more to be done, and nothing to crash over.
  }
}

/** Runs `hook` once the response has been handed to the OS (`finish`), its errors logged, never thrown. */
export function onResponseFinished(res: ServerResponse, what: string, hook: () => unknown): void {
  res.on('finish', guarded(what, hook));
}
