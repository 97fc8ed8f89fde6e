import { describe, expect, it } from 'vitest';
import type { Logger as PinoLogger } from 'pino';
import pino from 'pino';
import { startRelayLoop } from '../../worker/relay-loop';
import { temporalLogger } from '../../worker/temporal-logger';

/** Runs one tick of a relay loop (the first, at start) and returns how many passes it ran. */
async function oneTick(moved: number[], batchSize?: number): Promise<number> {
  let passes = 0;
  const loop = startRelayLoop({
    name: 'test relay',
    pass: async () => moved[passes++] ?? 0,
    batchSize,
    intervalMs: 60_000,
    log: () => undefined,
  });
  // The tick ends within a few event-loop turns; the next one would come a minute later.
  await new Promise((r) => setTimeout(r, 30));
  await loop.close();
  return passes;
}

describe('relay loop', () => {
  it('drains a backlog in full batches, and stops after a pass that moved less than a batch', async () => {
    expect(await oneTick([100, 100, 3, 7], 100)).toBe(3);
    expect(await oneTick([5, 9], 100)).toBe(1);
    expect(await oneTick([0, 9], 100)).toBe(1);
  });

  it('without a batch size, runs passes until one moves nothing', async () => {
    expect(await oneTick([2, 1, 0, 4])).toBe(3);
  });

  it('logs a failing pass once per distinct message and keeps running', async () => {
    const lines: string[] = [];
    let calls = 0;
    const loop = startRelayLoop({
      name: 'test relay',
      pass: async () => {
        calls += 1;
        throw new Error('Redis is down');
      },
      intervalMs: 5,
      log: (line) => lines.push(line),
    });
    await new Promise((r) => setTimeout(r, 60));
    await loop.close();
    expect(calls).toBeGreaterThan(1);
    expect(lines).toEqual(['worker: test relay waiting (Redis is down)']);
  });
});

describe('Temporal logger', () => {
  function capture(level: string): { base: PinoLogger; lines: () => Array<Record<string, unknown>> } {
    const out: string[] = [];
    const base = pino({ level, base: null, timestamp: false }, { write: (s: string) => out.push(s) });
    return { base, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  it('writes the SDK’s lines as structured lines of the process logger, with their attributes', () => {
    const { base, lines } = capture('info');
    const log = temporalLogger(base);
    log.info('update accepted', { sdkComponent: 'workflow', workflowId: 'dossier-1', requestId: 'req-1', [Symbol.for('log_timestamp')]: 1n });
    log.warn('activity failed', { error: new Error('boom') });
    log.log('ERROR', 'plain');
    expect(lines()).toEqual([
      { level: 30, sdkComponent: 'workflow', workflowId: 'dossier-1', requestId: 'req-1', msg: 'update accepted' },
      expect.objectContaining({ level: 40, msg: 'activity failed', err: expect.objectContaining({ message: 'boom' }) }),
      { level: 50, msg: 'plain' },
    ]);
  });

  it('drops lines below the level before any work', () => {
    const { base, lines } = capture('info');
    const log = temporalLogger(base);
    log.trace('Got workflow activation', { activation: { jobs: [] } });
    log.debug('Activity started');
    expect(lines()).toEqual([]);
  });
});
