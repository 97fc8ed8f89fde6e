import type { Knex } from 'knex';

/** Slot reserved for whole-centre supervision views at 1,000,000 dossiers (issue 18, target 4); empty until that work lands. */
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
