import type { Tx } from '../connection';

/** The cheapest round trip to PostgreSQL, for /health and /ready. */
export async function pingDatabase(db: Tx): Promise<void> {
  await db.raw('select 1');
}
