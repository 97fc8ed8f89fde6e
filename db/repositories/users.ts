import type { Tx } from '../connection';

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
