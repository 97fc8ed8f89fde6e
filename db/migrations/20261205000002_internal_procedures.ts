import type { Knex } from 'knex';

/** Internal procedure versions (issue 17, helper ip-data): filled in by that work. */
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
