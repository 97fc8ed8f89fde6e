import type { Knex } from 'knex';

/**
 * The QĐ 766 report across every agency at 1,000,000 dossiers (issue 18, target 4): the parts of
 * each dossier's report row that no report parameter changes are stored with the dossier, as
 * GENERATED columns (PostgreSQL keeps them on every insert and update: `record_dossier_event`,
 * bench/lib/generate.ts and any other writer need nothing), and the period index carries them
 * instead of the columns they are computed from.
 *
 * Measured on the bench's database (bench (c), a month of the whole centre, about 52,000 index
 * entries): the bare scan of the index range takes about 14 ms, the report about 45 ms; the rest
 * was the per-row conditions, the largest the working days (a numeric division per ended
 * dossier, about 8 ms), then the due date, the supplement, channel, fee and delivery tests.
 *
 * - `report_due`: the due date (coalesce(due_at, appointment_at)).
 * - `report_few_supplements`: at most one supplement request (QĐ 766 2.1: more is late).
 * - `report_online`, `report_delivered_online`, `report_fee_bearing`: submitted online, result
 *   delivered online, a fee due.
 * - `report_working_days`: the processing working time in working days of the dossier's calendar
 *   (float8; null while not counted, and for a calendar without a working day length).
 *
 * `dossiers_period_facts_index` is rebuilt with them (same key and predicate, narrower entries).
 * Adding the columns rewrites the table once.
 */
const COLUMNS = ['report_due', 'report_few_supplements', 'report_online', 'report_fee_bearing', 'report_delivered_online', 'report_working_days'];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table dossiers
    add column report_due timestamptz generated always as (coalesce(due_at, appointment_at)) stored,
    add column report_few_supplements boolean generated always as (coalesce(supplement_requests, 0) <= 1) stored,
    add column report_online boolean generated always as (channel = 'online') stored,
    add column report_fee_bearing boolean generated always as (coalesce(fee_due_vnd, 0) > 0) stored,
    add column report_delivered_online boolean generated always as (delivery_method = 'online') stored,
    add column report_working_days float8 generated always as (processing_working_ms::float8 / nullif(working_day_ms, 0)) stored`);
  await knex.raw('drop index if exists dossiers_period_facts_index');
  await knex.raw(`create index dossiers_period_facts_index on dossiers (agency_id, processing_ended_at, received_at)
                    include (awaiting_citizen_since, report_due, report_few_supplements, report_online, report_fee_bearing, report_delivered_online,
                             approved_at, paid_online_at, result_issued_at, report_working_days, procedure_id, fault_agency_eid)
                    where received_at is not null`);
  await knex.raw('analyze dossiers');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists dossiers_period_facts_index');
  await knex.raw(`alter table dossiers ${COLUMNS.map((c) => `drop column if exists ${c}`).join(', ')}`);
  await knex.raw(`create index dossiers_period_facts_index on dossiers (agency_id, processing_ended_at, received_at)
                    include (awaiting_citizen_since, due_at, appointment_at, supplement_requests, channel, delivery_method, fee_due_vnd,
                             approved_at, paid_online_at, result_issued_at, processing_working_ms, working_day_ms, procedure_id, fault_agency_eid)
                    where received_at is not null`);
}
