import type { OfficerRole } from '../../domain/types';
import pg from 'pg';
import type { Db, Tx } from '../connection';

// --- activities, dossiers ---

/**
 * The agency's active specialist with the fewest dossiers in hand (open statuses), ties to the
 * lowest id. Load is the work in hand, not the specialist's history: counting only open
 * dossiers keeps this a short range of (assignee_id, status) per status.
 */
export async function leastLoadedSpecialist(db: Tx, agencyEid: string, openStatuses: readonly string[]): Promise<{ id: number; full_name: string; open_count: number } | undefined> {
  return db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .join('agencies as a', 'a.id', 'r.agency_id')
    .where({ 'a.eid': agencyEid, 'r.role': 'specialist', 'u.active': true })
    .select('u.id', 'u.full_name')
    .select(
      db.raw('(select count(*) from dossiers d where d.assignee_id = u.id and d.status = any(?::text[]))::int as open_count', [
        [...openStatuses],
      ]),
    )
    .orderBy([{ column: 'open_count', order: 'asc' }, { column: 'u.id', order: 'asc' }])
    .first();
}

/** An active specialist of the agency, named by user id or by username. */
export async function findActiveSpecialist(db: Tx, agencyId: number, who: { id: number } | { username: string }): Promise<{ id: number; full_name: string } | undefined> {
  return db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .where({ 'r.agency_id': agencyId, 'r.role': 'specialist', 'u.active': true })
    .andWhere('id' in who ? { 'u.id': who.id } : { 'u.username': who.username })
    .first('u.id', 'u.full_name');
}

// --- docs (documents, notifications, webhooks, audit, auth) ---

export interface UserRow {
  id: number;
  username: string;
  full_name: string;
}

/** The officer a verified token names, if their account exists and is active. */
export async function findActiveUser(db: Tx, username: string): Promise<UserRow | undefined> {
  return db('users').where({ username, active: true }).first('id', 'username', 'full_name');
}

/** The account of this username, active or not. */
export async function findUserByUsername(db: Tx, username: string): Promise<UserRow | undefined> {
  return db('users').where({ username }).first('id', 'username', 'full_name');
}

/** The officer's roles per agency e-ID, as the development issuer puts them in a token. */
export async function roleClaimsOfUser(db: Tx, userId: number): Promise<Array<{ agency: string; role: OfficerRole }>> {
  return db('user_roles as r').join('agencies as a', 'a.id', 'r.agency_id').where('r.user_id', userId).orderBy(['a.eid', 'r.role']).select('a.eid as agency', 'r.role');
}

/** Active officers, by username, for the development identity provider's sign-in page. */
export async function listActiveOfficers(db: Tx, limit = 200): Promise<UserRow[]> {
  return db('users').where({ active: true }).orderBy('username').limit(limit).select('id', 'username', 'full_name');
}

// --- api (the officer accounts kept in memory, platform/identity.ts) ---

/** The channel a user's change is told on (migration 20261207100001): its username, or `*` for every account. */
export const USER_CHANGES_CHANNEL = 'user_changes';

export interface UserChangeListener {
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

/**
 * A connection of its own (not one of the knex pool's) that LISTENs on `user_changes`:
 * resolves once PostgreSQL has confirmed the LISTEN, so no change committed after that is
 * missed. `lost` is called once if the connection fails or ends without `close()`.
 */
export async function listenForUserChanges(db: Db, handlers: { change(username: string): void; lost(err: Error): void }): Promise<UserChangeListener> {
  const settings = (db.client as { connectionSettings: string | pg.ClientConfig }).connectionSettings;
  const base: pg.ClientConfig = typeof settings === 'string' ? { connectionString: settings } : { ...settings };
  const client = new pg.Client({ ...base, keepAlive: true, application_name: 'dossier-api-accounts' });
  let closing = false;
  const lost = (err: Error) => {
    if (closing) return;
    closing = true;
    client.end().catch(() => undefined);
    handlers.lost(err);
  };
  client.on('error', lost);
  client.on('end', () => lost(new Error('the LISTEN connection ended')));
  client.on('notification', (msg) => {
    if (msg.channel === USER_CHANGES_CHANNEL) handlers.change(msg.payload ?? '*');
  });
  try {
    await client.connect();
    await client.query(`listen ${USER_CHANGES_CHANNEL}`);
  } catch (err) {
    closing = true;
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    close: async () => {
      if (closing) return;
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}
