import type { Knex } from 'knex';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb, ensureDatabase } from '../../db/connection';
import { generateDossiers } from '../../bench/lib/generate';
import { dropDatabase } from '../helpers/databases';
import { agencyCalendarsByEid, indicatorCounts, worklist, worklistCounts, type WorklistQuery } from '../../db/repositories/supervision';
import { loadAgencyCalendar } from '../../db/repositories/calendars';

/**
 * The whole-centre supervision views read their rows from indexes alone (issue 18, target 4;
 * migration 20261206000002_centre_views): the statements the worklist and the QĐ 766 report send
 * are planned here with the table's own reads ruled out (no sequential or bitmap scan), so the
 * plan shows whether the indexes hold every column each statement reads. A column added to a
 * statement and not to its index turns the index-only scan into table reads at 1,000,000 dossiers
 * (BENCHMARKS.md (c)); this says so on a small database: a scratch one of its own, migrated and
 * seeded, with 5,000 dossiers from the bench's generator (bench/lib/generate.ts, which vacuums
 * them as autovacuum would: statistics and the visibility map). The answers themselves are the
 * supervision suite's (test/integration/supervision.test.ts, interagency-routes.test.ts).
 */
describe('whole-centre supervision views: index-only reads (20261206000002_centre_views)', () => {
  let db: Knex;
  let client: pg.Client;
  let agencyIds: number[];

  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${url.pathname.slice(1)}_centre_views`;
  const scratch = url.toString();

  beforeAll(async () => {
    await dropDatabase(scratch);
    await ensureDatabase(scratch);
    db = createDb(scratch, { max: 2 });
    await db.migrate.latest();
    await db.seed.run();
    await generateDossiers(db, { dossiers: 5_000, from: new Date('2025-06-01T00:00:00+07:00'), until: new Date('2026-03-18T10:00:00+07:00'), seed: 0.3 });
    client = new pg.Client({ connectionString: scratch });
    await client.connect();
    agencyIds = (await db('agencies').select('id')).map((a: { id: number }) => a.id);
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await db?.destroy();
    await dropDatabase(scratch);
  });

  /** The statements `call` sends, each planned with the table scans ruled out. */
  async function plans(call: (d: Knex) => Promise<unknown>): Promise<string[]> {
    const captured: Array<{ sql: string; bindings: unknown[] }> = [];
    const listener = (q: { sql: string; bindings?: unknown[] }) => captured.push({ sql: q.sql, bindings: q.bindings ?? [] });
    db.on('query', listener);
    try {
      await call(db);
    } finally {
      db.removeListener('query', listener);
    }
    const out: string[] = [];
    await client.query('begin');
    try {
      await client.query('set local enable_seqscan = off');
      await client.query('set local enable_bitmapscan = off');
      for (const q of captured) {
        const r = await client.query(`explain ${q.sql}`, q.bindings as unknown[]);
        out.push(r.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'));
      }
    } finally {
      await client.query('rollback');
    }
    return out;
  }

  const asOf = new Date('2026-03-18T10:00:00+07:00');

  it('overdue, whole centre: the page keys and the counts from dossiers_open_due_covering_index, the current step from dossier_handoffs_open_step_index', async () => {
    const filter: WorklistQuery = { view: 'overdue', asOf, agencyIds };
    const [page] = await plans((d) => worklist(d, { ...filter, limit: 100 }));
    const [counts] = await plans((d) => worklistCounts(d, filter));
    // The page's keys from the index alone, its 100 rows then by id.
    expect(page).toContain('Index Only Scan using dossiers_open_due_covering_index');
    expect(page).toContain('Index Only Scan using dossier_handoffs_open_step_index');
    expect(counts).toContain('Index Only Scan using dossiers_open_due_covering_index');
    expect(counts).toContain('Index Only Scan using dossier_handoffs_open_step_index');
    expect(counts).not.toMatch(/Index Scan using dossiers_pkey/);
  });

  it.each(['due_today', 'paused'] as const)('%s, whole centre: the counts from the index alone', async (view) => {
    const [counts] = await plans((d) => worklistCounts(d, { view, asOf, agencyIds }));
    expect(counts).toContain('Index Only Scan using dossiers_open_due_covering_index');
    expect(counts).not.toMatch(/Index Scan using dossiers_pkey/);
  });

  it('QĐ 766 counts, whole centre: both ranges of the period from dossiers_period_facts_index; the dossiers late because of another agency from dossiers_fault_agency_index', async () => {
    const [report, faulted] = await plans((d) =>
      indicatorCounts(d, { agencyIds, from: new Date('2026-03-01T00:00:00+07:00'), until: new Date('2026-04-01T00:00:00+07:00') }),
    );
    expect(report!.match(/Index Only Scan using dossiers_period_facts_index/g)).toHaveLength(2);
    // No per-row lookup of the agency at fault.
    expect(report).not.toContain('SubPlan');
    expect(faulted).toContain('using dossiers_fault_agency_index');
  });

  it('looks up every agency’s calendar in one statement, the same calendars as one by one', async () => {
    const agencies: Array<{ eid: string }> = await db('agencies as a').join('work_calendars as c', 'c.id', 'a.calendar_id').select('a.eid');
    const byEid = await agencyCalendarsByEid(db, [...agencies.map((a) => a.eid), '000.00.00.XXX']);
    expect([...byEid.keys()].sort()).toEqual(agencies.map((a) => a.eid).sort());
    for (const a of agencies) expect(byEid.get(a.eid)).toBe(await loadAgencyCalendar(db, a.eid));
  });
});
