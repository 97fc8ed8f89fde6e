import type { Tx } from '../db/connection';
import { WorkingCalendar } from '../domain/calendar';
import { agencyCalendarCode, calendarData, findCalendarRow, UnknownCalendarError, type CalendarRow } from '../db/repositories/calendars';

/**
 * Working calendars built from their stored versions, once per process: a version never
 * changes once written, so each is built the first time anyone asks for it.
 */
const built = new Map<string, { calendar: WorkingCalendar; dayNames: Map<string, string> }>();

/** The calendar of one version row, with its holiday names, from the per-process cache. */
export async function cachedCalendar(db: Tx, row: CalendarRow): Promise<{ calendar: WorkingCalendar; dayNames: Map<string, string> }> {
  const key = `${row.code}@${row.version}`;
  let hit = built.get(key);
  if (!hit) {
    const data = await calendarData(db, row);
    hit = { calendar: new WorkingCalendar(data), dayNames: new Map(data.days.map((d) => [d.day, d.name])) };
    built.set(key, hit);
  }
  return hit;
}

async function build(db: Tx, row: CalendarRow): Promise<WorkingCalendar> {
  return (await cachedCalendar(db, row)).calendar;
}

export async function loadCalendar(db: Tx, code: string, version?: number | null): Promise<WorkingCalendar> {
  const row = await findCalendarRow(db, code, version);
  if (!row) throw new UnknownCalendarError(`calendar ${code}${version ? ` v${version}` : ''} does not exist`);
  return build(db, row);
}

/** Loads an agency's working calendar, latest version: what a new dossier is dated by. */
export async function loadAgencyCalendar(db: Tx, agencyEid: string): Promise<WorkingCalendar> {
  return loadCalendar(db, await agencyCalendarCode(db, agencyEid));
}
