import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSystem } from '../bench/lib/engine';
import { expectCall } from '../bench/lib/http';
import { createDb, type BenchContext } from '../bench/lib/stack';
import { removeRedisKeys } from '../bench/lib/system';

/**
 * The production-shaped engine (`npm run test:engine`, not part of `npm test`): the Temporal
 * server v1.29.1 persisting to PostgreSQL as docker-compose.yml runs it (built from source
 * the first time, a few minutes), two API processes and two worker processes sharing it, each
 * worker running every relay. Dossiers go through their whole life over HTTP through both APIs;
 * every e-mail, SMS and webhook goes out exactly once.
 */
const pgServer = process.env.TEST_ENGINE_PG_URL || 'postgres://postgres@127.0.0.1:5432';
const ctx: BenchContext = {
  quick: true,
  runId: `e2e${process.pid}${Date.now().toString(36)}`,
  tmp: fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-engine-')),
  pgServer,
  redisUrl: process.env.TEST_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  log: (line) => process.stdout.write(`engine: ${line}\n`),
};
const TEMPORAL_DB = 'temporal_engine_e2e';
const sys = new EngineSystem(ctx, { appDatabase: 'dossier_engine_e2e', temporalDatabase: TEMPORAL_DB, dropAtStop: process.env.TEST_ENGINE_KEEP !== '1' });

describe('PostgreSQL-backed Temporal server, two APIs and two workers', () => {
  beforeAll(async () => {
    await sys.start();
    await sys.addPair();
    await sys.addPair();
  }, 900_000);

  afterAll(async () => {
    await sys.stop();
    await removeRedisKeys(ctx).catch(() => undefined);
    if (process.env.TEST_ENGINE_KEEP !== '1') fs.rmSync(ctx.tmp, { recursive: true, force: true });
    else process.stdout.write(`engine: logs kept in ${ctx.tmp}\n`);
  });

  it('takes dossiers to COMPLETED through both APIs, their histories in PostgreSQL, and sends every message and webhook once', async () => {
    const [a, b] = sys.pairs;
    const timings = new Map<string, number[]>();
    // Six dossiers at once, alternating between the APIs.
    const done = await Promise.all(Array.from({ length: 6 }, (_, i) => sys.lifecycle((i % 2 ? b : a)!.baseUrl, timings)));
    await sys.waitCompleted(done.map((d) => d.id), 180_000);

    // Each API reads what went through the other.
    for (const [i, d] of done.entries()) {
      const other = (i % 2 ? a : b)!;
      const view = await expectCall([200], 'GET', `${other.baseUrl}/api/v1/dossiers/${encodeURIComponent(d.code)}`, { token: sys.token('motcua.saigon') });
      expect(view.body.status.code).toBe('COMPLETED');
    }

    // The workflows' executions live in the Temporal server's PostgreSQL database.
    const rows = await sys.db('dossiers').whereIn('id', done.map((d) => d.id)).select('workflow_id');
    const url = new URL(pgServer);
    url.pathname = `/${TEMPORAL_DB}`;
    const temporalDb = createDb(url.toString(), { max: 1 });
    try {
      const found = await temporalDb('current_executions').whereIn('workflow_id', rows.map((r: { workflow_id: string }) => r.workflow_id)).count<{ count: string }[]>('* as count').first();
      expect(Number(found?.count)).toBe(done.length);
    } finally {
      await temporalDb.destroy();
    }

    // Nothing sent twice, nothing missing: counted by the SMTP catcher, each worker's SMS folder, the webhook receiver.
    const outgoing = await sys.waitQuiet(120_000);
    const w = sys.witnesses();
    expect(outgoing.outboxPending).toBe(0);
    expect(outgoing.notifications.email?.sent ?? 0).toBeGreaterThanOrEqual(done.length);
    expect(outgoing.notifications.sms?.sent ?? 0).toBeGreaterThanOrEqual(done.length);
    expect(w.email).toMatchObject({ received: outgoing.notifications.email!.sent, distinct: outgoing.notifications.email!.sent, duplicates: 0 });
    expect(w.sms).toMatchObject({ files: outgoing.notifications.sms!.sent, distinct: outgoing.notifications.sms!.sent, duplicates: 0 });
    expect(outgoing.webhookDeliveries.delivered ?? 0).toBeGreaterThanOrEqual(done.length);
    expect(outgoing.webhookDeliveries.pending ?? 0).toBe(0);
    expect(w.webhooks.duplicates).toBe(0);
    expect(w.webhooks.distinct).toBe(outgoing.webhookDeliveries.delivered);
    expect([...w.webhooks.byEvent.values()].every((n) => n === 1)).toBe(true);
  });
});
