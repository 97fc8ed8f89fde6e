import type { Db } from '../db/connection';
import {
  agenciesOnCalendar,
  agencyCountsByCalendar,
  calendarDays,
  calendarVersionHistory,
  findCalendarAuthor,
  findCalendarVersion,
  latestCalendarVersion,
  latestCalendarVersions,
  type CalendarVersionRow,
} from '../db/repositories/calendars';
import { DomainError } from '../domain/errors';
import { vnTime } from '../domain/vn-time';

/** What officers read about calendars: which exist, who uses them, and one version in full. */

/** How a version names the calendar it is built on. */
export const baseOf = (r: Pick<CalendarVersionRow, 'base_code' | 'base_version'>) => (r.base_code ? { code: r.base_code, version: r.base_version } : null);

/** 404 for a calendar code, or one version of it, that does not exist. */
export function calendarNotFound(code: string, version?: number): DomainError {
  return new DomainError('not_found', 'Calendar not found', version === undefined ? `Không có lịch ${code}.` : `Lịch ${code} không có phiên bản ${version}.`);
}

export async function listCalendars(db: Db) {
  const latest = await latestCalendarVersions(db);
  const counts = await agencyCountsByCalendar(db);
  return latest.map((r) => ({
    code: r.code,
    name: r.name,
    latestVersion: r.version,
    base: baseOf(r),
    coverage: { from: r.coverage_from, to: r.coverage_to },
    agencies: counts.get(r.code) ?? 0,
    changeReason: r.change_reason,
    createdAt: vnTime(r.created_at),
  }));
}

export async function describeCalendar(db: Db, code: string, version?: number) {
  const row = version === undefined ? await latestCalendarVersion(db, code) : await findCalendarVersion(db, code, version);
  if (!row) throw calendarNotFound(code, version);
  const [days, versions, creator, agencies] = await Promise.all([
    calendarDays(db, row),
    calendarVersionHistory(db, code),
    row.created_by ? findCalendarAuthor(db, row.created_by) : undefined,
    agenciesOnCalendar(db, code),
  ]);
  return {
    code: row.code,
    name: row.name,
    version: row.version,
    latestVersion: versions[0]?.version ?? row.version,
    utcOffsetMinutes: row.utc_offset_minutes,
    weeklyHours: row.weekly_hours,
    coverage: { from: row.coverage_from, to: row.coverage_to },
    base: baseOf(row),
    // Merged: the base's days first, this calendar's own over them; `source` tells which.
    days,
    createdBy: creator ? { userId: creator.id, username: creator.username, fullName: creator.full_name } : null,
    changeReason: row.change_reason,
    createdAt: vnTime(row.created_at),
    agencies,
    versions: versions.map((x) => ({
      version: x.version,
      base: baseOf(x),
      createdBy: x.username ?? null,
      changeReason: x.change_reason,
      createdAt: vnTime(x.created_at),
    })),
  };
}
