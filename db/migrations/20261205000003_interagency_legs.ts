import type { Knex } from 'knex';

/** Inter-agency legs and consultations (issue 17, helper ip-api): filled in by that work. */
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
