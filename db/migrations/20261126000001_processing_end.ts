import type { Knex } from 'knex';
import { refreshProcessingFacts } from '../repositories/dossier-events';

/**
 * The QĐ 766 report from stored facts (BENCHMARKS.md F3, F4). Each dossier keeps what the
 * indicators need, written by recordDossierEvent in the event's own transaction:
 * - `processing_ended_at`, `processing_end_kind`: the first decision (approved, denied) or stop
 *   (withdrawn, cancelled), and which;
 * - `awaiting_citizen_since`: when the supplement it still waits for (or was closed for want of,
 *   or was stopped while waiting for) was requested;
 * - `approved_at`, `paid_online_at`, `result_issued_at`: the first approval, online payment and
 *   issued result;
 * - `processing_working_ms`: working time from receipt to the end (or the awaited request), less
 *   the citizen's supplement time, counted once on the dossier's own calendar version, and
 *   `working_day_ms`, that calendar's working day (2.2 is in working days).
 *
 * The index on (agency_id, processing_ended_at) lets the report skip what ended before its period,
 * and includes the columns the report reads.
 * Existing rows are filled from the event log by the same code as new events, in id ranges:
 * about 17 s per 50,000 dossiers on the 2-core bench machine, so 5–6 minutes per million.
 */
const BATCH = 5_000;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.timestamp('processing_ended_at', { useTz: true });
    t.text('processing_end_kind');
    t.timestamp('awaiting_citizen_since', { useTz: true });
    t.timestamp('approved_at', { useTz: true });
    t.timestamp('paid_online_at', { useTz: true });
    t.timestamp('result_issued_at', { useTz: true });
    t.bigInteger('processing_working_ms');
    t.integer('working_day_ms');
  });
  await knex.raw(`alter table dossiers add constraint dossiers_processing_end_kind_check check (processing_end_kind in ('decision', 'stop'))`);
  await backfill(knex);
  // The columns the report reads are included: one agency's month is an index-only scan, not
  // tens of thousands of table pages (db/repositories/supervision.ts indicatorCounts).
  await knex.raw(`create index dossiers_agency_id_processing_ended_at_index on dossiers (agency_id, processing_ended_at)
                    include (received_at, awaiting_citizen_since, due_at, appointment_at, supplement_requests, channel, delivery_method,
                             fee_due_vnd, approved_at, paid_online_at, result_issued_at, processing_working_ms, working_day_ms, procedure_id)`);
  // The planner must see the new column's values to use the index for a period.
  await knex.raw('analyze dossiers');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists dossiers_agency_id_processing_ended_at_index');
  // Dropping processing_end_kind drops its check constraint.
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropColumns(
      'processing_ended_at',
      'processing_end_kind',
      'awaiting_citizen_since',
      'approved_at',
      'paid_online_at',
      'result_issued_at',
      'processing_working_ms',
      'working_day_ms',
    );
  });
}

async function backfill(knex: Knex): Promise<void> {
  const { rows } = await knex.raw('select min(id)::bigint as lo, max(id)::bigint as hi from dossiers');
  if (rows[0].lo === null) return;
  const [lo, hi] = [Number(rows[0].lo), Number(rows[0].hi)];
  for (let from = lo; from <= hi; from += BATCH) await refreshProcessingFacts(knex, from, Math.min(hi, from + BATCH - 1));
}
