import { ApplicationFailure } from '@temporalio/activity';

/**
 * PostgreSQL refuses some data for good: a NUL byte in text, an invalid Unicode escape in JSON,
 * a value out of range, a broken constraint (SQLSTATE classes 22 and 23). Retrying the same
 * write can never succeed, and while it retries the dossier's action holds its lock. Such an
 * error fails the activity at once, as a non-retryable `InvalidData` failure the workflow's
 * action passes on to the caller (422), and the dossier stays workable.
 */
export const INVALID_DATA = 'InvalidData';

export function isPermanentDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}

type AsyncFunctions = Record<string, (...args: any[]) => Promise<unknown>>;

/** The same activities, each turning a permanent data error into a non-retryable failure. */
export function failFastOnDataErrors<T extends AsyncFunctions>(activities: T): T {
  const guarded: Record<string, (...args: any[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities)) {
    guarded[name] = async (...args: any[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        if (!isPermanentDataError(err)) throw err;
        const sqlState = (err as { code: string }).code;
        throw ApplicationFailure.nonRetryable(`Dữ liệu không lưu được (${sqlState}): ${(err as Error).message}`, INVALID_DATA, { sqlState });
      }
    };
  }
  return guarded as T;
}
