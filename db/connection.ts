import knex, { type Knex } from 'knex';
import pg from 'pg';
import { MIGRATIONS } from './migrations';
import { SEEDS } from './seeds';

// Dates stay dates: DATE columns come back as 'YYYY-MM-DD' strings, not local-midnight Date objects.
pg.types.setTypeParser(1082, (value: string) => value);
// BIGINT amounts (VND) fit in a JS number far beyond any fee.
pg.types.setTypeParser(20, (value: string) => Number(value));

/**
 * The database handle the services pass to repositories. Only db/ imports knex: everything
 * else names the handle by these types and never builds a query.
 */
export type Db = Knex;
/** A handle inside a transaction, or the plain handle where a repository takes either. */
export type Tx = Knex | Knex.Transaction;

/** Runs `fn` in one transaction: the services' way to make several repository calls atomic. */
export function inTransaction<T>(db: Db, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(fn);
}

const migrationSource: Knex.MigrationSource<(typeof MIGRATIONS)[number]> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m.migration,
};

const seedSource = {
  getSeeds: async () => [...SEEDS],
  getSeed: async (s: (typeof SEEDS)[number]) => s.seed,
};

export function createDb(databaseUrl: string, pool: { min?: number; max?: number } = {}): Knex {
  return knex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    migrations: { migrationSource, tableName: 'knex_migrations' },
    seeds: { seedSource },
  });
}

/** Creates the database named in the URL when it does not exist (start script and tests). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database "${name}"`);
      } catch (err) {
        // Two processes racing to create it is fine.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

export async function migrateAndSeed(db: Knex): Promise<void> {
  await db.migrate.latest();
  await db.seed.run();
}

/**
 * Runs one statement as a named prepared statement on a connection of the knex pool: parsed and
 * planned once per connection instead of on every call, and no query building. For the hottest
 * read paths only (the public status lookup); everything else goes through knex. The name must
 * be unique to the text: a connection keeps the first text it prepared under a name.
 */
export async function preparedQuery<R extends Record<string, unknown>>(db: Knex, name: string, text: string, values: readonly unknown[]): Promise<R[]> {
  // knex's own pool, so that the connection limit and its validation stay as they are.
  const client = db.client as { acquireConnection(): Promise<pg.PoolClient>; releaseConnection(c: pg.PoolClient): Promise<void> };
  const connection = await client.acquireConnection();
  try {
    const result = await connection.query<R>({ name, text, values: [...values] });
    return result.rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
