import type { Knex } from 'knex';

/** Inter-agency chains, ND 297/2025 (issue 17, helper ip-chain): filled in by that work. */
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
