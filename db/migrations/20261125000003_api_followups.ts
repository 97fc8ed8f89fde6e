import type { Knex } from 'knex';

/**
 * Follow-ups of the API platform: the relay holds a dossier's next webhook until the
 * previous one is settled (that lookup needs an index), and a document keeps the name the
 * uploader gave it ("Tờ khai CT01").
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index webhook_deliveries_open_per_dossier on webhook_deliveries (subscription_id, dossier_id, id) where status in ('pending', 'failed')`,
  );
  await knex.schema.alterTable('documents', (t) => {
    t.text('name');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('documents', (t) => {
    t.dropColumn('name');
  });
  await knex.raw('drop index if exists webhook_deliveries_open_per_dossier');
}
