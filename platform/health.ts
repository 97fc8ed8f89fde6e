import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Db } from '../db/connection';
import { pingDatabase } from '../db/repositories/health';

export interface HealthDeps {
  db: Db;
  redis: Redis;
  temporal: () => Client | undefined;
}

export interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const start = Date.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { ok: true, latencyMs: Date.now() - start };
  } catch (err) {
    return { ok: false, latencyMs: Date.now() - start, error: (err as Error).message };
  }
}

/** Whether each dependency answers, and how fast. */
export async function checkDependencies(deps: HealthDeps): Promise<Record<'postgres' | 'redis' | 'temporal', Check>> {
  const [postgres, redis, temporal] = await Promise.all([
    timed(() => pingDatabase(deps.db)),
    timed(() => deps.redis.ping()),
    timed(async () => {
      const client = deps.temporal();
      if (!client) throw new Error('not connected yet');
      await client.workflowService.getSystemInfo({});
    }),
  ]);
  return { postgres, redis, temporal };
}
