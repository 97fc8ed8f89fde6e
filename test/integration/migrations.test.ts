import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb, ensureDatabase } from '../../db/connection';
import { nextInTrackingBook } from '../../db/repositories/sequences';
import { dropDatabase } from '../helpers/databases';

describe('migrations and seeds', () => {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${url.pathname.slice(1)}_migrations`;
  const scratch = url.toString();

  afterAll(() => dropDatabase(scratch));

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
      expect(await count('agencies')).toBe(8);
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

  it('fills the QĐ 766 facts of the dossiers already there from their event log (20261126000001_processing_end)', async () => {
    const db = createDb(scratch, { max: 2 });
    try {
      await db.seed.run();
      // Back to just before 20261126000001_processing_end: the facts' columns go.
      while ((await db.migrate.currentVersion()) >= '20261126000001') await db.migrate.down();
      const agency = await db('agencies').orderBy('id').first('id');
      const procedure = await db('procedures').orderBy('id').first('id');
      // Local instants of March 2026 (UTC+7; VN-STATE, 8 working hours a day, no holiday that month).
      const t = (s: string) => new Date(`2026-03-${s}:00+07:00`);
      const dossier = async (n: number, status: string, received: boolean, events: Array<[string, string | null, string, string]>) => {
        const code = `${n}`.padStart(4, '0');
        const [row] = await db('dossiers')
          .insert({
            code: `MIG-${code}`,
            workflow_id: `dossier-MIG-${code}`,
            procedure_id: procedure.id,
            agency_id: agency.id,
            channel: 'online',
            delivery_method: 'online',
            status,
            applicant_full_name: 'Nguyễn Thị Thử',
            applicant_id_number: '079000000001',
            submitted_at: t('02T07:00'),
            received_at: received ? t('02T08:00') : null,
            calendar_code: 'VN-STATE',
          })
          .returning('id');
        await db('dossier_events').insert(events.map(([type, from, to, when], i) => ({ dossier_id: row.id, seq: i + 1, type, from_status: from, to_status: to, occurred_at: t(when) })));
        return row.id as number;
      };
      const receive: Array<[string, string | null, string, string]> = [
        ['submitted', null, 'SUBMITTED', '02T07:00'],
        ['intake_accepted', 'SUBMITTED', 'RECEIVED', '02T08:00'],
        ['assigned', 'RECEIVED', 'IN_REVIEW', '02T08:00'],
      ];
      // Supplemented, then approved: 18 working hours from receipt, less the citizen's 3.5 h.
      const approved = await dossier(1, 'APPROVED', true, [
        ...receive,
        ['supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', '02T14:00'],
        ['supplement_submitted', 'SUPPLEMENT_REQUESTED', 'IN_REVIEW', '03T08:00'],
        ['decision_proposed', 'IN_REVIEW', 'AWAITING_DECISION', '04T09:00'],
        ['approved', 'AWAITING_DECISION', 'APPROVED', '04T10:00'],
      ]);
      await db('dossier_payments').insert({ id: randomUUID(), dossier_id: approved, amount_vnd: 10_000, method: 'online', status: 'paid', paid_at: t('02T07:10'), created_at: t('02T07:05') });
      await db('dossier_results').insert({ dossier_id: approved, number: 'MIG-KQ-1', kind: 'result', title: 'Kết quả', issued_at: t('04T10:00') });
      // Still waiting for the citizen: the request is its end so far, 2 h after receipt.
      const waiting = await dossier(2, 'SUPPLEMENT_REQUESTED', true, [...receive, ['supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', '02T10:00']]);
      // Withdrawn while waiting: a stop; the wait stays its awaited request.
      const withdrawn = await dossier(3, 'WITHDRAWN', true, [
        ...receive,
        ['supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', '02T10:00'],
        ['withdrawn', 'SUPPLEMENT_REQUESTED', 'WITHDRAWN', '05T09:00'],
      ]);
      // Refused at intake: never received, nothing to count.
      const refused = await dossier(4, 'REFUSED_AT_INTAKE', false, [
        ['submitted', null, 'SUBMITTED', '02T07:00'],
        ['intake_refused', 'SUBMITTED', 'REFUSED_AT_INTAKE', '02T09:00'],
      ]);

      await db.migrate.up({ name: '20261126000001_processing_end' });
      const facts = async (id: number) =>
        db('dossiers')
          .where('id', id)
          .first('processing_ended_at', 'processing_end_kind', 'awaiting_citizen_since', 'approved_at', 'paid_online_at', 'result_issued_at', 'processing_working_ms', 'working_day_ms');
      const h = 3_600_000;
      expect(await facts(approved)).toEqual({
        processing_ended_at: t('04T10:00'),
        processing_end_kind: 'decision',
        awaiting_citizen_since: null,
        approved_at: t('04T10:00'),
        paid_online_at: t('02T07:10'),
        result_issued_at: t('04T10:00'),
        processing_working_ms: 14.5 * h,
        working_day_ms: 8 * h,
      });
      expect(await facts(waiting)).toMatchObject({ processing_ended_at: null, processing_end_kind: null, awaiting_citizen_since: t('02T10:00'), processing_working_ms: 2 * h });
      expect(await facts(withdrawn)).toMatchObject({ processing_ended_at: t('05T09:00'), processing_end_kind: 'stop', awaiting_citizen_since: t('02T10:00'), processing_working_ms: 2 * h });
      expect(await facts(refused)).toEqual({
        processing_ended_at: null,
        processing_end_kind: null,
        awaiting_citizen_since: null,
        approved_at: null,
        paid_online_at: null,
        result_issued_at: null,
        processing_working_ms: null,
        working_day_ms: null,
      });
      const index = await db.raw("select indexdef from pg_indexes where indexname = 'dossiers_agency_id_processing_ended_at_index'");
      expect(index.rows[0].indexdef).toContain('(agency_id, processing_ended_at)');
    } finally {
      await db.destroy();
    }
  });

  it('moves each tracking book\'s count from its counter row to its sequence and back (20261212000001_tracking_book_without_wait)', async () => {
    const db = createDb(scratch, { max: 2 });
    try {
      await db.migrate.latest();
      const agency = await db('agencies').orderBy('id').first('id');
      const next = () => nextInTrackingBook(db, agency.id, 2040);
      await db('tracking_book_sequences').insert({ agency_id: agency.id, year: 2040, last_value: 7 });
      expect([await next(), await next()]).toEqual([8, 9]);
      while ((await db.migrate.currentVersion()) >= '20261212000001') await db.migrate.down();
      expect((await db('tracking_book_sequences').where({ agency_id: agency.id, year: 2040 }).first('last_value')).last_value).toBe(9);
      expect((await db.raw("select count(*)::int as n from pg_namespace where nspname = 'tracking_book'")).rows[0].n).toBe(0);
      await db.migrate.latest();
      expect(await next()).toBe(10);
    } finally {
      await db.destroy();
    }
  });
});
