import { describe, expect, it } from 'vitest';
import { RestartBackoff, restartDelayMs } from '../../platform/restart-backoff';

/** How long `npm start` waits before restarting a child that exited (scripts/start.ts). */
describe('the supervisor back-off', () => {
  it('doubles from 1 s up to a ceiling of 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100, 10_000].map((n) => restartDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('counts exits in a row, and starts over after a child ran for a minute', () => {
    const b = new RestartBackoff();
    expect([b.exited(100), b.exited(2000), b.exited(59_999), b.exited(5)]).toEqual([
      { attempt: 1, delayMs: 1000 },
      { attempt: 2, delayMs: 2000 },
      { attempt: 3, delayMs: 4000 },
      { attempt: 4, delayMs: 8000 },
    ]);
    expect(b.exited(60_000)).toEqual({ attempt: 1, delayMs: 1000 });
    expect(b.exited(10)).toEqual({ attempt: 2, delayMs: 2000 });
  });

  it('takes its schedule from the options', () => {
    const b = new RestartBackoff({ initialMs: 100, maxMs: 250, resetAfterMs: 1000 });
    expect([b.exited(0), b.exited(0), b.exited(0), b.exited(1000)].map((r) => r.delayMs)).toEqual([100, 200, 250, 100]);
  });
});
