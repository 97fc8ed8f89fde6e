import type { Knex } from 'knex';
import { calendarDays } from '../activities/calendar-store';
import { vnTime } from '../domain/vn-time';
import { HttpProblem } from '../api/problem';
import { latestRow, versionRow, type CalendarVersionRow } from './versions';

/** What officers read about calendars: which exist, who uses them, and one version in full. */

async function agencyCounts(db: Knex): Promise<Map<string, number>> {
  const rows: Array<{ code: string; n: number | string }> = await db('agencies as a')
    .join('work_calendars as c', 'c.id', 'a.calendar_id')
    .groupBy('c.code')
    .select('c.code', db.raw('count(*) as n'));
  return new Map(rows.map((r) => [r.code, Number(r.n)]));
}

export async function listCalendars(db: Knex) {
  const latest: CalendarVersionRow[] = await db('work_calendars')
    .distinctOn('code')
    .orderBy([{ column: 'code' }, { column: 'version', order: 'desc' }])
    .select('*');
  const counts = await agencyCounts(db);
  return latest.map((r) => ({
    code: r.code,
    name: r.name,
    latestVersion: r.version,
    base: r.base_code ? { code: r.base_code, version: r.base_version } : null,
    coverage: { from: r.coverage_from, to: r.coverage_to },
    agencies: counts.get(r.code) ?? 0,
    changeReason: r.change_reason,
    createdAt: vnTime(r.created_at),
  }));
}

export async function describeCalendar(db: Knex, code: string, version?: number) {
  const row = version === undefined ? await latestRow(db, code) : await versionRow(db, code, version);
  if (!row) {
    throw new HttpProblem(404, 'Calendar not found', version === undefined ? `Không có lịch ${code}.` : `Lịch ${code} không có phiên bản ${version}.`);
  }
  const [days, versions, creator, agencies] = await Promise.all([
    calendarDays(db, row),
    db('work_calendars as c')
      .leftJoin('users as u', 'u.id', 'c.created_by')
      .where('c.code', code)
      .orderBy('c.version', 'desc')
      .select('c.version', 'c.base_code', 'c.base_version', 'c.created_at', 'c.change_reason', 'u.username'),
    row.created_by ? db('users').where('id', row.created_by).first('id', 'username', 'full_name') : undefined,
    db('agencies as a').join('work_calendars as c', 'c.id', 'a.calendar_id').where('c.code', code).orderBy('a.eid').select('a.eid', 'a.name'),
  ]);
  return {
    code: row.code,
    name: row.name,
    version: row.version,
    latestVersion: versions[0]?.version ?? row.version,
    utcOffsetMinutes: row.utc_offset_minutes,
    weeklyHours: row.weekly_hours,
    coverage: { from: row.coverage_from, to: row.coverage_to },
    base: row.base_code ? { code: row.base_code, version: row.base_version } : null,
    // Merged: the base's days first, this calendar's own over them; `source` tells which.
    days,
    createdBy: creator ? { userId: creator.id, username: creator.username, fullName: creator.full_name } : null,
    changeReason: row.change_reason,
    createdAt: vnTime(row.created_at),
    agencies,
    versions: versions.map((x) => ({
      version: x.version,
      base: x.base_code ? { code: x.base_code, version: x.base_version } : null,
      createdBy: x.username ?? null,
      changeReason: x.change_reason,
      createdAt: vnTime(x.created_at),
    })),
  };
}
