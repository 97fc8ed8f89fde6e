import type { Knex } from 'knex';

/**
 * The deadline worklists (overdue, due today, due within N days) look for open dossiers by their
 * effective due date (the legal one, or the appointment on rows older than the ledger), per
 * agency. Without this index PostgreSQL reads every open dossier of the agencies and filters by
 * date (BENCHMARKS.md, scenario c: 10,320 rows read for 3,042 overdue across the centre). Partial:
 * only open, received dossiers, the predicate db/repositories/supervision.ts `worklist` always has, so
 * the index stays the size of the work in hand, not of the archive.
 */
const OPEN = "'RECEIVED', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', 'SITE_VERIFICATION', 'AWAITING_DECISION'";

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index dossiers_open_due_index on dossiers (agency_id, (coalesce(due_at, appointment_at)))
      include (clock_paused_at, received_at)
      where status in (${OPEN}) and received_at is not null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists dossiers_open_due_index');
}
