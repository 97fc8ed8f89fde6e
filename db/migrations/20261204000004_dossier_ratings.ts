import type { Knex } from 'knex';

/**
 * Satisfaction ratings (đánh giá mức độ hài lòng, issue 16 item 11): one per dossier, by its
 * applicant, after completion. The agency and the officer who handled the dossier (its
 * assignee when rated) are kept on the row, so the supervisor's report per agency and per
 * officer does not move when the dossier is reassigned later.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dossier_ratings', (t) => {
    t.bigIncrements('id');
    t.bigInteger('dossier_id').notNullable().unique().references('dossiers.id').onDelete('CASCADE');
    t.integer('agency_id').notNullable().references('agencies.id');
    t.integer('officer_id').references('users.id');
    t.text('level').notNullable();
    t.text('comment');
    t.timestamp('rated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['agency_id', 'rated_at']);
  });
  await knex.raw(`alter table dossier_ratings add constraint dossier_ratings_level_check check (level in ('very_satisfied', 'satisfied', 'not_satisfied'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dossier_ratings');
}
