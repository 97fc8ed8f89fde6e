import type { Knex } from 'knex';

/**
 * The moment a hand-off's step budget counts from, when not the hand-off itself: for a site
 * visit, its planned start (docs/domain.md §2.4, §3.9). Earlier rows of the same step count
 * as spent only from then, so the wait before a missed visit does not eat the next visit's budget.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossier_handoffs', (t) => {
    t.timestamp('count_from', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossier_handoffs', (t) => {
    t.dropColumn('count_from');
  });
}
