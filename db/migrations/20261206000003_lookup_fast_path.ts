import type { Knex } from 'knex';

/** Slot reserved for the public status lookup's fast path (issue 18, target 3); empty until that work lands. */
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
