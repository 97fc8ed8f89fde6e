import type { Knex } from 'knex';

/**
 * Live queues of the staff console (issue 15, API item 8): a change counter per agency,
 * `dossier_change_versions`, raised by every writer of the read model in the transaction of
 * its write (db/repositories/dossier-changes.ts `noteDossierChange`), which also sends the
 * change on the `dossier_changes` channel (pg_notify, delivered at commit). The worklist's
 * ETag is made of the counters of the caller's agencies: a 304 costs one indexed read, not
 * the list. An agency without a row has version 0.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dossier_change_versions', (t) => {
    t.integer('agency_id').primary().references('agencies.id').onDelete('CASCADE');
    t.bigInteger('version').notNullable().defaultTo(0);
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dossier_change_versions');
}
