import type { Knex } from 'knex';
import { WorkingCalendar, type Weekday, type OfficePeriod } from '../domain/calendar';

/** Loads an agency's working calendar (latest version) from PostgreSQL. */
export async function loadAgencyCalendar(db: Knex, agencyEid: string): Promise<WorkingCalendar> {
  const cal = await db('agencies as a')
    .join('work_calendars as c', 'c.id', 'a.calendar_id')
    .where('a.eid', agencyEid)
    .first('c.id', 'c.code', 'c.version', 'c.utc_offset_minutes', 'c.weekly_hours', 'c.coverage_from', 'c.coverage_to');
  if (!cal) throw new Error(`agency ${agencyEid} has no working calendar`);
  const days: Array<{ day: string; kind: string }> = await db('work_calendar_days').where('calendar_id', cal.id).select('day', 'kind');
  return new WorkingCalendar({
    code: cal.code,
    version: cal.version,
    utcOffsetMinutes: cal.utc_offset_minutes,
    weeklyHours: cal.weekly_hours as Partial<Record<Weekday, OfficePeriod[]>>,
    daysOff: days.filter((d) => d.kind === 'day_off').map((d) => d.day),
    workingDays: days.filter((d) => d.kind === 'working_day').map((d) => d.day),
    coverage: { from: cal.coverage_from, to: cal.coverage_to },
  });
}
