import type { Tx } from '../connection';
import { firstRow } from './rows';

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
  return firstRow<AgencyRow, C>(db, 'agencies', { eid }, columns);
}

// --- calendars, supervision and catalogue ---

export type AgencyRef = Pick<AgencyRow, 'id' | 'eid' | 'name'>;

/** Ids of the agencies with these electronic IDs (unknown ones are left out). */
export async function agencyIdsByEid(db: Tx, eids: readonly string[]): Promise<Array<{ id: number; eid: string }>> {
  return db('agencies').whereIn('eid', eids).select('id', 'eid');
}

export async function allAgencies(db: Tx): Promise<AgencyRef[]> {
  return db('agencies').orderBy('eid').select('id', 'eid', 'name');
}

/** An agency with the calendar it works by, its row locked until the transaction ends. */
export async function lockAgencyWithCalendar(
  trx: Tx,
  eid: string,
): Promise<{ id: number; eid: string; name: string; calendar_code: string | null; calendar_version: number | null } | undefined> {
  return trx('agencies as a')
    .leftJoin('work_calendars as c', 'c.id', 'a.calendar_id')
    .where('a.eid', eid)
    .forUpdate('a')
    .first('a.id', 'a.eid', 'a.name', 'c.code as calendar_code', 'c.version as calendar_version');
}

export async function setAgencyCalendar(trx: Tx, agencyId: number, calendarId: number): Promise<void> {
  await trx('agencies').where('id', agencyId).update({ calendar_id: calendarId });
}

// --- docs (documents, notifications, webhooks, audit, auth) ---

/** The agency's e-ID, or null when no such agency exists. */
export async function agencyEidById(db: Tx, agencyId: number): Promise<string | null> {
  const agency = await db('agencies').where('id', agencyId).first('eid');
  return agency ? agency.eid : null;
}

/** The agencies with these electronic IDs, with their names (unknown ones are left out). */
export async function agenciesByEid(db: Tx, eids: readonly string[]): Promise<AgencyRef[]> {
  return eids.length ? db('agencies').whereIn('eid', eids).orderBy('eid').select('id', 'eid', 'name') : [];
}
