import type { Knex } from 'knex';

/**
 * The dossier's row written once per event in `record_dossier_event` (issue 18, targets 1 and 2).
 * The function updated the row up to three times per event: the projection, then the QĐ 766
 * facts (end events, fees, the citizen's waits), then the current step (every event that opens
 * or closes a row of the process-control sheet, most of them). Each update of a row writes a new
 * version of it and an entry in each of its 18 indexes (the worklists', the lookup's, the
 * trigram search's): 0.86 ms per update in pg_stat_statements (BENCHMARKS.md analysis (b)), and
 * as many dead versions for vacuum.
 *
 * Now the sheet's rows are closed and opened before the projection, and the projection's update
 * also sets the current step (when the sheet moved) and the facts (when the caller sent them):
 * one update. When the projection is not applied (an event older than the projection's position)
 * the update that raises the context's version sets them instead, as the separate updates did.
 * Nothing between the old and the new places reads what moved: the sheet's blocks read and write
 * only `dossier_handoffs`; the facts read payments and results, which the event does not write.
 * The tracking book's number (once per dossier, migration 20261208000001) keeps its own update:
 * it locks the agency's counter and stays last.
 *
 * The function is edited as the database holds it (`pg_get_functiondef`, as migrations
 * 20261208000001 and 20261209000002 do); every step checks that it finds what it edits exactly
 * once, and `down` restores the text as it was.
 */

const CLOSE_BLOCK = `  -- The dossier's own open row of the sheet, closed with its outcome.
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

`;

const OPEN_BLOCK = `  -- The hand-off opened, with the due time the caller computed.
  if jsonb_typeof(e -> 'open') = 'object' then
    v_o := e -> 'open';
    insert into dossier_handoffs (dossier_id, opened_seq, step, giver_id, giver_unit, receiver_id, receiver_unit, received_at, due_at, count_from, step_key, step_name, agency_eid)
    values (v_id, v_seq, v_o ->> 'step', (v_o ->> 'giverId')::integer, v_o ->> 'giverUnit', (v_o ->> 'receiverId')::integer, v_o ->> 'receiverUnit', v_at,
            (v_o ->> 'dueAt')::timestamptz, (v_o ->> 'countFrom')::timestamptz, v_o ->> 'stepKey', v_o ->> 'stepName', v_o ->> 'agencyEid')
    returning jsonb_build_array(opened_seq, step, step_key, dossier_event_ms(received_at), dossier_event_ms(done_at), dossier_event_ms(count_from)) into v_opened;
  end if;
`;

const STEP_SUBQUERY = `(select h.step from dossier_handoffs h where h.dossier_id = v_id and h.leg_workflow_id is null and h.done_at is null order by h.opened_seq desc limit 1)`;

const STEP_UPDATE = `  if (e ->> 'close')::boolean or jsonb_typeof(e -> 'open') = 'object' then
    update dossiers set current_step = ${STEP_SUBQUERY}
     where id = v_id;
  end if;
`;

const FACTS_BLOCK = `  -- The QĐ 766 facts, computed by the caller from the log and the dossier's calendar.
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

`;

const PROJECTION_HEAD = `  -- The projection, guarded by projection_seq: only the keys the event sets.\n`;
const PROJECTION_TAIL = `    fault_agency_eid = case when jsonb_exists(v_p, 'fault_agency_eid') then r.fault_agency_eid else d.fault_agency_eid end
  from jsonb_populate_record(null::dossiers, v_p) r`;
const VERSION_ONLY = `    update dossiers set context_version = context_version + 1 where id = v_id;\n`;

/** The current step and the facts as columns of an update of `dossiers d`: each its old value unless the event moves it. */
const MOVED = `    current_step = case when (e ->> 'close')::boolean or jsonb_typeof(e -> 'open') = 'object' then ${STEP_SUBQUERY} else d.current_step end,
    processing_ended_at = case when jsonb_typeof(e -> 'facts') = 'object' then (e -> 'facts' ->> 'endedAt')::timestamptz else d.processing_ended_at end,
    processing_end_kind = case when jsonb_typeof(e -> 'facts') = 'object' then e -> 'facts' ->> 'endKind' else d.processing_end_kind end,
    awaiting_citizen_since = case when jsonb_typeof(e -> 'facts') = 'object' then (e -> 'facts' ->> 'awaitingSince')::timestamptz else d.awaiting_citizen_since end,
    approved_at = case when jsonb_typeof(e -> 'facts') = 'object' then (e -> 'facts' ->> 'approvedAt')::timestamptz else d.approved_at end,
    processing_working_ms = case when jsonb_typeof(e -> 'facts') = 'object' then (e -> 'facts' ->> 'workingMs')::bigint else d.processing_working_ms end,
    working_day_ms = case when jsonb_typeof(e -> 'facts') = 'object' then (e -> 'facts' ->> 'dayMs')::integer else d.working_day_ms end,
    paid_online_at = case when jsonb_typeof(e -> 'facts') = 'object'
      then (select min(coalesce(p.paid_at, p.created_at)) from dossier_payments p where p.dossier_id = d.id and p.status = 'paid' and p.method = 'online')
      else d.paid_online_at end,
    result_issued_at = case when jsonb_typeof(e -> 'facts') = 'object'
      then (select min(r.issued_at) from dossier_results r where r.dossier_id = d.id and r.kind = 'result')
      else d.result_issued_at end`;

const PROJECTION_TAIL_ONCE = `    fault_agency_eid = case when jsonb_exists(v_p, 'fault_agency_eid') then r.fault_agency_eid else d.fault_agency_eid end,
${MOVED}
  from jsonb_populate_record(null::dossiers, v_p) r`;
const VERSION_ONLY_ONCE = `    update dossiers d set context_version = d.context_version + 1,
${MOVED.replace(/^/gm, '  ')}
     where d.id = v_id;
`;

function once(source: string, part: string): number {
  const at = source.indexOf(part);
  if (at < 0 || source.indexOf(part, at + 1) >= 0) throw new Error(`record_dossier_event: expected exactly one ${JSON.stringify(part.slice(0, 60))}`);
  return at;
}

function cut(source: string, part: string): string {
  const at = once(source, part);
  return source.slice(0, at) + source.slice(at + part.length);
}

function insertBefore(source: string, anchor: string, part: string): string {
  const at = once(source, anchor);
  return source.slice(0, at) + part + source.slice(at);
}

function replace(source: string, from: string, to: string): string {
  const at = once(source, from);
  return source.slice(0, at) + to + source.slice(at + from.length);
}

async function definition(knex: Knex): Promise<string> {
  const { rows } = await knex.raw(`select pg_get_functiondef('record_dossier_event(jsonb)'::regprocedure) as def`);
  return rows[0].def as string;
}

export async function up(knex: Knex): Promise<void> {
  let def = await definition(knex);
  // The sheet first (after the event row: its opened row refers to the event), then the one update of the row.
  def = cut(def, CLOSE_BLOCK);
  def = cut(def, OPEN_BLOCK + STEP_UPDATE + '\n');
  def = cut(def, FACTS_BLOCK);
  def = insertBefore(def, PROJECTION_HEAD, CLOSE_BLOCK + OPEN_BLOCK + '\n');
  def = replace(def, PROJECTION_TAIL, PROJECTION_TAIL_ONCE);
  def = replace(def, VERSION_ONLY, VERSION_ONLY_ONCE);
  await knex.raw(def);
}

/** Where the blocks stood before (migration 20261207000001, as 20261208000001 left it). */
const CLOCK_HEAD = `  if jsonb_array_length(coalesce(e -> 'clock', '[]'::jsonb)) > 0 then\n`;
const CITIZEN_MESSAGE = `  -- The citizen's message, with the facts it shows as they are now.\n`;
const AFTER_FACTS = `  -- The dossier's own open row of the sheet, closed with its outcome.\n`;

export async function down(knex: Knex): Promise<void> {
  let def = await definition(knex);
  def = replace(def, VERSION_ONLY_ONCE, VERSION_ONLY);
  def = replace(def, PROJECTION_TAIL_ONCE, PROJECTION_TAIL);
  def = cut(def, CLOSE_BLOCK + OPEN_BLOCK + '\n');
  def = insertBefore(def, CLOCK_HEAD, CLOSE_BLOCK);
  def = insertBefore(def, AFTER_FACTS, FACTS_BLOCK);
  def = insertBefore(def, CITIZEN_MESSAGE, OPEN_BLOCK + STEP_UPDATE + '\n');
  await knex.raw(def);
}
