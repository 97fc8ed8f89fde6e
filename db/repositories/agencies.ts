import type { Tx } from '../connection';

// --- activities, dossiers ---

/** A row of `agencies` (cơ quan), named by its electronic ID (mã định danh điện tử). */
export interface AgencyRow {
  id: number;
  eid: string;
  name: string;
  level: 'province' | 'department' | 'commune';
  parent_id: number | null;
  calendar_id: number;
  address: string | null;
  phone: string | null;
}

export type AgencyColumn = keyof AgencyRow;

/** The columns asked for of the agency with this electronic ID. */
export async function findAgencyByEid<C extends AgencyColumn>(db: Tx, eid: string, columns: readonly C[]): Promise<Pick<AgencyRow, C> | undefined> {
  const row = await db('agencies').where({ eid }).first([...columns] as string[]);
  return row as Pick<AgencyRow, C> | undefined;
}

// --- docs (documents, notifications, webhooks, audit, auth) ---

/** The agency's e-ID, or null when no such agency exists. */
export async function agencyEidById(db: Tx, agencyId: number): Promise<string | null> {
  const agency = await db('agencies').where('id', agencyId).first('eid');
  return agency ? agency.eid : null;
}
