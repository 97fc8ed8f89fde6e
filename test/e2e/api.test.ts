import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import { createDb } from '../../db/connection';
import { freePort } from '../../platform/temporal-dev-server';
import { citizenToken, http, SAMPLE_SUBMISSION, serve, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

describe('API: validation, problems, catalogue, health', () => {
  const { api } = useStack({ name: 'api', worker: false });

  const submit = (body: unknown, key: string | null = uniqueKey('api')) =>
    http('POST', `${api.baseUrl}/api/v1/dossiers`, { body, headers: key ? { 'Idempotency-Key': key } : {} });

  it('reports every dependency on /health and is ready when all answer', async () => {
    const health = await http('GET', `${api.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', checks: { postgres: { ok: true }, redis: { ok: true }, temporal: { ok: true } } });
    expect((await http('GET', `${api.baseUrl}/ready`)).status).toBe(200);
  });

  it('refuses a submission without an Idempotency-Key', async () => {
    const r = await submit(SAMPLE_SUBMISSION, null);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.detail).toContain('Idempotency-Key');
  });

  it('lists every invalid field at once, in Vietnamese', async () => {
    const r = await http('POST', `${api.baseUrl}/api/v1/dossiers`, {
      body: { procedureCode: 'KT-HKD', deliveryMethod: 'fax', applicant: { fullName: 'A', idNumber: '123', phone: '12345' } },
      headers: { 'Idempotency-Key': uniqueKey('api'), Authorization: `Bearer ${await citizenToken('079123456789')}` },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: any) => e.field).sort()).toEqual(['agencyEid', 'applicant.fullName', 'applicant.idNumber', 'applicant.phone', 'deliveryMethod']);
    expect(r.body.errors.find((e: any) => e.field === 'applicant.idNumber').message).toContain('CCCD');
  });

  it('checks the procedure against the catalogue, the agency and the online level', async () => {
    expect((await submit({ ...SAMPLE_SUBMISSION, procedureCode: 'NOPE' })).body.errors[0]).toMatchObject({ field: 'procedureCode' });
    const wrongAgency = await submit({ ...SAMPLE_SUBMISSION, agencyEid: '000.00.31.H29' });
    expect(wrongAgency.status).toBe(422);
    expect(wrongAgency.body.errors[0].message).toContain('không giải quyết');
    // Certified copies need the original at the counter: no online result delivery.
    const partial = await submit({ ...SAMPLE_SUBMISSION, procedureCode: 'TP-CHUNGTHUC', deliveryMethod: 'online' });
    expect(partial.status).toBe(422);
    expect(partial.body.errors[0]).toMatchObject({ field: 'deliveryMethod' });
    const postalWithoutAddress = await submit({ ...SAMPLE_SUBMISSION, deliveryMethod: 'postal' });
    expect(postalWithoutAddress.body.errors[0]).toMatchObject({ field: 'postalAddress' });
    const postalPartial = await submit({ ...SAMPLE_SUBMISSION, deliveryMethod: 'postal', postalAddress: { line: '1 Lê Lợi' } });
    expect(postalPartial.body.errors.map((e: any) => e.field).sort()).toEqual(['postalAddress.province', 'postalAddress.ward']);
  });

  it('answers malformed JSON, unknown routes and bad codes with problems', async () => {
    const malformed = await http('POST', `${api.baseUrl}/api/v1/dossiers`, { body: '{"procedureCode":', headers: { 'content-type': 'application/json', 'Idempotency-Key': 'x' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.title).toBe('Malformed JSON');
    expect((await http('GET', `${api.baseUrl}/api/v1/nothing-here`)).status).toBe(404);
    const badCode = await http('GET', `${api.baseUrl}/api/v1/status/abc`);
    expect(badCode.status).toBe(400);
    expect(badCode.body.detail).toContain('không đúng định dạng');
    const missing = await http('GET', `${api.baseUrl}/api/v1/status/000.20.20.H29-991231-0001`);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain('Không tìm thấy hồ sơ');
  });

  it('publishes the procedure catalogue with time limits, fees by channel and documents', async () => {
    const list = await http('GET', `${api.baseUrl}/api/v1/procedures`);
    expect(list.body.items.length).toBeGreaterThanOrEqual(8);
    const residence = await http('GET', `${api.baseUrl}/api/v1/procedures/CA-THUONGTRU`);
    expect(residence.body).toMatchObject({ nationalCode: '1.004222', timeLimit: { unit: 'working_days', value: 7 }, onlineLevel: 'full', onSiteVerification: true });
    expect(residence.body.fees.find((f: any) => f.channel === 'online').amountVnd).toBe(10000);
    expect(residence.body.documents.length).toBeGreaterThan(0);
    expect((await http('GET', `${api.baseUrl}/api/openapi.json`)).body.openapi).toBe('3.1.0');
  });
});

describe('API readiness while dependencies are down', () => {
  it('/ready is 503 and /health names what is down', async () => {
    const db = createDb(inject('databaseUrl'));
    const deadPort = await freePort();
    const redis = new Redis(`redis://127.0.0.1:${deadPort}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${deadPort}`, connectTimeout: 500 }) });
    const server = await serve(createApp({ db, redis, temporal, taskQueue: 'none' }));
    try {
      const ready = await http('GET', `${server.baseUrl}/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.checks.postgres.ok).toBe(true);
      expect(ready.body.checks.redis.ok).toBe(false);
      expect(ready.body.checks.temporal.ok).toBe(false);
      const health = await http('GET', `${server.baseUrl}/health`);
      expect(health.body.status).toBe('degraded');
    } finally {
      await server.close();
      redis.disconnect();
      await db.destroy();
    }
  });
});
