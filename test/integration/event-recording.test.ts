import type { Knex } from 'knex';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb } from '../../db/connection';
import {
  cachedEventContext,
  forgetEventContext,
  forgetEventContexts,
  recordDossierEvent,
  recordDossierEventStatements,
  warmEventContext,
  type DossierEventRecord,
  type HandoffOpening,
} from '../../db/repositories/dossier-events';
import { agencyVersions, DOSSIER_CHANGES_CHANNEL } from '../../db/repositories/dossier-changes';
import { loadDossierFacts } from '../../notifications/facts';

/**
 * Recording a dossier event in one database round trip (issue 18, target 2): the function
 * `record_dossier_event` (migration 20261206000001) against the statements it replaces
 * (recordDossierEventStatements). The same events go to two twin dossiers, one by each way, and
 * every row they write is compared: the event log, the dossier row (projection, tracking book,
 * QĐ 766 facts, current step), the process-control sheet (due times on the calendars, outcomes),
 * the clock ledger, the audit trail, webhook deliveries, officer alerts and their messages, the
 * citizen messages with their facts snapshot, and the live queues' notifications. Then the
 * round trips of an event (one with a warm cache), a retried event, and a cache gone stale.
 *
 * The staleness check (migration 20261207000001): the context a process holds stands for the
 * dossier's log and sheet by their version (`dossiers.context_version`) and is checked with its
 * head (three rows by key); the context held after each write is the database's; every writer of
 * what it holds changes its token, so the next event computed on the old one is stale; a warm
 * event reads a few rows of the log and the sheet, not all of them.
 *
 * Calendars: VN-STATE (Mon–Fri 07:30–11:30, 13:00–17:00) for our agency; a calendar of our own
 * with Saturday mornings for the other agency of the routed hand-off. March 2026 has no holiday.
 */

const A = { eid: '000.97.81.H29', name: 'UBND phường Thử nghiệm Ghi sự kiện' };
const P = { eid: '000.97.82.H29', name: 'Công an phường Thử nghiệm Ghi sự kiện' };
const at = (s: string) => `2026-${s.slice(0, 5)}T${s.slice(6)}:00+07:00`;

type Maker = (id: number) => DossierEventRecord;

describe('recording a dossier event in one round trip', () => {
  let db: Knex;
  let listener: pg.Client;
  const notes: Array<{ code: string; status: string; step: string | null; version: number }> = [];
  const users: Record<string, number> = {};
  let agencyId: number;
  const procedures: Record<string, number> = {};
  let n = 0;

  beforeAll(async () => {
    db = createDb(inject('databaseUrl'));
    const state = await db('work_calendars').where({ code: 'VN-STATE' }).orderBy('version', 'desc').first('*');
    const weekly = { ...state.weekly_hours, 6: [{ start: '07:30', end: '11:30' }] };
    const [cal] = await db('work_calendars')
      .insert({ code: 'EVFN-SAT', version: 1, name: 'Lịch thử nghiệm ghi sự kiện', utc_offset_minutes: 420, weekly_hours: JSON.stringify(weekly), coverage_from: state.coverage_from, coverage_to: state.coverage_to })
      .returning('id');
    const [a] = await db('agencies').insert({ eid: A.eid, name: A.name, level: 'commune', calendar_id: state.id, address: 'Số 1 Đường Thử', phone: '024 0000 0001' }).returning('id');
    await db('agencies').insert({ eid: P.eid, name: P.name, level: 'commune', calendar_id: cal.id });
    agencyId = a.id;
    for (const [username, role] of [
      ['evfn.motcua', 'one_stop_officer'],
      ['evfn.cv', 'specialist'],
      ['evfn.lanhdao', 'leader'],
      ['evfn.giamsat', 'supervisor'],
    ] as const) {
      const [u] = await db('users').insert({ username, full_name: username }).returning('id');
      users[username] = u.id;
      await db('user_roles').insert({ user_id: u.id, agency_id: a.id, role });
    }
    // Our own copies of two procedures (their step budgets may be changed here without touching other suites).
    for (const [from, code] of [
      ['KT-HKD', 'EVFN-KT'],
      ['CA-TAMTRU', 'EVFN-TT'],
    ] as const) {
      // A name and field of their own: the portal's catalogue (shared database) must not find two of the same procedure.
      await db.raw(
        `insert into procedures select (jsonb_populate_record(null::procedures, to_jsonb(p) || jsonb_build_object('id', nextval('procedures_id_seq'), 'code', ?::text, 'name', 'Thử nghiệm ghi sự kiện ' || ?::text, 'field', 'Thử nghiệm'))).* from procedures p where p.code = ?`,
        [code, code, from],
      );
      procedures[code] = (await db('procedures').where('code', code).first('id')).id;
    }
    await db('webhook_subscriptions').insert({ name: 'evfn', url: 'http://127.0.0.1:9/hook', secret: 'evfn-secret', events: ['dossier.status_changed'], agency_id: a.id });
    listener = new pg.Client({ connectionString: inject('databaseUrl') });
    await listener.connect();
    listener.on('notification', (m) => {
      const c = JSON.parse(m.payload!);
      if (c.agency === A.eid) notes.push({ code: c.code, status: c.status, step: c.step, version: c.version });
    });
    await listener.query(`listen ${DOSSIER_CHANGES_CHANNEL}`);
  });

  afterAll(async () => {
    await listener?.end();
    await db?.destroy();
  });

  async function dossier(procedure: string): Promise<{ id: number; code: string }> {
    n += 1;
    const code = `${A.eid}-260302-${String(n).padStart(4, '0')}`;
    const [row] = await db('dossiers')
      .insert({
        code,
        workflow_id: `dossier-${code}`,
        procedure_id: procedures[procedure],
        agency_id: agencyId,
        channel: 'online',
        delivery_method: 'online',
        status: 'SUBMITTED',
        applicant_full_name: 'Nguyễn Thị Thử',
        applicant_id_number: '079000000097',
        submitted_at: at('03-02 08:00'),
      })
      .returning('id');
    return { id: row.id, code };
  }

  const handoff = (step: HandoffOpening['step'], extra: Partial<HandoffOpening> = {}): HandoffOpening => ({
    step,
    giverId: null,
    giverUnit: 'Bộ phận Một cửa',
    receiverId: null,
    receiverUnit: 'Phòng chuyên môn',
    dueAt: null,
    ...extra,
  });

  const ev = (id: number, seq: number, type: string, from: string | null, to: string, when: string, rest: Partial<DossierEventRecord> = {}): DossierEventRecord => ({
    dossierId: id,
    seq,
    type,
    fromStatus: from,
    toStatus: to,
    actorId: null,
    actorRole: null,
    occurredAt: at(when),
    isPublic: true,
    data: {},
    projection: { status: to },
    ...rest,
  });

  /** A dossier's whole life: intake with receipt, supplement with pause and resume, review with budget, a send-back, a site visit, alerts, the decision, a routed hand-off, delivery, and a late event under the projection guard. */
  function life(): Maker[] {
    const cv = () => users['evfn.cv'];
    return [
      (id) =>
        ev(id, 1, 'submitted', null, 'SUBMITTED', '03-02 08:00', {
          actorRole: 'applicant',
          data: { channel: 'online' },
          projection: { status: 'SUBMITTED', workflowStartedAt: at('03-02 08:00'), feeDueVnd: 50_000, feeTiming: 'before_processing', feeStatus: 'unpaid' },
          handoff: { open: handoff('intake', { giverUnit: 'Người nộp hồ sơ', receiverUnit: 'Bộ phận Một cửa' }) },
        }),
      (id) =>
        ev(id, 2, 'intake_accepted', 'SUBMITTED', 'RECEIVED', '03-02 09:15', {
          actorId: users['evfn.motcua'],
          actorRole: 'one_stop_officer',
          data: { note: 'Đủ hồ sơ' },
          projection: {
            status: 'RECEIVED',
            receivedAt: at('03-02 09:15'),
            appointmentAt: at('03-09 09:15'),
            dueAt: at('03-09 09:15'),
            calendarCode: 'VN-STATE',
            calendarVersion: 1,
            receivedBy: users['evfn.motcua'],
            deadlineState: 'running',
          },
          handoff: { close: true, open: handoff('assignment', { giverId: users['evfn.motcua'], dueAt: at('03-09 09:15') }) },
          clock: [{ kind: 'start', at: at('03-02 09:15'), limit: { unit: 'working_days', value: 5 } } as never],
          notify: 'intake_accepted',
        }),
      (id) =>
        ev(id, 3, 'fee_paid', 'RECEIVED', 'RECEIVED', '03-02 10:00', { projection: { status: 'RECEIVED', feeStatus: 'paid' } }),
      (id) =>
        ev(id, 4, 'assigned', 'RECEIVED', 'IN_REVIEW', '03-02 10:30', {
          projection: { status: 'IN_REVIEW', assigneeId: cv() },
          handoff: { close: true, open: handoff('review', { receiverId: cv(), dueAt: at('03-09 09:15') }) },
        }),
      (id) =>
        ev(id, 5, 'supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', '03-03 14:00', {
          actorId: cv(),
          actorRole: 'specialist',
          data: { reason: 'Thiếu bản sao CCCD' },
          projection: {
            status: 'SUPPLEMENT_REQUESTED',
            pendingAction: { kind: 'supplement', items: ['Bản sao CCCD', 'Giấy ủy quyền'], deadline: at('03-10 17:00'), reason: 'Thiếu bản sao CCCD' },
            clockPausedAt: at('03-03 14:00'),
            deadlineState: 'paused',
            supplementRequests: 1,
          },
          clock: [{ kind: 'pause', at: at('03-03 14:00'), reason: 'Chờ bổ sung', basis: 'Điều 9' } as never],
          handoff: { close: true, open: handoff('citizen_supplement', { receiverUnit: 'Người nộp hồ sơ', dueAt: at('03-10 17:00') }) },
          notify: 'supplement_requested',
        }),
      (id) =>
        ev(id, 6, 'supplement_received', 'SUPPLEMENT_REQUESTED', 'IN_REVIEW', '03-05 08:30', {
          actorRole: 'applicant',
          projection: { status: 'IN_REVIEW', pendingAction: null, clockPausedAt: null, appointmentAt: at('03-11 10:45'), dueAt: at('03-31 10:45'), deadlineState: 'running' },
          clock: [{ kind: 'resume', at: at('03-05 08:30') } as never],
          handoff: { close: true, open: handoff('review', { receiverId: cv(), dueAt: at('03-11 10:45') }) },
        }),
      (id) =>
        ev(id, 7, 'deadline_at_risk', 'IN_REVIEW', 'IN_REVIEW', '03-06 08:00', {
          isPublic: false,
          projection: { status: 'IN_REVIEW', deadlineState: 'at_risk' },
          alert: { kind: 'at_risk', level: 0, message: 'Hồ sơ sắp đến hạn' },
        }),
      (id) =>
        ev(id, 8, 'decision_proposed', 'IN_REVIEW', 'AWAITING_DECISION', '03-06 09:00', {
          actorId: cv(),
          actorRole: 'specialist',
          projection: { status: 'AWAITING_DECISION' },
          handoff: { close: true, open: handoff('decision', { giverId: cv(), receiverUnit: 'Lãnh đạo', dueAt: at('03-11 10:45') }) },
        }),
      // Sent back: the review step opens a third time, its budget less what the first two rows took.
      (id) =>
        ev(id, 9, 'sent_back', 'AWAITING_DECISION', 'IN_REVIEW', '03-06 10:00', {
          actorId: users['evfn.lanhdao'],
          actorRole: 'leader',
          data: { reason: 'Xem lại' },
          projection: { status: 'IN_REVIEW' },
          handoff: { close: true, open: handoff('review', { receiverId: cv(), dueAt: at('03-11 10:45') }) },
        }),
      (id) =>
        ev(id, 10, 'site_visit_scheduled', 'IN_REVIEW', 'SITE_VERIFICATION', '03-06 11:00', {
          actorId: cv(),
          actorRole: 'specialist',
          projection: { status: 'SITE_VERIFICATION', pendingAction: { kind: 'site_visit', visit: { date: '2026-03-09', from: '08:00', to: '10:00', place: 'Số 5 Ngõ Thử' } } },
          handoff: { close: true, open: handoff('verification', { receiverId: cv(), dueAt: at('03-09 10:00'), countFrom: at('03-09 08:00') }) },
          notify: 'site_visit_scheduled',
        }),
      (id) =>
        ev(id, 11, 'verification_done', 'SITE_VERIFICATION', 'IN_REVIEW', '03-09 11:00', {
          actorId: cv(),
          actorRole: 'specialist',
          projection: { status: 'IN_REVIEW', pendingAction: null },
          handoff: { close: true, open: handoff('review', { receiverId: cv(), dueAt: at('03-11 10:45') }) },
        }),
      (id) =>
        ev(id, 12, 'decision_proposed', 'IN_REVIEW', 'AWAITING_DECISION', '03-09 14:00', {
          actorId: cv(),
          actorRole: 'specialist',
          projection: { status: 'AWAITING_DECISION' },
          handoff: { close: true, open: handoff('decision', { giverId: cv(), receiverUnit: 'Lãnh đạo', dueAt: at('03-11 10:45') }) },
        }),
      (id) =>
        ev(id, 13, 'deadline_escalated', 'AWAITING_DECISION', 'AWAITING_DECISION', '03-11 11:00', {
          isPublic: false,
          projection: { status: 'AWAITING_DECISION', deadlineState: 'overdue', escalationLevel: 1 },
          alert: { kind: 'escalation', level: 1, message: 'Hồ sơ quá hạn' },
          // Escalated to another leader: the decision step closes and reopens in one event, its budget less the row just closed.
          handoff: { close: true, open: handoff('decision', { receiverId: users['evfn.giamsat'], receiverUnit: 'Lãnh đạo' }) },
        }),
      (id) =>
        ev(id, 14, 'approved', 'AWAITING_DECISION', 'APPROVED', '03-11 15:00', {
          actorId: users['evfn.lanhdao'],
          actorRole: 'leader',
          projection: { status: 'APPROVED', decidedBy: users['evfn.lanhdao'], decidedAt: at('03-11 15:00'), resultNumber: '0001/2026/KQ', deadlineState: 'stopped' },
          handoff: { close: true, open: handoff('result', { receiverUnit: 'Bộ phận Một cửa', dueAt: at('03-11 10:45') }) },
        }),
      // Routed hand-offs (issue 17): another agency's calendar, then the dossier's own with a step key already spent.
      (id) =>
        ev(id, 15, 'step_forwarded', 'APPROVED', 'APPROVED', '03-12 16:00', {
          isPublic: false,
          projection: { status: 'APPROVED', procedureVersion: 1, routeStep: { key: 'police', name: 'Công an xác nhận', unit: P.eid, kind: 'leg', role: 'specialist', agencyEid: P.eid, enteredAt: at('03-12 16:00'), dueAt: null, actions: ['leg_result'], sendBackTo: [] }, faultAgencyEid: P.eid },
          handoff: { close: true, open: handoff('leg', { stepKey: 'police', stepName: 'Công an xác nhận', budgetHours: 6, agencyEid: P.eid }) },
        }),
      (id) =>
        ev(id, 16, 'step_forwarded', 'APPROVED', 'APPROVED', '03-16 09:00', {
          isPublic: false,
          projection: { status: 'APPROVED', routeStep: null, faultAgencyEid: null },
          handoff: { close: true, open: handoff('relay', { stepKey: 'police', stepName: 'Công an xác nhận', budgetHours: 8 }) },
        }),
      (id) =>
        ev(id, 17, 'result_delivered', 'APPROVED', 'COMPLETED', '03-16 10:00', {
          projection: { status: 'COMPLETED', resultDeliveredAt: at('03-16 10:00'), completedAt: at('03-16 10:00') },
          handoff: { close: true },
        }),
      // Out of order: 19 first, then 18, whose projection the guard skips (its log row and facts still count).
      (id) => ev(id, 19, 'note_added', 'COMPLETED', 'COMPLETED', '03-17 09:00', { isPublic: false, projection: { status: 'COMPLETED', closingReason: 'mười chín' } }),
      (id) => ev(id, 18, 'cancelled', 'COMPLETED', 'COMPLETED', '03-17 08:00', { isPublic: false, projection: { status: 'COMPLETED', closingReason: 'mười tám' } }),
    ];
  }

  /** Every row an event writes for a dossier, with what must differ between twins (ids, codes, write times) taken out. */
  async function written(d: { id: number; code: string }): Promise<Record<string, unknown>> {
    const norm = (rows: unknown) =>
      JSON.parse(
        JSON.stringify(rows)
          .split(d.code)
          .join('CODE')
          .replace(new RegExp(`(dossier|alert)-${d.id}-`, 'g'), '$1-ID-'),
      );
    const strip = (rows: Array<Record<string, unknown>>, ...cols: string[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !cols.includes(k))));
    const dossierRow = await db('dossiers').where('id', d.id).first('*');
    return norm({
      events: strip(await db('dossier_events').where('dossier_id', d.id).orderBy('seq'), 'id', 'dossier_id', 'recorded_at'),
      dossier: strip([dossierRow], 'id', 'code', 'workflow_id', 'updated_at', 'tracking_book_number', 'search_text', 'applicant_id_number'),
      handoffs: strip(await db('dossier_handoffs').where('dossier_id', d.id).orderBy('opened_seq'), 'id', 'dossier_id'),
      clock: strip(await db('dossier_clock_entries').where('dossier_id', d.id).orderBy(['seq', 'kind']), 'id', 'dossier_id'),
      audit: strip(await db('audit_log').where('dossier_id', d.id).orderBy('id'), 'id', 'at', 'dossier_id'),
      webhooks: strip(await db('webhook_deliveries').where('dossier_id', d.id).orderBy(['event_key', 'subscription_id']), 'id', 'dossier_id', 'created_at'),
      outbox: strip(await db('notification_outbox').where('dossier_id', d.id).orderBy('job_key'), 'id', 'dossier_id', 'created_at'),
      alerts: strip(await db('officer_alerts').where('dossier_id', d.id).orderBy(['seq', 'user_id']), 'id', 'dossier_id', 'created_at'),
    });
  }

  /** Drives the events through both ways, one event at a time on each twin; answers what each call said. */
  async function drive(makers: Maker[], oldD: { id: number }, newD: { id: number }): Promise<void> {
    for (const make of makers) {
      const a = await recordDossierEventStatements(db, make(oldD.id));
      const b = await recordDossierEvent(db, make(newD.id));
      expect(b).toEqual(a);
    }
  }

  const settle = () => new Promise((r) => setTimeout(r, 150));

  for (const procedure of ['EVFN-KT', 'EVFN-TT']) {
    it(`${procedure}: a whole life through the function writes the rows the statements write`, async () => {
      const oldD = await dossier(procedure);
      const newD = await dossier(procedure);
      await db('dossier_payments').insert([oldD, newD].map((d, i) => ({ id: `00000000-0000-4000-8000-${procedure === 'EVFN-KT' ? 'a' : 'b'}0000000000${i}`, dossier_id: d.id, amount_vnd: 50_000, method: 'online', status: 'paid', paid_at: at('03-02 09:55') })));
      notes.length = 0;
      await drive(life(), oldD, newD);
      const [w1, w2] = [await written(oldD), await written(newD)];
      expect(w2).toEqual(w1);
      // Not vacuous: what the rows say.
      const sheet = w2.handoffs as Array<Record<string, unknown>>;
      expect(sheet.map((h) => h.step)).toEqual(['intake', 'assignment', 'review', 'citizen_supplement', 'review', 'decision', 'review', 'verification', 'review', 'decision', 'decision', 'result', 'leg', 'relay']);
      expect(sheet.every((h, i) => i === 3 || h.due_at !== null)).toBe(true);
      expect((w2.webhooks as unknown[]).length).toBeGreaterThan(5);
      expect((w2.alerts as unknown[]).length).toBeGreaterThanOrEqual(3);
      expect((w2.outbox as Array<{ template: string }>).map((o) => o.template)).toContain('supplement_requested');
      const row = (w2.dossier as Array<Record<string, unknown>>)[0]!;
      expect(row.processing_end_kind).toBe('decision');
      expect(row.processing_working_ms).not.toBeNull();
      expect(row.paid_online_at).not.toBeNull();
      expect(row.closing_reason).toBe('mười chín');
      expect(row.tracking_book_year).toBe(2026);
      const numbers = await db('dossiers').whereIn('id', [oldD.id, newD.id]).orderBy('id').pluck('tracking_book_number');
      expect(numbers[1]).toBe(numbers[0]! + 1);
      // The live queues heard each event once from each twin, the same status and step, the counter one up each time.
      await settle();
      const heard = (code: string) => notes.filter((x) => x.code === code).map(({ status, step }) => ({ status, step }));
      expect(heard(newD.code)).toEqual(heard(oldD.code));
      expect(heard(newD.code)).toHaveLength(life().length);
      const versions = notes.map((x) => x.version);
      expect(versions).toEqual(versions.map((_, i) => versions[0]! + i));
    });
  }

  it('the citizen message snapshot in SQL (dossier_facts) says what loadDossierFacts says, odd pending actions too', async () => {
    const d = await dossier('EVFN-KT');
    const cases: unknown[] = [
      null,
      { kind: 'supplement', items: ['a', 2, null, true, { x: 1 }, [1, 'b']], deadline: null },
      { kind: 'supplement' },
      { kind: 'supplement', items: 'not a list', reason: 'Lý do' },
      { kind: 'site_visit', visit: { date: '2026-03-09', from: '08:00', to: 9 } },
      { kind: 'site_visit', visit: '' },
      { kind: 'site_visit', visit: 'x' },
      { kind: 'other' },
    ];
    for (const [i, pending] of cases.entries()) {
      await db('dossiers')
        .where('id', d.id)
        .update({ pending_action: pending === null ? null : JSON.stringify(pending), fee_due_vnd: i % 2 ? 0 : 30_000 + i, fee_status: i % 3 ? 'paid' : 'unpaid', received_at: i ? at('03-02 09:15') : null, closing_reason: i === 3 ? 'Đóng' : null });
      const { rows } = await db.raw('select dossier_facts(?) as f', [d.id]);
      expect(rows[0].f).toEqual(JSON.parse(JSON.stringify(await loadDossierFacts(db, d.id))));
    }
  });

  it('an event with a warm cache is one statement, a new dossier\'s first too; one under way unseen by this process two; a retry one and changes nothing', async () => {
    const d = await dossier('EVFN-KT');
    const events = life().map((m) => m(d.id)) as [DossierEventRecord, ...DossierEventRecord[]];
    forgetEventContexts();
    let statements = 0;
    const wanted: boolean[] = [];
    const count = (q: { sql: string; bindings?: unknown[] }) => {
      statements += 1;
      if (/record_dossier_event/.test(q.sql)) wanted.push(JSON.parse(String(q.bindings?.[0])).want);
    };
    db.on('query', count);
    try {
      // Warm the calendar lookups on another dossier: per process, not per dossier.
      const other = await dossier('EVFN-KT');
      await recordDossierEvent(db, life()[0]!(other.id));
      statements = 0;
      // A new dossier like the last new one (same agency and procedure): its first event is one statement too.
      wanted.length = 0;
      await recordDossierEvent(db, events[0]);
      expect(statements).toBe(1);
      // Written on a blank it assumed, the context held after is built from what the write changed, not read back whole.
      expect(wanted).toEqual([false]);
      expect(cachedEventContext(d.id)).toEqual(await fullContext(d.id));
      for (const e of events.slice(1, 4)) {
        statements = 0;
        expect(await recordDossierEvent(db, e)).toEqual({ inserted: true });
        expect(statements).toBe(1);
      }
      const before = await written(d);
      statements = 0;
      expect(await recordDossierEvent(db, events[3]!)).toEqual({ inserted: false });
      expect(statements).toBe(1);
      expect(await written(d)).toEqual(before);
      // …and on the statements' way too.
      expect(await recordDossierEventStatements(db, events[3]!)).toEqual({ inserted: false });
      expect(await written(d)).toEqual(before);
      // A dossier under way this process has not seen (another worker had it): its context, then the write.
      forgetEventContext(d.id);
      statements = 0;
      expect(await recordDossierEvent(db, events[4]!)).toEqual({ inserted: true });
      expect(statements).toBe(2);
      statements = 0;
      expect(await recordDossierEvent(db, events[5]!)).toEqual({ inserted: true });
      expect(statements).toBe(1);
      // The same, with the worker's read ahead (warmEventContext, when the dossier's run begins here): still under way
      // when the event comes, the event waits for it and is one call of the function.
      forgetEventContext(d.id);
      statements = 0;
      wanted.length = 0;
      const warming = warmEventContext(db, d.id);
      expect(await recordDossierEvent(db, events[6]!)).toEqual({ inserted: true });
      await warming;
      // The read and one call of the function, which wrote on the context read.
      expect(statements).toBe(2);
      expect(wanted).toEqual([false]);
      expect(cachedEventContext(d.id)).toEqual(await fullContext(d.id));
      // A context this process holds (it wrote since) is never replaced by a read: none is made.
      statements = 0;
      await warmEventContext(db, d.id);
      expect(statements).toBe(0);
      // A read still under way when the context is forgotten (tests: a process that has not seen it) leaves nothing behind.
      forgetEventContext(d.id);
      const forgotten = warmEventContext(db, d.id);
      forgetEventContext(d.id);
      await forgotten;
      expect(cachedEventContext(d.id)).toBeUndefined();
    } finally {
      db.off('query', count);
    }
  });

  it('a cache gone stale (another writer, a new calendar version) costs a second round trip and still writes the right rows', async () => {
    const oldD = await dossier('EVFN-TT');
    const newD = await dossier('EVFN-TT');
    const events = life();
    await drive(events.slice(0, 4), oldD, newD);
    // Another worker records the next event of both (the statements' way): this process's cache of newD is now behind.
    for (const d of [oldD, newD]) await recordDossierEventStatements(db, events[4]!(d.id));
    let statements = 0;
    const wanted: boolean[] = [];
    const count = (q: { sql: string; bindings?: unknown[] }) => {
      statements += 1;
      if (/record_dossier_event/.test(q.sql)) wanted.push(JSON.parse(String(q.bindings?.[0])).want);
    };
    db.on('query', count);
    try {
      const a = await recordDossierEventStatements(db, events[5]!(oldD.id));
      statements = 0;
      const b = await recordDossierEvent(db, events[5]!(newD.id));
      expect(b).toEqual(a);
      expect(statements).toBe(2);
    } finally {
      db.off('query', count);
    }
    await drive(events.slice(6, 14), oldD, newD);
    // A new version of the other agency's calendar (same hours): the routed hand-off's assumption of its latest version fails once.
    const v1 = await db('work_calendars').where({ code: 'EVFN-SAT', version: 1 }).first('*');
    await db('work_calendars').insert({ ...v1, id: undefined, version: 2, weekly_hours: JSON.stringify(v1.weekly_hours) });
    db.on('query', count);
    try {
      const a = await recordDossierEventStatements(db, events[14]!(oldD.id));
      statements = 0;
      const b = await recordDossierEvent(db, events[14]!(newD.id));
      expect(b).toEqual(a);
      expect(statements).toBeGreaterThanOrEqual(2);
    } finally {
      db.off('query', count);
    }
    await drive(events.slice(15), oldD, newD);
    expect(await written(newD)).toEqual(await written(oldD));
  });

  it('changed step budgets are seen at once', async () => {
    const oldD = await dossier('EVFN-KT');
    const newD = await dossier('EVFN-KT');
    const events = life();
    await drive(events.slice(0, 3), oldD, newD);
    const budgets = (await db('procedures').where('code', 'EVFN-KT').first('step_budgets')).step_budgets;
    await db('procedures').where('code', 'EVFN-KT').update({ step_budgets: JSON.stringify({ ...budgets, review: 1.5 }) });
    try {
      await drive(events.slice(3, 12), oldD, newD);
      expect(await written(newD)).toEqual(await written(oldD));
    } finally {
      await db('procedures').where('code', 'EVFN-KT').update({ step_budgets: JSON.stringify(budgets) });
    }
  });
  /** The whole context as the database has it now (its version, token, head, sheet and log). */
  const fullContext = async (id: number) => (await db.raw('select dossier_context_full(?) as c', [id])).rows[0].c as { version: number; token: string; ctx: Record<string, unknown> };

  it('the context this process holds after each write is the database\'s: what the function answers the write changed, applied here', async () => {
    const d = await dossier('EVFN-KT');
    for (const make of life()) {
      // Events with maths (a candidate taken) and without (no candidate: the context held at the version written on).
      await recordDossierEvent(db, make(d.id));
      expect(cachedEventContext(d.id)).toEqual(await fullContext(d.id));
    }
    expect((await fullContext(d.id)).version).toBe(life().length);
    // An event with no maths for a dossier this process holds nothing of: the whole context comes back with the write.
    forgetEventContext(d.id);
    await recordDossierEvent(db, ev(d.id, 20, 'note_added', 'COMPLETED', 'COMPLETED', '03-18 09:00', { isPublic: false }));
    expect(cachedEventContext(d.id)).toEqual(await fullContext(d.id));
  });

  it('every writer of what the context holds changes its token: a hand-off written outside the function, a due date set on the row, make the next event stale and recomputed right', async () => {
    const oldD = await dossier('EVFN-TT');
    const newD = await dossier('EVFN-TT');
    const events = life();
    await drive(events.slice(0, 4), oldD, newD);
    const held = cachedEventContext(newD.id)!;
    expect(held).toEqual(await fullContext(newD.id));
    // The statements' way (another worker; the path before issue 18) records the next event: it closes the review row and opens the citizen's.
    for (const d of [oldD, newD]) await recordDossierEventStatements(db, events[4]!(d.id));
    const after = await fullContext(newD.id);
    expect(after.ctx.sheet).not.toEqual((held.ctx as { sheet: unknown }).sheet);
    expect(after.version).toBe(held.version + 1);
    expect(after.token).not.toBe(held.token);
    expect(cachedEventContext(newD.id)!.token).toBe(held.token);
    let statements = 0;
    const wanted: boolean[] = [];
    const count = (q: { sql: string; bindings?: unknown[] }) => {
      statements += 1;
      if (/record_dossier_event/.test(q.sql)) wanted.push(JSON.parse(String(q.bindings?.[0])).want);
    };
    db.on('query', count);
    try {
      // Computed on the context held (the review row still open), refused, computed again on the sheet as it is.
      const a = await recordDossierEventStatements(db, events[5]!(oldD.id));
      statements = 0;
      expect(await recordDossierEvent(db, events[5]!(newD.id))).toEqual(a);
      expect(statements).toBe(2);
      expect(cachedEventContext(newD.id)).toEqual(await fullContext(newD.id));
      // A due date set on the dossier's row by a writer that knows nothing of the context (a recomputed deadline): its head changes, no counter to remember.
      await drive(events.slice(6, 7), oldD, newD);
      // (after the event the process holds the head as it was written: the due date set next is news to it)
      await db('dossiers').whereIn('id', [oldD.id, newD.id]).update({ due_at: at('03-06 09:30') });
      expect((await fullContext(newD.id)).token).not.toBe(cachedEventContext(newD.id)!.token);
      const c = await recordDossierEventStatements(db, events[7]!(oldD.id));
      statements = 0;
      expect(await recordDossierEvent(db, events[7]!(newD.id))).toEqual(c);
      expect(statements).toBe(2);
    } finally {
      db.off('query', count);
    }
    // Not vacuous: the decision row opened after the new due date is capped by it.
    const decision = await db('dossier_handoffs').where({ dossier_id: newD.id, opened_seq: 8 }).first('due_at');
    expect(new Date(decision.due_at).toISOString()).toBe(new Date(at('03-06 09:30')).toISOString());
    await drive(events.slice(8), oldD, newD);
    expect(await written(newD)).toEqual(await written(oldD));
    expect(cachedEventContext(newD.id)).toEqual(await fullContext(newD.id));
  });

  it('a warm event reads a few rows of the log and the sheet, not the whole of them as the digest did', async () => {
    const d = await dossier('EVFN-KT');
    const events = life().map((m) => m(d.id));
    for (const e of events.slice(0, 14)) await recordDossierEvent(db, e);
    // A connection of its own whose plans are the ones of big tables (index scans): in the test database the log and the
    // sheet are a few hundred rows, where a sequential scan is cheaper and would count every row of every dossier.
    const own = createDb(inject('databaseUrl'), { max: 1 });
    /** Rows of the log and the sheet read by `work` in one transaction (pg_stat_xact_user_tables, sequential and by index, before and after). */
    const rowsRead = (work: (trx: Knex.Transaction) => Promise<unknown>) =>
      own.transaction(async (trx) => {
        await trx.raw('set local enable_seqscan = off');
        const read = async () =>
          (
            await trx.raw(
              `select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0)::int as n from pg_stat_xact_user_tables where relname in ('dossier_events', 'dossier_handoffs')`,
            )
          ).rows[0].n as number;
        const before = await read();
        await work(trx);
        return (await read()) - before;
      });
    const sent: string[] = [];
    const note = (q: { sql: string }) => {
      if (!/^(begin|commit|rollback|set local|select coalesce\(sum)/i.test(q.sql.trim())) sent.push(q.sql);
    };
    try {
      const held = (await fullContext(d.id)).ctx as { log: unknown[]; sheet: unknown[] };
      expect(held.log.length + held.sheet.length).toBeGreaterThanOrEqual(26);
      // What checking the digest read, twice per event (the context before the write, and after it).
      expect(await rowsRead((trx) => trx.raw('select dossier_event_context(?)', [d.id]))).toBeGreaterThanOrEqual(held.log.length + held.sheet.length);
      own.on('query', note);
      // A warm event of a routed hand-off (maths on another agency's calendar, loaded once per process): its open row closed, a new one opened.
      const warm = await rowsRead((trx) => recordDossierEvent(trx, events[14]!));
      expect(sent.filter((q) => !/work_calendar/.test(q))).toEqual(['select record_dossier_event($1::jsonb) as r']);
      expect(warm).toBeLessThanOrEqual(4);
      sent.length = 0;
      const plain = await rowsRead((trx) => recordDossierEvent(trx, events[15]!));
      expect(sent).toEqual(['select record_dossier_event($1::jsonb) as r']);
      expect(plain).toBeLessThanOrEqual(4);
    } finally {
      own.off('query', note);
      await own.destroy();
    }
    expect(cachedEventContext(d.id)).toEqual(await fullContext(d.id));
  });

  it('the context\'s head and token are inlined into the statement that reads them (migration 20261209000001): no function planned per call, the same values', async () => {
    const d = await dossier('EVFN-KT');
    for (const m of life().slice(0, 3)) await recordDossierEvent(db, m(d.id));
    const plan = async (sql: string) =>
      ((await db.raw(`explain (verbose, costs off) ${sql}`, [d.id])).rows as Array<{ 'QUERY PLAN': string }>).map((r) => r['QUERY PLAN']).join('\n');
    // Not inlined, the plan is a "Function Scan on dossier_context_head", whose three-table join is parsed and planned at every call.
    const head = await plan('select h.version, h.head from dossier_context_head(?) h');
    expect(head).not.toMatch(/Function Scan/);
    expect(head).toMatch(/dossiers d/);
    expect(await plan('select dossier_context_token(h.version, h.head) from dossier_context_head(?) h')).not.toMatch(/dossier_context_token/);
    // The same values as the query written out.
    const [got] = (await db.raw('select h.version, h.head, dossier_context_token(h.version, h.head) as token from dossier_context_head(?) h', [d.id])).rows;
    const row = await db('dossiers as d').join('agencies as a', 'a.id', 'd.agency_id').join('procedures as p', 'p.id', 'd.procedure_id').where('d.id', d.id)
      .first('d.context_version', 'd.projection_seq', 'a.eid', 'd.received_at', 'd.due_at', 'd.calendar_code', 'd.calendar_version', 'p.step_budgets');
    expect(Number(got.version)).toBe(Number(row.context_version));
    expect(got.head).toEqual({
      seq: row.projection_seq,
      agencyEid: row.eid,
      receivedAt: row.received_at === null ? null : new Date(row.received_at).getTime(),
      dueAt: row.due_at === null ? null : new Date(row.due_at).getTime(),
      calendarCode: row.calendar_code,
      calendarVersion: row.calendar_version,
      budgets: row.step_budgets,
    });
    expect(got.token).toMatch(new RegExp(`^${got.version}:[0-9a-f]{32}$`));
  });

  it('the whole context and the message\'s facts keep their plans (migration 20261211000001): PL/pgSQL, the same values as their SQL bodies', async () => {
    const d = await dossier('EVFN-KT');
    for (const m of life().slice(0, 3)) await recordDossierEvent(db, m(d.id));
    const functions = ['dossier_context_full', 'dossier_facts', 'dossier_event_context'];
    // A SQL function that PostgreSQL cannot inline is parsed and planned at every call; PL/pgSQL keeps the plan.
    const { rows: languages } = await db.raw(
      `select p.proname, l.lanname, p.provolatile from pg_proc p join pg_language l on l.oid = p.prolang where p.proname = any(?) order by p.proname`,
      [functions],
    );
    expect(languages).toEqual([...functions].sort().map((proname) => ({ proname, lanname: 'plpgsql', provolatile: 's' })));
    // Each answers what its body answers written in place, twice on one connection (the second on the kept plan).
    await db.transaction(async (trx) => {
      for (const name of functions) {
        const body = (await trx.raw(`select prosrc from pg_proc where proname = ?`, [name])).rows[0].prosrc as string;
        const inPlace = body.replace(/^begin\s+return\s*\(/, '').replace(/\)\s*;\s*end\s*$/, '').replaceAll('p_id', '?::bigint');
        const expected = (await trx.raw(`select (${inPlace}) as v`, Array(inPlace.split('?::bigint').length - 1).fill(d.id))).rows[0].v;
        expect(expected).not.toBeNull();
        for (let i = 0; i < 2; i++) expect((await trx.raw(`select ${name}(?) as v`, [d.id])).rows[0].v).toEqual(expected);
      }
    });
  });

  it('an event writes the dossier\'s row once (migration 20261210000001): the projection, the current step and the QĐ 766 facts in one update; the acceptance\'s tracking number a second', async () => {
    const d = await dossier('EVFN-KT');
    const events = life().map((m) => m(d.id));
    const updates: number[] = [];
    for (const e of events) {
      updates.push(
        await db.transaction(async (trx) => {
          const count = async () =>
            (await trx.raw(`select coalesce(sum(n_tup_upd), 0)::int as n from pg_stat_xact_user_tables where relname = 'dossiers'`)).rows[0].n as number;
          const before = await count();
          await recordDossierEvent(trx, e);
          return (await count()) - before;
        }),
      );
    }
    // Not vacuous: most events move the sheet (the current step), some carry facts; before, those were two or three updates.
    expect(events.filter((e) => e.handoff?.close || e.handoff?.open).length).toBeGreaterThan(events.length / 2);
    const numbered = events.findIndex((e) => e.projection.receivedAt !== undefined);
    expect(updates.filter((_, i) => i !== numbered)).toEqual(events.slice(1).map(() => 1));
    expect(updates[numbered]).toBe(2);
    const row = await db('dossiers').where('id', d.id).first('current_step', 'processing_end_kind', 'tracking_book_number');
    expect(row.processing_end_kind).toBe('decision');
    expect(row.tracking_book_number).not.toBeNull();
  });

  it('the events of two dossiers of one agency do not wait for each other\'s commit (its change counter in shards, migration 20261209000002); the counter is one up per change', async () => {
    const a = await dossier('EVFN-KT');
    let b = await dossier('EVFN-KT');
    while (b.id % 16 === a.id % 16) b = await dossier('EVFN-KT');
    const counter = async () => (await agencyVersions(db, [agencyId])).get(agencyId) ?? 0;
    const before = await counter();
    const submitted = life()[0]!;
    await db.transaction(async (ta) => {
      await recordDossierEvent(ta, submitted(a.id));
      // a's transaction is still open: with one counter row per agency, b's event waited here for a's commit (and this test for ever).
      await db.transaction(async (tb) => {
        await tb.raw(`set local lock_timeout = '2s'`);
        await recordDossierEvent(tb, submitted(b.id));
      });
      expect(await counter()).toBe(before + 1);
    });
    expect(await counter()).toBe(before + 2);
    await settle();
    const heard = notes.filter((x) => x.code === a.code || x.code === b.code);
    expect(heard.map((x) => x.code).sort()).toEqual([a.code, b.code].sort());
    // Each announced the counter as it saw it, the other's change not yet committed: the same number, which an
    // ETag made before either is stale against; the counter after both is two up (above).
    expect(heard.map((x) => x.version)).toEqual([before + 1, before + 1]);
  });
});
