import type { Knex } from 'knex';
import * as recordEventFunction from './20261206000001_record_event_function';

/**
 * The staleness check of `record_dossier_event` in O(1) (issue 18): a version counter instead of
 * re-reading the dossier's event log and hand-off sheet on every event.
 *
 * Migration 20261206000001 had the caller send the md5 digest of the context it computed on
 * (`dossier_event_context`: the dossier's row, its agency's and procedure's, its whole event log
 * and its own rows of the process-control sheet), and the function rebuilt that context twice on
 * every event (to check it, and to answer it): every row of the log and the sheet, per event.
 *
 * Now the context is two parts:
 * - its head (`dossier_context_head`): the projection's position, the agency, the receipt, the
 *   legal due date, the pinned calendar and the procedure's step budgets, read from three rows
 *   by primary key each time, so no writer of those columns (a recomputed due date, a budget
 *   edit, a calendar pinned) has anything to remember;
 * - the log and the sheet, stood for by `dossiers.context_version`, raised by one in the same
 *   transaction by every write that adds to the dossier's log or changes its own rows of the
 *   sheet: this function, and db/repositories/dossier-events.ts recordDossierEventStatements
 *   (the only other writer; an inter-agency leg's rows, `leg_workflow_id`, are not in the context).
 *
 * The caller's assumption (`assume` of a candidate) is the token `version:md5(head)`
 * (`dossier_context_token`), or `blank:md5(head)` for a new dossier like the last new ones (then
 * its log and sheet are checked empty: two index probes). When none holds, the function writes
 * nothing and answers `stale` with the whole context (`dossier_context_full`), as before. When it
 * writes, it answers what changed in the context instead of the whole of it: the version before
 * (`from`) and after, the head as it now stands, the log's new row, the sheet's row closed
 * (opened_seq, done_at) and the row opened; the caller applies them to the context it holds at
 * `from`. The whole context only for a caller that says it holds none (`want`).
 *
 * Callers of the old protocol (no `protocol: 2`, digests) are answered as before, so a worker not
 * yet updated keeps working through a deployment; its writes raise the version too.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
alter table dossiers add column if not exists context_version bigint not null default 0;

-- The context's head: what the calendar maths reads of the dossier's row, its agency's and its procedure's.
create or replace function dossier_context_head(p_id bigint, out version bigint, out head jsonb) language sql stable as $$
  select d.context_version, jsonb_build_object(
      'seq', d.projection_seq,
      'agencyEid', a.eid,
      'receivedAt', dossier_event_ms(d.received_at),
      'dueAt', dossier_event_ms(d.due_at),
      'calendarCode', d.calendar_code,
      'calendarVersion', d.calendar_version,
      'budgets', p.step_budgets)
    from dossiers d join agencies a on a.id = d.agency_id join procedures p on p.id = d.procedure_id
   where d.id = p_id
$$;

create or replace function dossier_context_token(p_version bigint, p_head jsonb) returns text language sql immutable as $$
  select p_version || ':' || md5(p_head::text)
$$;

-- The whole context (on a miss): its version, its token, and the head with the log and the sheet.
create or replace function dossier_context_full(p_id bigint) returns jsonb language sql stable as $$
  select jsonb_build_object('version', h.version, 'token', dossier_context_token(h.version, h.head), 'ctx', h.head || jsonb_build_object(
      'sheet', coalesce((select jsonb_agg(jsonb_build_array(x.opened_seq, x.step, x.step_key, dossier_event_ms(x.received_at), dossier_event_ms(x.done_at), dossier_event_ms(x.count_from)) order by x.opened_seq)
                           from dossier_handoffs x where x.dossier_id = p_id and x.leg_workflow_id is null), '[]'::jsonb),
      'log', coalesce((select jsonb_agg(jsonb_build_array(v.seq, v.type, v.from_status, v.to_status, dossier_event_ms(v.occurred_at)) order by v.seq)
                         from dossier_events v where v.dossier_id = p_id), '[]'::jsonb)))
    from dossier_context_head(p_id) h
$$;

create or replace function record_dossier_event(e jsonb) returns jsonb language plpgsql as $fn$
declare
  v_id bigint := (e ->> 'dossierId')::bigint;
  v_seq integer := (e ->> 'seq')::integer;
  v_at timestamptz := (e ->> 'occurredAt')::timestamptz;
  v_p jsonb := coalesce(e -> 'projection', '{}'::jsonb);
  v_ctx jsonb;
  v_bad jsonb := '[]'::jsonb;
  v_c jsonb;
  v_actual text;
  v_n integer;
  v_d record;
  v_h record;
  v_year integer;
  v_number integer;
  v_facts jsonb;
  v_o jsonb;
  v_pick jsonb;
  -- Protocol 2 (this migration): the caller's assumption is the context's version; the old digest protocol stays for callers not yet updated.
  v_v2 boolean := coalesce((e ->> 'protocol') = '2', false);
  v_version bigint;
  v_head jsonb;
  v_token text;
  v_logged jsonb;
  v_closed jsonb;
  v_opened jsonb;
begin
  -- The dossier's lock: the check of the caller's assumptions and the writes are one step.
  perform 1 from dossiers where id = v_id for update;
  if exists (select 1 from dossier_events where dossier_id = v_id and seq = v_seq) then
    return jsonb_build_object('inserted', false, 'context', case when v_v2 then dossier_context_full(v_id) else dossier_event_context(v_id) end);
  end if;
  -- The dossier's row, its agency's and its procedure's: what the context holds besides the log and the sheet (O(1)).
  select h.version, h.head into v_version, v_head from dossier_context_head(v_id) h;
  if jsonb_typeof(e -> 'candidates') = 'array' then
    if not v_v2 then v_ctx := dossier_event_context(v_id); end if;
    for v_c in select x from jsonb_array_elements(coalesce(e -> 'calendars', '[]'::jsonb)) as t(x) loop
      if jsonb_exists(v_c, 'eid') then
        select c.code into v_actual from agencies a left join work_calendars c on c.id = a.calendar_id where a.eid = v_c ->> 'eid';
        if v_actual is distinct from v_c ->> 'code' then v_bad := v_bad || jsonb_build_array(jsonb_build_object('eid', v_c ->> 'eid', 'code', v_actual)); end if;
      else
        select max(version)::text into v_actual from work_calendars where code = v_c ->> 'code';
        if v_actual is distinct from v_c ->> 'version' then v_bad := v_bad || jsonb_build_array(jsonb_build_object('code', v_c ->> 'code', 'version', v_actual::integer)); end if;
      end if;
    end loop;
    -- The caller may send its writes for several contexts it holds likely (a new dossier like the last ones): the one that is the dossier's now is taken.
    if v_v2 then
      -- The context the caller holds for this dossier is the dossier's when its version is (the log and the sheet) and its head is.
      v_token := dossier_context_token(v_version, v_head);
      select x into v_pick from jsonb_array_elements(e -> 'candidates') as t(x) where x ->> 'assume' = v_token limit 1;
      if v_pick is null then
        -- A new dossier like the last new ones: the same head, and nothing yet in its log or its sheet.
        select x into v_pick from jsonb_array_elements(e -> 'candidates') as t(x) where x ->> 'assume' = 'blank:' || md5(v_head::text) limit 1;
        if v_pick is not null and (exists (select 1 from dossier_events where dossier_id = v_id)
                                   or exists (select 1 from dossier_handoffs where dossier_id = v_id and leg_workflow_id is null)) then
          v_pick := null;
        end if;
      end if;
      if v_pick is null or jsonb_array_length(v_bad) > 0 then
        return jsonb_build_object('inserted', false, 'stale', true, 'context', dossier_context_full(v_id), 'calendars', v_bad);
      end if;
    else
      select x into v_pick from jsonb_array_elements(coalesce(e -> 'candidates', '[]'::jsonb)) as t(x) where x ->> 'assume' = v_ctx ->> 'digest' limit 1;
      if v_pick is null or jsonb_array_length(v_bad) > 0 then
        return jsonb_build_object('inserted', false, 'stale', true, 'context', v_ctx, 'calendars', v_bad);
      end if;
    end if;
    e := e || jsonb_build_object('facts', v_pick -> 'facts', 'open', v_pick -> 'open');
  end if;

  insert into dossier_events (dossier_id, seq, type, from_status, to_status, actor_id, actor_role, occurred_at, is_public, data)
  values (v_id, v_seq, e ->> 'type', e ->> 'fromStatus', e ->> 'toStatus', (e ->> 'actorId')::integer, e ->> 'actorRole', v_at, (e ->> 'isPublic')::boolean, coalesce(e -> 'data', '{}'::jsonb))
  on conflict (dossier_id, seq) do nothing
  returning jsonb_build_array(seq, type, from_status, to_status, dossier_event_ms(occurred_at)) into v_logged;
  if v_logged is null then
    return jsonb_build_object('inserted', false, 'context', case when v_v2 then dossier_context_full(v_id) else dossier_event_context(v_id) end);
  end if;

  -- The projection, guarded by projection_seq: only the keys the event sets.
  update dossiers d set
    projection_seq = v_seq,
    updated_at = now(),
    context_version = d.context_version + 1,
    status = case when jsonb_exists(v_p, 'status') then r.status else d.status end,
    received_at = case when jsonb_exists(v_p, 'received_at') then r.received_at else d.received_at end,
    appointment_at = case when jsonb_exists(v_p, 'appointment_at') then r.appointment_at else d.appointment_at end,
    calendar_code = case when jsonb_exists(v_p, 'calendar_code') then r.calendar_code else d.calendar_code end,
    calendar_version = case when jsonb_exists(v_p, 'calendar_version') then r.calendar_version else d.calendar_version end,
    assignee_id = case when jsonb_exists(v_p, 'assignee_id') then r.assignee_id else d.assignee_id end,
    received_by = case when jsonb_exists(v_p, 'received_by') then r.received_by else d.received_by end,
    decided_by = case when jsonb_exists(v_p, 'decided_by') then r.decided_by else d.decided_by end,
    decided_at = case when jsonb_exists(v_p, 'decided_at') then r.decided_at else d.decided_at end,
    result_number = case when jsonb_exists(v_p, 'result_number') then r.result_number else d.result_number end,
    result_delivered_at = case when jsonb_exists(v_p, 'result_delivered_at') then r.result_delivered_at else d.result_delivered_at end,
    completed_at = case when jsonb_exists(v_p, 'completed_at') then r.completed_at else d.completed_at end,
    workflow_started_at = case when jsonb_exists(v_p, 'workflow_started_at') then r.workflow_started_at else d.workflow_started_at end,
    pending_action = case when jsonb_exists(v_p, 'pending_action') then r.pending_action else d.pending_action end,
    closing_reason = case when jsonb_exists(v_p, 'closing_reason') then r.closing_reason else d.closing_reason end,
    fee_due_vnd = case when jsonb_exists(v_p, 'fee_due_vnd') then r.fee_due_vnd else d.fee_due_vnd end,
    fee_timing = case when jsonb_exists(v_p, 'fee_timing') then r.fee_timing else d.fee_timing end,
    fee_status = case when jsonb_exists(v_p, 'fee_status') then r.fee_status else d.fee_status end,
    due_at = case when jsonb_exists(v_p, 'due_at') then r.due_at else d.due_at end,
    deadline_state = case when jsonb_exists(v_p, 'deadline_state') then r.deadline_state else d.deadline_state end,
    clock_paused_at = case when jsonb_exists(v_p, 'clock_paused_at') then r.clock_paused_at else d.clock_paused_at end,
    apology_issued_at = case when jsonb_exists(v_p, 'apology_issued_at') then r.apology_issued_at else d.apology_issued_at end,
    escalation_level = case when jsonb_exists(v_p, 'escalation_level') then r.escalation_level else d.escalation_level end,
    supplement_requests = case when jsonb_exists(v_p, 'supplement_requests') then r.supplement_requests else d.supplement_requests end,
    procedure_version = case when jsonb_exists(v_p, 'procedure_version') then r.procedure_version else d.procedure_version end,
    route_step = case when jsonb_exists(v_p, 'route_step') then r.route_step else d.route_step end,
    fault_agency_eid = case when jsonb_exists(v_p, 'fault_agency_eid') then r.fault_agency_eid else d.fault_agency_eid end
  from jsonb_populate_record(null::dossiers, v_p) r
  where d.id = v_id and d.projection_seq < v_seq;
  get diagnostics v_n = row_count;
  -- The context's version: one up with every change of the log or the sheet (the event row is one), in its transaction.
  if v_n = 0 then
    update dossiers set context_version = context_version + 1 where id = v_id;
  end if;

  -- Received: the next number of the agency's tracking book (sổ theo dõi hồ sơ), printed on Form 01.
  if (e ->> 'receivedAtSet')::boolean then
    select agency_id, received_at, tracking_book_number into v_d from dossiers where id = v_id for update;
    if v_d.received_at is not null and v_d.tracking_book_number is null then
      v_year := extract(year from (v_d.received_at at time zone 'UTC') + interval '7 hours')::integer;
      insert into tracking_book_sequences as s (agency_id, year, last_value) values (v_d.agency_id, v_year, 1)
      on conflict (agency_id, year) do update set last_value = s.last_value + 1
      returning last_value into v_number;
      update dossiers set tracking_book_year = v_year, tracking_book_number = v_number where id = v_id;
    end if;
  end if;

  -- The QĐ 766 facts, computed by the caller from the log and the dossier's calendar.
  if e -> 'facts' is not null and jsonb_typeof(e -> 'facts') = 'object' then
    v_facts := e -> 'facts';
    update dossiers d
       set processing_ended_at = (v_facts ->> 'endedAt')::timestamptz, processing_end_kind = v_facts ->> 'endKind',
           awaiting_citizen_since = (v_facts ->> 'awaitingSince')::timestamptz, approved_at = (v_facts ->> 'approvedAt')::timestamptz,
           processing_working_ms = (v_facts ->> 'workingMs')::bigint, working_day_ms = (v_facts ->> 'dayMs')::integer,
           paid_online_at = (select min(coalesce(p.paid_at, p.created_at)) from dossier_payments p
                              where p.dossier_id = d.id and p.status = 'paid' and p.method = 'online'),
           result_issued_at = (select min(r.issued_at) from dossier_results r where r.dossier_id = d.id and r.kind = 'result')
     where d.id = v_id;
  end if;

  -- The dossier's own open row of the sheet, closed with its outcome.
  if (e ->> 'close')::boolean then
    select h.id, h.due_at into v_h from dossier_handoffs h
     where h.dossier_id = v_id and h.done_at is null and h.leg_workflow_id is null
     order by h.opened_seq desc limit 1;
    if found then
      update dossier_handoffs set done_at = v_at, closed_seq = v_seq,
        outcome = case
          when v_h.due_at is null then null
          when v_at > v_h.due_at then 'late'
          when to_char((v_at at time zone 'UTC') + interval '7 hours', 'YYYY-MM-DD') < to_char((v_h.due_at at time zone 'UTC') + interval '7 hours', 'YYYY-MM-DD') then 'early'
          else 'on_time' end::handoff_outcome
      where id = v_h.id
      returning jsonb_build_array(opened_seq, dossier_event_ms(done_at)) into v_closed;
    end if;
  end if;

  if jsonb_array_length(coalesce(e -> 'clock', '[]'::jsonb)) > 0 then
    insert into dossier_clock_entries (dossier_id, seq, kind, at, reason, legal_basis, actor_id, data)
    select v_id, v_seq, (c ->> 'kind')::clock_entry_kind, (c ->> 'at')::timestamptz, c ->> 'reason', c ->> 'legal_basis', (c ->> 'actor_id')::integer, c -> 'data'
      from jsonb_array_elements(e -> 'clock') with ordinality as t(c, o) order by o
    on conflict (dossier_id, seq, kind) do nothing;
  end if;

  insert into audit_log (actor_kind, actor_id, actor_label, actor_role, agency_id, action, dossier_id, target, reason, before, after)
  select (e -> 'audit' ->> 'actorKind')::audit_actor_kind, (e ->> 'actorId')::integer, e -> 'audit' ->> 'actorLabel', e ->> 'actorRole', d.agency_id,
         'dossier.' || (e ->> 'type'), d.id, d.code, e -> 'audit' ->> 'reason', e -> 'audit' -> 'before', e -> 'audit' -> 'after'
    from dossiers d where d.id = v_id;

  -- Outbound webhooks: one delivery per subscriber and status change.
  if (e ->> 'webhook')::boolean then
    insert into webhook_deliveries (subscription_id, event_key, event_type, dossier_id, payload)
    select s.id, 'dossier-' || v_id || '-' || v_seq, 'dossier.status_changed', v_id,
           jsonb_build_object(
             'id', 'dossier-' || v_id || '-' || v_seq,
             'type', 'dossier.status_changed',
             'occurredAt', dossier_event_iso7(v_at),
             'dossier', jsonb_build_object(
               'code', d.code, 'agencyEid', a.eid, 'procedureCode', p.code, 'nationalProcedureCode', p.national_code, 'channel', d.channel,
               'receivedAt', dossier_event_iso7(d.received_at), 'appointmentAt', dossier_event_iso7(d.appointment_at), 'dueAt', dossier_event_iso7(d.due_at)),
             'change', jsonb_build_object('seq', v_seq, 'event', e -> 'type', 'from', e -> 'fromStatus', 'to', e -> 'toStatus'))
      from dossiers d join agencies a on a.id = d.agency_id join procedures p on p.id = d.procedure_id
      join webhook_subscriptions s on s.active and (s.agency_id is null or s.agency_id = d.agency_id)
                                  and ('*' = any(s.events) or 'dossier.status_changed' = any(s.events))
     where d.id = v_id
     order by s.id
    on conflict (subscription_id, event_key) do nothing;
  end if;

  -- A deadline alert: the assignee and the agency's supervisors (leaders too on escalation), each also sent a message.
  if jsonb_typeof(e -> 'alert') = 'object' then
    insert into notification_outbox (job_key, dossier_id, template, recipient_user_id, payload)
    select 'alert-' || v_id || '-' || v_seq || '-' || u.user_id, v_id, 'officer_alert', u.user_id,
           jsonb_build_object('kind', e -> 'alert' -> 'kind', 'level', e -> 'alert' -> 'level', 'message', e -> 'alert' -> 'message') from (
      select assignee_id as user_id from dossiers where id = v_id and assignee_id is not null
      union
      select r.user_id from user_roles r join dossiers d on d.agency_id = r.agency_id
       where d.id = v_id and (r.role = 'supervisor' or (r.role = 'leader' and e -> 'alert' ->> 'kind' = 'escalation'))
    ) u
    on conflict (job_key) do nothing;
    insert into officer_alerts (dossier_id, seq, user_id, kind, level, message)
    select v_id, v_seq, u.user_id, (e -> 'alert' ->> 'kind')::alert_kind, (e -> 'alert' ->> 'level')::integer, e -> 'alert' ->> 'message' from (
      select assignee_id as user_id from dossiers where id = v_id and assignee_id is not null
      union
      select r.user_id from user_roles r join dossiers d on d.agency_id = r.agency_id
       where d.id = v_id and (r.role = 'supervisor' or (r.role = 'leader' and e -> 'alert' ->> 'kind' = 'escalation'))
    ) u
    on conflict (dossier_id, seq, user_id) do nothing;
  end if;

  -- The hand-off opened, with the due time the caller computed.
  if jsonb_typeof(e -> 'open') = 'object' then
    v_o := e -> 'open';
    insert into dossier_handoffs (dossier_id, opened_seq, step, giver_id, giver_unit, receiver_id, receiver_unit, received_at, due_at, count_from, step_key, step_name, agency_eid)
    values (v_id, v_seq, v_o ->> 'step', (v_o ->> 'giverId')::integer, v_o ->> 'giverUnit', (v_o ->> 'receiverId')::integer, v_o ->> 'receiverUnit', v_at,
            (v_o ->> 'dueAt')::timestamptz, (v_o ->> 'countFrom')::timestamptz, v_o ->> 'stepKey', v_o ->> 'stepName', v_o ->> 'agencyEid')
    returning jsonb_build_array(opened_seq, step, step_key, dossier_event_ms(received_at), dossier_event_ms(done_at), dossier_event_ms(count_from)) into v_opened;
  end if;
  if (e ->> 'close')::boolean or jsonb_typeof(e -> 'open') = 'object' then
    update dossiers set current_step = (select h.step from dossier_handoffs h where h.dossier_id = v_id and h.leg_workflow_id is null and h.done_at is null order by h.opened_seq desc limit 1)
     where id = v_id;
  end if;

  -- The citizen's message, with the facts it shows as they are now.
  if e ->> 'notify' is not null then
    v_facts := dossier_facts(v_id);
    if v_facts is null then raise exception 'dossier % not found', v_id; end if;
    insert into notification_outbox (job_key, dossier_id, template, payload)
    values ('dossier-' || v_id || '-' || v_seq || '-' || (e ->> 'notify'), v_id, e ->> 'notify', jsonb_build_object('dossier', v_facts))
    on conflict (job_key) do nothing;
  end if;

  -- Last: the agency's change counter and the live queues' notification (db/repositories/dossier-changes.ts noteDossierChange).
  with d as (
    select d.code, d.agency_id, a.eid, d.status, d.current_step from dossiers d join agencies a on a.id = d.agency_id where d.id = v_id
  ), v as (
    insert into dossier_change_versions as v (agency_id, version)
    select agency_id, 1 from d
    on conflict (agency_id) do update set version = v.version + 1, changed_at = now()
    returning agency_id, version
  )
  select count(pg_notify('dossier_changes', json_build_object('code', d.code, 'agency', d.eid, 'agencyId', d.agency_id, 'status', d.status, 'step', d.current_step, 'version', v.version)::text))
    into v_n from d join v on v.agency_id = d.agency_id;

  if not v_v2 then
    return jsonb_build_object('inserted', true, 'context', dossier_event_context(v_id));
  end if;
  -- What changed in the context (the caller applies it to the one it holds at version 'from'), and its head as it stands now;
  -- the whole context only for a caller that holds none.
  select h.head into v_head from dossier_context_head(v_id) h;
  return jsonb_build_object('inserted', true, 'took', v_pick -> 'assume', 'from', v_version, 'version', v_version + 1,
                            'token', dossier_context_token(v_version + 1, v_head), 'head', v_head,
                            'logged', v_logged, 'closed', v_closed, 'opened', v_opened,
                            'context', case when coalesce((e ->> 'want')::boolean, false) and v_pick is null then dossier_context_full(v_id) end);
end
$fn$;
`);
}

export async function down(knex: Knex): Promise<void> {
  // The function as migration 20261206000001 wrote it.
  await recordEventFunction.up(knex);
  await knex.raw(`
drop function if exists dossier_context_full(bigint);
drop function if exists dossier_context_token(bigint, jsonb);
drop function if exists dossier_context_head(bigint);
alter table dossiers drop column if exists context_version;
`);
}
