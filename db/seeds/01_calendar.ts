import type { Knex } from 'knex';
import { VN_STATE_CALENDAR, VN_STATE_CALENDAR_DAYS } from '../../domain/holidays-vn';

/**
 * National state-agency calendar 2025–2027, version 1. Adds what is missing and never
 * edits a version in place: dossiers record the version their dates came from.
 */
export async function seed(db: Knex): Promise<void> {
  await db.transaction(async (knex) => {
  const c = VN_STATE_CALENDAR;
  await knex('work_calendars')
    .insert({
      code: c.code,
      version: c.version,
      name: 'Lịch làm việc cơ quan hành chính nhà nước',
      utc_offset_minutes: c.utcOffsetMinutes,
      weekly_hours: JSON.stringify(c.weeklyHours),
      coverage_from: c.coverage.from,
      coverage_to: c.coverage.to,
    })
    .onConflict(['code', 'version'])
    .ignore();
  const { id } = await knex('work_calendars').where({ code: c.code, version: c.version }).first('id');
  await knex('work_calendar_days')
    .insert(VN_STATE_CALENDAR_DAYS.map((d) => ({ calendar_id: id, day: d.day, kind: d.kind, name: d.name, provisional: d.provisional ?? false })))
    .onConflict(['calendar_id', 'day'])
    .ignore();
  });
}
