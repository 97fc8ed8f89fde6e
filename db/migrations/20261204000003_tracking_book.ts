import type { Knex } from 'knex';

/**
 * The tracking book (sổ theo dõi hồ sơ, TT 01/2018 Form 06 / TT 03/2025 Form 07) in electronic
 * form: each received dossier gets the next number of its agency's book for the year of receipt
 * (quyển = the year, số thứ tự = the number), printed on Form 01. Dossiers received before this
 * migration get theirs when their receipt is first printed. A procedure also says how many sets
 * (bộ) of its papers the applicant files (Form 01 "Số lượng hồ sơ"), one unless the catalogue says more.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tracking_book_sequences', (t) => {
    t.integer('agency_id').notNullable().references('agencies.id');
    t.integer('year').notNullable();
    t.integer('last_value').notNullable();
    t.primary(['agency_id', 'year']);
  });
  await knex.schema.alterTable('procedures', (t) => {
    t.integer('dossier_sets').notNullable().defaultTo(1);
  });
  await knex.schema.alterTable('dossiers', (t) => {
    t.integer('tracking_book_year');
    t.integer('tracking_book_number');
    t.unique(['agency_id', 'tracking_book_year', 'tracking_book_number']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropUnique(['agency_id', 'tracking_book_year', 'tracking_book_number']);
    t.dropColumns('tracking_book_year', 'tracking_book_number');
  });
  await knex.schema.dropTableIfExists('tracking_book_sequences');
  await knex.schema.alterTable('procedures', (t) => {
    t.dropColumn('dossier_sets');
  });
}
