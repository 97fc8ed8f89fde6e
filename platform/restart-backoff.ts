/**
 * When the supervisor (`npm start`) restarts a child that died: at once the first time is
 * not wise (a crash at start-up would spin), never is worse (one crashing process would take
 * the others down with it). Each exit in a row waits twice as long as the one before (1 s,
 * 2 s, 4 s … up to a ceiling of a minute); a child that then ran for a minute is healthy
 * again and starts over from the first delay.
 */
export interface BackoffOptions {
  /** Delay before the first restart. */
  initialMs: number;
  /** The ceiling of the delay. */
  maxMs: number;
  /** A child that ran at least this long before exiting counts as healthy: the series starts again. */
  resetAfterMs: number;
}

export const RESTART_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 };

/** The delay before the `n`th restart in a row (1-based). */
export function restartDelayMs(n: number, options: BackoffOptions = RESTART_BACKOFF): number {
  // 2 ** 30 is past any ceiling: no overflow to Infinity however long the series.
  return Math.min(options.initialMs * 2 ** Math.min(Math.max(n, 1) - 1, 30), options.maxMs);
}

/** The restart series of one child. */
export class RestartBackoff {
  private inARow = 0;

  constructor(private readonly options: BackoffOptions = RESTART_BACKOFF) {}

  /** The child exited after running `ranForMs`: which restart in a row this is, and how long to wait before it. */
  exited(ranForMs: number): { attempt: number; delayMs: number } {
    if (ranForMs >= this.options.resetAfterMs) this.inARow = 0;
    this.inARow += 1;
    return { attempt: this.inARow, delayMs: restartDelayMs(this.inARow, this.options) };
  }
}
