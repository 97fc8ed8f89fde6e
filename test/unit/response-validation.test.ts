import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { declareRoute } from '../../api/contract';
import { responseValidation, responseValidationMode, type ResponseValidationLog, type ResponseValidationMode } from '../../api/response-validation';

/**
 * The response validation of test stacks (api/response-validation.ts): a successful JSON answer
 * that strays from its route's declared schema, or of a status with no schema, is recorded;
 * in strict mode it becomes a 500 naming the route and the fields.
 */
declareRoute({ method: 'get', path: '/test/answers/:kind', summary: 'test', tags: [], access: 'public', responses: { 200: 'ok', 201: 'created' }, responseBodies: { 200: z.strictObject({ n: z.number().int() }) } });

function appWith(mode: Exclude<ResponseValidationMode, 'off'>, log: ResponseValidationLog) {
  const app = express();
  app.use(responseValidation(mode, log));
  app.get('/test/answers/good', (_req, res) => res.json({ n: 1 }));
  app.get('/test/answers/bad', (_req, res) => res.json({ n: 'one', extra: true }));
  app.get('/test/answers/created', (_req, res) => res.status(201).json({ n: 1 }));
  app.get('/test/answers/refused', (_req, res) => res.status(409).json({ title: 'Conflict' }));
  app.get('/elsewhere', (_req, res) => res.json({ anything: true }));
  return app;
}

describe('response validation', () => {
  const servers: Array<{ close(): void }> = [];
  const urls: Record<string, string> = {};
  const logs: Record<string, ResponseValidationLog> = {};

  beforeAll(async () => {
    for (const mode of ['record', 'strict'] as const) {
      logs[mode] = { mismatches: [], seen: new Set() };
      const server = appWith(mode, logs[mode]).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      servers.push(server);
      urls[mode] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
  });
  afterAll(() => servers.forEach((s) => s.close()));

  it('records a body that does not match, and a status without a schema, and passes the answer on', async () => {
    const bad = await fetch(`${urls.record}/test/answers/bad`);
    expect(bad.status).toBe(200);
    expect(await bad.json()).toEqual({ n: 'one', extra: true });
    expect((await fetch(`${urls.record}/test/answers/good`)).status).toBe(200);
    expect((await fetch(`${urls.record}/test/answers/created`)).status).toBe(201);
    // Problems have their own schema; routes outside the contract are not the API's.
    expect((await fetch(`${urls.record}/test/answers/refused`)).status).toBe(409);
    expect((await fetch(`${urls.record}/elsewhere`)).status).toBe(200);
    const log = logs.record!;
    expect(log.mismatches).toEqual([
      { method: 'GET', route: '/test/answers/:kind', status: 200, kind: 'schema', issues: [expect.objectContaining({ field: 'n' }), expect.objectContaining({ field: 'extra' })] },
      { method: 'GET', route: '/test/answers/:kind', status: 201, kind: 'undeclared', issues: [] },
    ]);
    expect([...log.seen].sort()).toEqual(['GET /test/answers/:kind 200', 'GET /test/answers/:kind 201']);
  });

  it('strict: the answer becomes a 500 problem naming the route and the fields', async () => {
    const bad = await fetch(`${urls.strict}/test/answers/bad`);
    expect(bad.status).toBe(500);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await bad.json()) as { reason: string; detail: string; errors: Array<{ field: string }> };
    expect(body.reason).toBe('ResponseContractMismatch');
    expect(body.detail).toContain('GET /test/answers/:kind 200');
    expect(body.errors.map((e) => e.field)).toEqual(['n', 'extra']);
    expect((await fetch(`${urls.strict}/test/answers/good`)).status).toBe(200);
  });

  it('is on only when asked for', () => {
    expect(responseValidationMode(undefined)).toBe('off');
    expect(responseValidationMode('yes')).toBe('off');
    expect(responseValidationMode('strict')).toBe('strict');
    expect(responseValidationMode('record')).toBe('record');
  });
});
