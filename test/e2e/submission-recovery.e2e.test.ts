import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import { createDb } from '../../db/connection';
import { dossierWorkflowId } from '../../domain/dossier-code';
import { freePort } from '../../platform/temporal-dev-server';
import { eventually, http, SAMPLE_SUBMISSION, serve, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Temporal is unreachable when a citizen submits: the dossier is still stored and the
 * citizen gets the code (202). The worker's reconciler starts the workflow later.
 */
describe('submission while Temporal is unreachable', () => {
  // No worker at first: the test starts one once the dossier is stored.
  const { api, taskQueue, startWorker } = useStack({ name: 'recovery', worker: false });
  let offline: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    const db = createDb(inject('databaseUrl'));
    const redis = new Redis(inject('redisUrl'));
    const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 }) });
    const server = await serve(createApp({ db, redis, temporal, taskQueue }));
    offline = {
      url: server.baseUrl,
      close: async () => {
        await server.close();
        redis.disconnect();
        await db.destroy();
      },
    };
  });
  afterAll(async () => {
    await offline?.close();
  });

  it('answers 202 with the dossier code, and the worker starts the workflow once Temporal answers', async () => {
    const key = uniqueKey('offline');
    const body = { ...SAMPLE_SUBMISSION, applicant: { ...SAMPLE_SUBMISSION.applicant, idNumber: '001088007777' } };
    const r = await http('POST', `${offline.url}/api/v1/dossiers`, { body, headers: { 'Idempotency-Key': key } });
    expect(r.status).toBe(202);
    expect(r.body.code).toMatch(/^000\.20\.20\.H29-\d{6}-\d{4,}$/);
    expect(r.body.notice).toContain('đã được ghi nhận');
    const code: string = r.body.code;

    // The same retry against the offline API gives the same code, still 202.
    const retry = await http('POST', `${offline.url}/api/v1/dossiers`, { body, headers: { 'Idempotency-Key': key } });
    expect(retry.status).toBe(202);
    expect(retry.body.code).toBe(code);
    await expect(api.temporal.workflow.getHandle(dossierWorkflowId(code)).describe()).rejects.toThrow();
    // The submission is on record with the dossier: the citizen sees it before any workflow runs.
    const status = await http('GET', `${api.baseUrl}/api/v1/status/${code}`);
    expect(status.body.status.code).toBe('SUBMITTED');
    expect(status.body.history).toHaveLength(1);
    expect(await api.db('dossiers').where('code', code).first('workflow_started_at')).toEqual({ workflow_started_at: null });

    const worker = await startWorker({
      QUEUE_PREFIX: `${inject('runId')}-recovery`,
      SUBMISSION_RECONCILE_INTERVAL_MS: '1000',
      SUBMISSION_RECONCILE_GRACE_MS: '0',
    });
    // The reconciler starts it, and marks it started (no other start is tried).
    await eventually(() => api.db('dossiers').where('code', code).first('workflow_started_at'), (r) => r?.workflow_started_at !== null, 30_000);
    expect((await api.temporal.workflow.getHandle(dossierWorkflowId(code)).describe()).status.name).toBe('RUNNING');
    await eventually(async () => worker.output(), (o) => /started \d+ dossier workflow/.test(o), 10_000);

    // From here on it is an ordinary dossier.
    const accepted = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(accepted.status).toBe(200);
  });
});
