import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { closeLiveQueues, createApp } from '../../api/app';
import { signOfficerToken } from '../../api/auth';
import { createDb } from '../../db/connection';
import { authConfig } from '../../platform/config';
import { freePort } from '../../platform/temporal-dev-server';

/**
 * Issue 18, target 1: the account an officer's token names is kept in the API process
 * (platform/identity.ts `officerAccountCache`), so a signed-in request reads no `users` row; and
 * a deactivated (or renamed) account is refused as soon as the change commits (the `users`
 * trigger of migration 20261207100001 notifies it), not when a lifetime runs out.
 */
describe('officer accounts kept in memory', () => {
  const db = createDb(inject('databaseUrl'), { max: 3 });
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  const auth = authConfig({});
  const username = `tamthoi.${process.pid}.${Date.now().toString(36)}`;
  let app: ReturnType<typeof createApp>;
  let server: Server;
  let base: string;
  let token: string;

  beforeAll(async () => {
    const agency = await db('agencies').where({ eid: '000.20.20.H29' }).first('id');
    const [u] = await db('users').insert({ username, full_name: 'Cán bộ tạm thời' }).returning('id');
    await db('user_roles').insert({ user_id: u.id, agency_id: agency.id, role: 'specialist' });
    token = await signOfficerToken(auth.officer, { username, fullName: 'Cán bộ tạm thời', roles: [{ agency: '000.20.20.H29', role: 'specialist' }] });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = createApp({ db, redis, temporal: {} as never, taskQueue: 'unused', auth, web: false });
    await new Promise<void>((r) => {
      server = app.listen(port, '127.0.0.1', () => r());
    });
  });
  afterAll(async () => {
    await closeLiveQueues(app);
    await new Promise((r) => server?.close(r));
    await db('users').where({ username }).delete();
    redis.disconnect();
    await db.destroy();
  });

  async function eventually<T>(fn: () => Promise<T>, accept: (v: T) => boolean, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (accept(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const alerts = async () => {
    const res = await fetch(`${base}/api/v1/alerts`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { reason?: string } };
  };

  /** The statements the API sends while `run` runs that read `users`. */
  async function userReads(run: () => Promise<unknown>): Promise<number> {
    const sql: string[] = [];
    const listen = (q: { sql: string }) => sql.push(q.sql);
    db.on('query', listen);
    try {
      await run();
    } finally {
      db.removeListener('query', listen);
    }
    return sql.filter((q) => /from "users"/.test(q)).length;
  }

  it('reads the account once, then refuses it as soon as it is deactivated, and takes it back when reactivated', async () => {
    // Kept once the cache listens (it opens its LISTEN connection with the app).
    expect(await eventually(() => userReads(alerts), (reads) => reads === 0, 5_000)).toBe(0);
    expect((await alerts()).status).toBe(200);

    await db('users').where({ username }).update({ active: false });
    const refused = await eventually(alerts, (r) => r.status === 401, 2_000);
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('UnknownOfficer');
    // An account refused is never kept: looked up each time.
    expect(await userReads(alerts)).toBe(1);

    await db('users').where({ username }).update({ active: true });
    expect((await alerts()).status).toBe(200);
  });

  it('a renamed account is refused under its old name', async () => {
    expect((await alerts()).status).toBe(200);
    await db('users').where({ username }).update({ username: `${username}.moi` });
    try {
      expect((await eventually(alerts, (r) => r.status === 401, 2_000)).status).toBe(401);
    } finally {
      await db('users').where({ username: `${username}.moi` }).update({ username });
    }
    expect((await alerts()).status).toBe(200);
  });
});
