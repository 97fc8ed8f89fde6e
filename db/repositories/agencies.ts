import type { Tx } from '../connection';

// --- docs (documents, notifications, webhooks, audit, auth) ---

/** The agency's id for an e-ID, or null when no such agency exists. */
export async function agencyIdByEid(db: Tx, eid: string): Promise<number | null> {
  const a = await db('agencies').where('eid', eid).first('id');
  return a ? Number(a.id) : null;
}

/** The agency's e-ID, or null when no such agency exists. */
export async function agencyEidById(db: Tx, agencyId: number): Promise<string | null> {
  const agency = await db('agencies').where('id', agencyId).first('eid');
  return agency ? agency.eid : null;
}
