import type { Knex } from 'knex';

/** Inter-agency chains, ND 297/2025 (issue 17, helper ip-chain): filled in by that work. */
export async function seed(_db: Knex): Promise<void> {}
