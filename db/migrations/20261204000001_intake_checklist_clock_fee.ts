import type { Knex } from 'knex';

/**
 * Issue 16, items 1 and 4.
 * - `procedures.clock_from_fee`: the time limit counts from receipt of a complete dossier AND
 *   payment of the fee (ND 297/2025 art. 6(2); household business registration), so the legal
 *   clock starts at the payment when the fee is unpaid at intake (docs/domain.md §3.4).
 * - `documents.checklist_item`: the position of the procedure's checklist item
 *   (`procedure_documents.position`) a file supplies, as the submission or supplement named it.
 * - Checklist items the catalogue marks "(nếu có)" ("if any") are conditional, not required.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('procedures', (t) => {
    t.boolean('clock_from_fee').notNullable().defaultTo(false);
  });
  await knex('procedures').where('code', 'KT-HKD').update({ clock_from_fee: true });
  await knex.schema.alterTable('documents', (t) => {
    t.integer('checklist_item').nullable();
  });
  await knex('procedure_documents').whereRaw(`name ilike '%(nếu có)%'`).update({ required: false });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('documents', (t) => t.dropColumn('checklist_item'));
  await knex.schema.alterTable('procedures', (t) => t.dropColumn('clock_from_fee'));
}
