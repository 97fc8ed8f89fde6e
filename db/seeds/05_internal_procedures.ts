import type { Knex } from 'knex';

/** Internal procedure versions (issue 17, helper ip-data): filled in by that work. */
export async function seed(_db: Knex): Promise<void> {}
