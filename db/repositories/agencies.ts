import type { Tx } from '../connection';

// --- calendars, supervision and catalogue ---

export interface AgencyRef {
  id: number;
  eid: string;
  name: string;
}

/** Ids of the agencies with these electronic IDs (unknown ones are left out). */
export async function agencyIdsByEid(db: Tx, eids: readonly string[]): Promise<Array<{ id: number; eid: string }>> {
  return db('agencies').whereIn('eid', eids).select('id', 'eid');
}

export async function findAgency(db: Tx, eid: string): Promise<AgencyRef | undefined> {
  return db('agencies').where('eid', eid).first('id', 'eid', 'name');
}

export async function allAgencies(db: Tx): Promise<AgencyRef[]> {
  return db('agencies').orderBy('eid').select('id', 'eid', 'name');
}

/** The name of an agency, for public pages. */
export async function findAgencyName(db: Tx, eid: string): Promise<{ eid: string; name: string } | undefined> {
  return db('agencies').where('eid', eid).first('eid', 'name');
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
