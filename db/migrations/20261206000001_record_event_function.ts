import type { Knex } from 'knex';

/** Slot reserved for the one-round-trip event recording (issue 18, target 2); empty until that work lands. */
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
