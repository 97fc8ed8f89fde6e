import type { OfficerRole } from '../../domain/types';
import type { Tx } from '../connection';

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
