import type { Knex } from 'knex';

/**
 * Whole-centre supervision views at 1,000,000 dossiers (issue 18, target 4): every index below
 * lets a view read its rows from the index alone (an index-only scan), not from the table.
 *
 * - `dossiers_period_facts_index` replaces `dossiers_agency_id_processing_ended_at_index` (QĐ 766,
 *   db/repositories/supervision.ts `indicatorCounts`, `periodDossiers`): the same key and columns,
 *   plus `received_at` in the key (the period's "received before its end" bounds the index range;
 *   rows never received, refused at intake, are not in the index) and `fault_agency_eid` included
 *   (issue 17's "late because of another agency"): without it each row of the report was read from
 *   the table (a bitmap heap scan of the whole period, about 1 s for the whole centre).
 * - `dossiers_fault_agency_index`: the few dossiers late because of another agency, which the report
 *   of that agency adds (a sequential scan of every dossier without it).
 * - `dossiers_open_due_covering_index` replaces `dossiers_open_due_index` (the deadline worklists):
 *   the same key and predicate, with `code` in the key (the worklist order: due, then code) and the
 *   columns the filters and the counts read included (the due date's own columns too: PostgreSQL
 *   reads an expression index alone only when the expression's columns are there).
 * - `dossier_handoffs_open_step_index`: the open row of a dossier's process-control sheet (its
 *   current step), looked up for every row of a worklist's counts.
 *
 * Indexes only: nothing to fill; a fresh database gets them empty.
 */
const OPEN = "'RECEIVED', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', 'SITE_VERIFICATION', 'AWAITING_DECISION'";

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index dossiers_period_facts_index on dossiers (agency_id, processing_ended_at, received_at)
                    include (awaiting_citizen_since, due_at, appointment_at, supplement_requests, channel, delivery_method, fee_due_vnd,
                             approved_at, paid_online_at, result_issued_at, processing_working_ms, working_day_ms, procedure_id, fault_agency_eid)
                    where received_at is not null`);
  await knex.raw('drop index if exists dossiers_agency_id_processing_ended_at_index');
  await knex.raw('create index dossiers_fault_agency_index on dossiers (fault_agency_eid) where fault_agency_eid is not null');
  await knex.raw(`create index dossiers_open_due_covering_index on dossiers (agency_id, (coalesce(due_at, appointment_at)), code)
                    include (clock_paused_at, received_at, id, procedure_id, assignee_id, due_at, appointment_at)
                    where status in (${OPEN}) and received_at is not null`);
  await knex.raw('drop index if exists dossiers_open_due_index');
  await knex.raw(`create index dossier_handoffs_open_step_index on dossier_handoffs (dossier_id, opened_seq desc)
                    include (step, due_at) where leg_workflow_id is null and done_at is null`);
  await knex.raw('analyze dossiers');
  await knex.raw('analyze dossier_handoffs');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists dossier_handoffs_open_step_index');
  await knex.raw(`create index if not exists dossiers_open_due_index on dossiers (agency_id, (coalesce(due_at, appointment_at)))
                    include (clock_paused_at, received_at)
                    where status in (${OPEN}) and received_at is not null`);
  await knex.raw('drop index if exists dossiers_open_due_covering_index');
  await knex.raw('drop index if exists dossiers_fault_agency_index');
  await knex.raw(`create index if not exists dossiers_agency_id_processing_ended_at_index on dossiers (agency_id, processing_ended_at)
                    include (received_at, awaiting_citizen_since, due_at, appointment_at, supplement_requests, channel, delivery_method,
                             fee_due_vnd, approved_at, paid_online_at, result_issued_at, processing_working_ms, working_day_ms, procedure_id)`);
  await knex.raw('drop index if exists dossiers_period_facts_index');
}
