import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { createDb, ensureDatabase } from '../db/connection';

describe('migrations and seeds', () => {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${url.pathname.slice(1)}_migrations`;
  const scratch = url.toString();

  afterAll(async () => {
    const admin = new URL(scratch);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`drop database if exists "${url.pathname.slice(1)}" with (force)`);
    await client.end();
  });

  it('creates the database, migrates up, seeds idempotently, and migrates down cleanly', async () => {
    await ensureDatabase(scratch);
    await ensureDatabase(scratch); // second call is a no-op
    const db = createDb(scratch, { max: 2 });
    try {
      await db.migrate.latest();
      await db.seed.run();
      await db.seed.run(); // start runs seeds every time: nothing may duplicate
      const count = async (t: string) => Number((await db(t).count<{ count: string }[]>('* as count'))[0]!.count);
      expect(await count('procedures')).toBeGreaterThanOrEqual(8);
      expect(await count('agencies')).toBe(6);
      expect(await count('work_calendar_days')).toBe(37);
      const procedures = await db('procedures').select('code', 'time_limit', 'online_level', 'on_site_verification');
      for (const p of procedures) {
        expect(p.time_limit.unit).toMatch(/working_days|working_hours|calendar_days|same_day/);
        expect(await db('procedure_documents').where('procedure_id', db('procedures').where('code', p.code).select('id')).first()).toBeTruthy();
      }
      const residence = await db('procedure_fees as f')
        .join('procedures as p', 'p.id', 'f.procedure_id')
        .where('p.national_code', '1.004222')
        .select('f.channel', 'f.amount_vnd');
      expect(Object.fromEntries(residence.map((r) => [r.channel, r.amount_vnd]))).toMatchObject({ counter: 20000, online: 10000 });

      await db.migrate.rollback(undefined, true);
      const tables = await db.raw("select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name not like 'knex_%'");
      expect(tables.rows[0].n).toBe(0);
      const types = await db.raw("select count(*)::int as n from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = 'public' and t.typtype = 'e'");
      expect(types.rows[0].n).toBe(0);
      await db.migrate.latest();
    } finally {
      await db.destroy();
    }
  });
});
