import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';

export interface HealthDeps {
  db: Knex;
  redis: Redis;
  temporal: () => Client | undefined;
}

interface Check {
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

export async function checkDependencies(deps: HealthDeps): Promise<Record<'postgres' | 'redis' | 'temporal', Check>> {
  const [postgres, redis, temporal] = await Promise.all([
    timed(() => deps.db.raw('select 1')),
    timed(() => deps.redis.ping()),
    timed(async () => {
      const client = deps.temporal();
      if (!client) throw new Error('not connected yet');
      await client.workflowService.getSystemInfo({});
    }),
  ]);
  return { postgres, redis, temporal };
}

/** `/health` reports each dependency; `/ready` is 503 until all of them answer. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const checks = await checkDependencies(deps);
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  });
  router.get('/ready', async (_req, res) => {
    const checks = await checkDependencies(deps);
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ ready: ok, checks });
  });
  return router;
}
