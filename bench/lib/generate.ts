import type { Knex } from 'knex';

/**
 * Synthetic read model for the scale scenarios, generated in PostgreSQL with generate_series:
 * dossiers of the seeded agencies and procedures received over a window that ends now, with
 * the rows the workflow's activities would have written for them — the event log
 * (dossier_events), the process-control sheet (dossier_handoffs), results (dossier_results) and
 * fee payments (dossier_payments). Deterministic for a given seed and size.
 *
 * The shape (documented in BENCHMARKS.md):
 * - agencies by share: 000.20.20.H29 40 %, 000.20.21.H29 30 %, 000.00.12.H29 15 %,
 *   000.00.31.H29 10 %, 000.00.23.H29 5 %; each dossier one of its agency's procedures;
 * - channel online 60 %, counter 35 %, postal 5 %;
 * - 3 % refused at intake; the rest received 5 min – 1 day after submission, due after the
 *   procedure's limit in calendar days (working days × 1.4, same-day = 1 day);
 * - processing takes 15 %–115 % of the limit (about 13 % late); 8 % have one supplement request
 *   (2 days with the citizen, clock paused); 0.3 % stall and stay open (the overdue backlog);
 * - ended dossiers: 90 % approved (completed an hour later), 5 % denied, 3 % withdrawn, 2 % cancelled;
 * - open dossiers (decision still ahead of now) are IN_REVIEW, SITE_VERIFICATION (3 %),
 *   AWAITING_DECISION (last fifth of their processing) or SUPPLEMENT_REQUESTED, with the open
 *   hand-off of their step;
 * - the QĐ 766 facts of each dossier (processing_ended_at … working_day_ms) are written with it,
 *   the working time approximated (5 × 8 h a week, no holidays) rather than walked on the calendar.
 */
export interface GenerateOptions {
  dossiers: number;
  /** Received from this instant to `until` (the calendar data covers 2025–2027). */
  from: Date;
  until: Date;
  /** setseed() value in [-1, 1]. */
  seed?: number;
}

export interface GeneratedCounts {
  dossiers: number;
  events: number;
  handoffs: number;
  results: number;
  payments: number;
  open: number;
  seconds: number;
}

const AGENCY_SHARES: ReadonlyArray<[string, number]> = [
  ['000.20.20.H29', 0.4],
  ['000.20.21.H29', 0.3],
  ['000.00.12.H29', 0.15],
  ['000.00.31.H29', 0.1],
  ['000.00.23.H29', 0.05],
];

/**
 * Adds `dossiers` generated dossiers (codes `<eid>-<YYMMDD>-<7-digit n>`, n continuing after the
 * largest id, so it never collides with the 4-digit codes the API allocates).
 * Runs as one transaction with foreign-key triggers off (session_replication_role = replica):
 * the rows are consistent by construction, and checking 14 million references one by one would
 * only slow the load down. Every index of the schema is maintained as usual.
 */
export async function generateDossiers(db: Knex, opts: GenerateOptions): Promise<GeneratedCounts> {
  const started = performance.now();
  const counts = await db.transaction(async (trx) => {
    await trx.raw('set local session_replication_role = replica');
    await trx.raw("set local work_mem = '256MB'");
    await trx.raw('select setseed(?)', [opts.seed ?? 0.42]);
    let lo = 0;
    const shares = AGENCY_SHARES.map(([eid, share]) => {
      const row = [eid, lo, lo + share] as const;
      lo += share;
      return row;
    });
    await trx.raw(`
      create temp table gen_agency on commit drop as
      select a.id as agency_id, a.eid, w.lo::float8 as lo, w.hi::float8 as hi,
             (select array_agg(pa.procedure_id order by pa.procedure_id) from procedure_agencies pa where pa.agency_id = a.id) as procs,
             (select array_agg(r.user_id order by r.user_id) from user_roles r where r.agency_id = a.id and r.role = 'specialist') as specialists,
             (select min(r.user_id) from user_roles r where r.agency_id = a.id and r.role = 'leader') as leader,
             (select min(r.user_id) from user_roles r where r.agency_id = a.id and r.role = 'one_stop_officer') as one_stop
        from agencies a
        join (values ${shares.map(() => '(?, ?, ?)').join(', ')}) as w(eid, lo, hi) on w.eid = a.eid`,
      shares.flat(),
    );
    await trx.raw(`
      create temp table gen_proc on commit drop as
      select p.id as procedure_id, p.code,
             case p.time_limit->>'unit'
               when 'same_day' then 1
               when 'working_days' then ceil((p.time_limit->>'value')::numeric * 1.4)
               else (p.time_limit->>'value')::numeric end::int as limit_days,
             coalesce((select max(f.amount_vnd) from procedure_fees f where f.procedure_id = p.id and f.channel = 'online'), 0) as fee_online,
             coalesce((select max(f.amount_vnd) from procedure_fees f where f.procedure_id = p.id and f.channel = 'counter'), 0) as fee_counter,
             p.fee_timing::text as fee_timing
        from procedures p`);
    const base = Number((await trx.raw('select coalesce(max(id), 0) as m from dossiers')).rows[0].m);
    // One row per dossier with everything derived from its random draws.
    await trx.raw(
      `
      create temp table gen on commit drop as
      with r as (
        select g + ?::bigint as n, random() as r1, random() as r2, random() as r3, random() as r4, random() as r5,
               random() as r6, random() as r7, random() as r8, random() as r9, random() as r10
          from generate_series(1, ?::int) g
      ), a as (
        select r.*, ga.agency_id, ga.eid, ga.specialists, ga.leader, ga.one_stop,
               ga.procs[1 + floor(r.r2 * array_length(ga.procs, 1))::int] as procedure_id,
               ?::timestamptz + (?::timestamptz - ?::timestamptz) * r.r3 as submitted_at
          from r join gen_agency ga on r.r1 >= ga.lo and r.r1 < ga.hi
      ), b as (
        select a.*, gp.limit_days, gp.fee_timing,
               case when a.r4 < 0.60 then 'online' when a.r4 < 0.95 then 'counter' else 'postal' end as channel,
               a.r5 < 0.03 as refused,
               a.submitted_at + interval '5 minutes' + interval '1 day' * a.r5 as received_at,
               a.r8 < 0.08 as sup,
               a.r7 < 0.003 as stalled,
               case when a.r4 < 0.60 then gp.fee_online else gp.fee_counter end as fee
          from a join gen_proc gp on gp.procedure_id = a.procedure_id
      ), c as (
        select b.*,
               b.received_at + interval '1 day' * b.limit_days as due_at,
               b.received_at + interval '1 day' * b.limit_days * 0.3 as sup_at,
               b.received_at + interval '1 day' * b.limit_days * 0.3 + interval '2 days' as sup_back_at,
               b.received_at + interval '1 day' * b.limit_days * (0.15 + b.r6) + case when b.sup then interval '2 days' else interval '0' end as decided_at,
               case when b.r9 < 0.90 then 'approved' when b.r9 < 0.95 then 'denied' when b.r9 < 0.98 then 'withdrawn' else 'cancelled' end as outcome,
               b.specialists[1 + floor(b.r10 * array_length(b.specialists, 1))::int] as assignee
          from b
      )
      select c.*,
             not c.refused and not c.stalled and c.decided_at <= ?::timestamptz as ended,
             not c.refused and (c.stalled or c.decided_at > ?::timestamptz) as open,
             c.sup and c.sup_at <= ?::timestamptz and c.sup_back_at > ?::timestamptz
               and (c.stalled or c.decided_at > ?::timestamptz) as in_supplement
        from c`,
      [base, opts.dossiers, opts.from, opts.until, opts.from, opts.until, opts.until, opts.until, opts.until, opts.until],
    );
    const now = opts.until;
    await trx.raw(
      `
      insert into dossiers (id, code, workflow_id, procedure_id, agency_id, channel, delivery_method, status,
        applicant_full_name, applicant_id_number, applicant_phone, documents, submitted_at, received_at, appointment_at,
        calendar_code, calendar_version, assignee_id, received_by, decided_by, decided_at, result_number,
        result_delivered_at, completed_at, workflow_started_at, pending_action, closing_reason, fee_due_vnd, fee_timing,
        fee_status, projection_seq, updated_at, due_at, deadline_state, clock_paused_at, escalation_level, supplement_requests,
        processing_ended_at, processing_end_kind, awaiting_citizen_since, approved_at, paid_online_at, result_issued_at,
        processing_working_ms, working_day_ms)
      select g.n,
             g.eid || '-' || to_char(g.submitted_at at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(g.n::text, 7, '0'),
             'dossier-' || g.eid || '-' || to_char(g.submitted_at at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(g.n::text, 7, '0'),
             g.procedure_id, g.agency_id, g.channel::submission_channel,
             (case when g.channel = 'postal' then 'postal' when g.channel = 'online' and g.r4 < 0.45 then 'online' else 'counter' end)::delivery_method,
             case
               when g.refused then 'REFUSED_AT_INTAKE'
               when g.in_supplement then 'SUPPLEMENT_REQUESTED'
               when g.open and g.r10 < 0.03 then 'SITE_VERIFICATION'
               when g.open and not g.stalled and ?::timestamptz > g.received_at + (g.decided_at - g.received_at) * 0.8 then 'AWAITING_DECISION'
               when g.open then 'IN_REVIEW'
               when g.outcome = 'approved' and g.decided_at + interval '1 hour' <= ?::timestamptz then 'COMPLETED'
               when g.outcome = 'approved' then 'APPROVED'
               when g.outcome = 'denied' then 'DENIED'
               when g.outcome = 'withdrawn' then 'WITHDRAWN'
               else 'CANCELLED' end,
             'Nguyễn Văn ' || g.n, '079' || lpad((g.n % 1000000000)::text, 9, '0'), '0912' || lpad((g.n % 1000000)::text, 6, '0'),
             '[{"name": "Tờ khai"}]'::jsonb, g.submitted_at,
             case when g.refused then null else g.received_at end,
             case when g.refused then null else g.due_at end,
             case when g.refused then null else 'VN-STATE' end, case when g.refused then null else 1 end,
             case when g.refused then null else g.assignee end,
             case when g.refused then null else g.one_stop end,
             case when g.ended and g.outcome in ('approved', 'denied') then g.leader end,
             case when g.ended then g.decided_at end,
             case when g.ended and g.outcome in ('approved', 'denied') then 'KQ-' || g.n end,
             case when g.ended and g.outcome = 'approved' and g.decided_at + interval '1 hour' <= ?::timestamptz then g.decided_at + interval '30 minutes' end,
             case when g.ended and g.outcome = 'approved' and g.decided_at + interval '1 hour' <= ?::timestamptz then g.decided_at + interval '1 hour' end,
             g.submitted_at + interval '1 second',
             case when g.in_supplement then jsonb_build_object('kind', 'supplement', 'items', jsonb_build_array('Bản sao giấy tờ'), 'deadline', g.sup_back_at + interval '13 days') end,
             case when g.refused then 'Hồ sơ không thuộc thẩm quyền' when g.ended and g.outcome in ('withdrawn', 'cancelled') then 'Dừng xử lý' end,
             g.fee, g.fee_timing, (case when g.fee > 0 then 'paid' else 'none' end)::fee_status,
             9,
             -- updated_at: when the last event was projected
             case when g.refused then g.received_at
                  when g.ended and g.outcome = 'approved' and g.decided_at + interval '1 hour' <= ?::timestamptz then g.decided_at + interval '1 hour'
                  when g.ended then g.decided_at
                  when g.sup and g.sup_back_at <= ?::timestamptz then g.sup_back_at
                  when g.sup and g.sup_at <= ?::timestamptz then g.sup_at
                  else g.received_at + interval '1 second' end,
             case when g.refused then null else g.due_at end,
             case when g.refused then null when g.ended then 'stopped' when g.in_supplement then 'paused'
                  when g.due_at < ?::timestamptz then 'overdue' when g.due_at < ?::timestamptz + interval '1 day' then 'at_risk' else 'running' end,
             case when g.in_supplement then g.sup_at end,
             case when g.open and g.due_at < ?::timestamptz then least(5, floor(extract(epoch from (?::timestamptz - g.due_at)) / 86400))::int else 0 end,
             case when g.sup and g.sup_at <= ?::timestamptz then 1 else 0 end,
             -- The QĐ 766 facts recordDossierEvent would have kept (db/repositories/dossier-events.ts refreshProcessingFacts).
             case when g.ended then g.decided_at end,
             case when g.ended then case when g.outcome in ('approved', 'denied') then 'decision' else 'stop' end end,
             case when not g.refused and g.in_supplement then g.sup_at end,
             case when g.ended and g.outcome = 'approved' then g.decided_at end,
             case when g.fee > 0 and not g.refused and g.channel = 'online' and g.r6 < 0.7 then g.received_at end,
             case when g.ended and g.outcome = 'approved' then g.decided_at end,
             -- Working time approximated without the calendar (5 working days of 8 h a week, holidays
             -- ignored): from receipt to the end, less the citizen's 2 days; to the request while waiting.
             round(1000 * extract(epoch from case
               when g.ended then greatest(interval '0', g.decided_at - g.received_at
                                            - case when g.sup and g.sup_back_at <= g.decided_at then interval '2 days' else interval '0' end)
               when not g.refused and g.in_supplement then g.sup_at - g.received_at end) * 5 / 7 * 8 / 24)::bigint,
             case when g.ended or (not g.refused and g.in_supplement) then 28800000 end
        from gen g`,
      Array(12).fill(now),
    );

    // The event log, slot by slot (seq as the workflow numbers them: contiguous per dossier).
    const s = (slot: number) => `(${slot} - case when g.sup then 0 else 2 end)`;
    await trx.raw(
      `
      insert into dossier_events (dossier_id, seq, type, from_status, to_status, actor_id, actor_role, occurred_at, is_public, data, recorded_at)
      select g.n, 1, 'submitted', null, 'SUBMITTED', null, 'applicant', g.submitted_at, true, '{}'::jsonb, g.submitted_at from gen g
      union all
      select g.n, 2, case when g.refused then 'intake_refused' else 'intake_accepted' end, 'SUBMITTED',
             case when g.refused then 'REFUSED_AT_INTAKE' else 'RECEIVED' end, g.one_stop, 'one_stop_officer', g.received_at, true, '{}'::jsonb, g.received_at from gen g
      union all
      select g.n, 3, 'assigned', 'RECEIVED', 'IN_REVIEW', null, null, g.received_at + interval '1 second', true, '{}'::jsonb, g.received_at from gen g where not g.refused
      union all
      select g.n, 4, 'supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', g.assignee, 'specialist', g.sup_at, true, '{}'::jsonb, g.sup_at
        from gen g where g.sup and not g.refused and g.sup_at <= ?::timestamptz
      union all
      select g.n, 5, 'supplement_submitted', 'SUPPLEMENT_REQUESTED', 'IN_REVIEW', null, 'applicant', g.sup_back_at, true, '{}'::jsonb, g.sup_back_at
        from gen g where g.sup and not g.refused and g.sup_back_at <= ?::timestamptz
      union all
      select g.n, ${s(6)}, 'approval_proposed', 'IN_REVIEW', 'AWAITING_DECISION', g.assignee, 'specialist', g.decided_at - interval '2 hours', true, '{}'::jsonb, g.decided_at
        from gen g where g.ended and g.outcome in ('approved', 'denied')
      union all
      select g.n, ${s(6)} + case when g.outcome in ('approved', 'denied') then 1 else 0 end, g.outcome,
             case when g.outcome in ('approved', 'denied') then 'AWAITING_DECISION' else 'IN_REVIEW' end,
             case g.outcome when 'approved' then 'APPROVED' when 'denied' then 'DENIED' when 'withdrawn' then 'WITHDRAWN' else 'CANCELLED' end,
             case when g.outcome = 'withdrawn' then null else g.leader end,
             case when g.outcome = 'withdrawn' then 'applicant' else 'leader' end, g.decided_at, true, '{}'::jsonb, g.decided_at
        from gen g where g.ended
      union all
      select g.n, ${s(8)}, 'result_delivered_online', 'APPROVED', 'RESULT_DELIVERED', null, null, g.decided_at + interval '30 minutes', true, '{}'::jsonb, g.decided_at
        from gen g where g.ended and g.outcome = 'approved' and g.decided_at + interval '1 hour' <= ?::timestamptz
      union all
      select g.n, ${s(9)}, 'completed', 'RESULT_DELIVERED', 'COMPLETED', null, null, g.decided_at + interval '1 hour', true, '{}'::jsonb, g.decided_at
        from gen g where g.ended and g.outcome = 'approved' and g.decided_at + interval '1 hour' <= ?::timestamptz`,
      [now, now, now, now],
    );

    // The process-control sheet: intake, review (split around the citizen's supplement), decision, result.
    const reviewEnd = `case when g.outcome in ('approved', 'denied') then g.decided_at - interval '2 hours' else g.decided_at end`;
    await trx.raw(
      `
      insert into dossier_handoffs (dossier_id, opened_seq, closed_seq, step, giver_id, giver_unit, receiver_id, receiver_unit, received_at, due_at, done_at, outcome)
      select g.n, 1, 2, 'intake', null, 'Tổ chức, cá nhân nộp hồ sơ', null, 'Bộ phận Một cửa', g.submitted_at, null, g.received_at, null from gen g
      union all
      select g.n, 3, case when g.sup and g.sup_at <= ?::timestamptz then 4 when g.ended then ${s(6)} end, 'review', g.one_stop, 'Bộ phận Một cửa', g.assignee, 'Chuyên viên',
             g.received_at, g.due_at, h.done_at,
             (case when h.done_at is null then null when h.done_at > g.due_at then 'late' else 'on_time' end)::handoff_outcome
        from gen g
        cross join lateral (select case when g.sup and g.sup_at <= ?::timestamptz then g.sup_at when g.ended then ${reviewEnd} end as done_at) h
       where not g.refused
      union all
      select g.n, 4, case when g.sup_back_at <= ?::timestamptz then 5 end, 'citizen_supplement', g.assignee, 'Chuyên viên', null, 'Tổ chức, cá nhân nộp hồ sơ',
             g.sup_at, g.sup_back_at + interval '13 days', case when g.sup_back_at <= ?::timestamptz then g.sup_back_at end, null
        from gen g where g.sup and not g.refused and g.sup_at <= ?::timestamptz
      union all
      select g.n, 5, case when g.ended then ${s(6)} end, 'review', null, 'Tổ chức, cá nhân nộp hồ sơ', g.assignee, 'Chuyên viên',
             g.sup_back_at, g.due_at, case when g.ended then ${reviewEnd} end,
             (case when not g.ended then null when ${reviewEnd} > g.due_at then 'late' else 'on_time' end)::handoff_outcome
        from gen g where g.sup and not g.refused and g.sup_back_at <= ?::timestamptz
      union all
      select g.n, ${s(6)}, ${s(6)} + 1, 'decision', g.assignee, 'Chuyên viên', null, 'Lãnh đạo cơ quan', g.decided_at - interval '2 hours', g.due_at, g.decided_at,
             (case when g.decided_at > g.due_at then 'late' else 'on_time' end)::handoff_outcome
        from gen g where g.ended and g.outcome in ('approved', 'denied')
      union all
      select g.n, ${s(6)} + 1, case when g.decided_at + interval '1 hour' <= ?::timestamptz then ${s(8)} end, 'result', g.leader, 'Lãnh đạo cơ quan', null, 'Bộ phận Một cửa',
             g.decided_at, g.due_at, case when g.decided_at + interval '1 hour' <= ?::timestamptz then g.decided_at + interval '30 minutes' end, null
        from gen g where g.ended and g.outcome = 'approved'`,
      [now, now, now, now, now, now, now, now],
    );

    await trx.raw(`
      insert into dossier_results (dossier_id, number, kind, title, signer_id, issued_at)
      select g.n, 'KQ-' || g.n, (case when g.outcome = 'approved' then 'result' else 'denial_notice' end)::result_kind,
             'Kết quả giải quyết', g.leader, g.decided_at
        from gen g where g.ended and g.outcome in ('approved', 'denied')`);
    await trx.raw(`
      insert into dossier_payments (id, dossier_id, amount_vnd, method, status, provider, provider_ref, paid_at, recorded_by, workflow_acknowledged_at, created_at)
      select gen_random_uuid(), g.n, g.fee, (case when g.channel = 'online' and g.r6 < 0.7 then 'online' else 'cash' end)::payment_method, 'paid',
             case when g.channel = 'online' and g.r6 < 0.7 then 'sandbox' end,
             case when g.channel = 'online' and g.r6 < 0.7 then 'PAY-' || g.n end,
             g.received_at, case when g.channel = 'online' and g.r6 < 0.7 then null else g.one_stop end, g.received_at, g.received_at
        from gen g where g.fee > 0 and not g.refused`);
    await trx.raw(`select setval(pg_get_serial_sequence('dossiers', 'id'), (select max(id) from dossiers))`);
    const one = async (sql: string) => Number((await trx.raw(sql)).rows[0].c);
    return {
      dossiers: await one('select count(*) as c from gen'),
      open: await one('select count(*) as c from gen where open'),
      events: await one(`select count(*) as c from dossier_events where dossier_id > ${base}`),
      handoffs: await one(`select count(*) as c from dossier_handoffs where dossier_id > ${base}`),
      results: await one(`select count(*) as c from dossier_results where dossier_id > ${base}`),
      payments: await one(`select count(*) as c from dossier_payments where dossier_id > ${base}`),
    };
  });
  // The steady state of a production table: statistics for the planner, and the visibility map
  // that autovacuum keeps (PostgreSQL ≥ 13 vacuums after inserts too), without which no index-only
  // scan can skip the heap. A bulk load without it would measure the minutes after a load.
  await db.raw('vacuum (analyze) dossiers, dossier_events, dossier_handoffs, dossier_results, dossier_payments');
  return { ...counts, seconds: (performance.now() - started) / 1000 };
}
