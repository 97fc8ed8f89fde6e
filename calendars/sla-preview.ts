import type { Db } from '../db/connection';
import { findAgencyByEid } from '../db/repositories/agencies';
import { agencyCalendarCode, calendarData, findCalendarRow } from '../db/repositories/calendars';
import { findActiveProcedureByCode } from '../db/repositories/procedures';
import { CalendarCoverageError, WorkingCalendar, toOffsetIso, type TimeLimit } from '../domain/calendar';
import { deriveDeadline, describeLimit } from '../domain/clock-ledger';
import { DomainError } from '../domain/errors';
import { catalogueTimeLimit } from './time-limits';

/**
 * Public deadline preview (xem trước ngày hẹn trả): what appointment a dossier received at a
 * given moment would get, with the reasons (holidays and weekends skipped). Computed exactly as
 * a received dossier's due date is (a clock ledger with one `start`), on the agency's calendar,
 * latest version, or the national state calendar (VN-STATE). Citizens read the errors.
 */
export const DEFAULT_CALENDAR_CODE = 'VN-STATE';

const dmy = (isoDate: string) => `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;

/** The limit given, or the catalogue's for `procedureCode`, counted from `receivedAt` on the agency's calendar. */
export async function previewAppointment(db: Db, input: { agencyCode?: string; procedureCode?: string; receivedAt: string; timeLimit?: TimeLimit }) {
  const { agencyCode, procedureCode } = input;
  const receivedAt = new Date(input.receivedAt);
  let limit: TimeLimit | undefined = input.timeLimit;

  let procedure: { code: string; name: string } | null = null;
  if (procedureCode) {
    const p = await findActiveProcedureByCode(db, procedureCode, ['code', 'name', 'time_limit']);
    if (!p) throw new DomainError('not_found', 'Procedure not found', `Không có thủ tục mã "${procedureCode}" trong danh mục.`);
    procedure = { code: p.code, name: p.name };
    const stored = catalogueTimeLimit.safeParse(p.time_limit);
    // A catalogue entry this page cannot count is the catalogue's fault, not the citizen's.
    if (!stored.success) throw new Error(`procedure ${p.code} has an unusable time limit: ${JSON.stringify(p.time_limit)}`);
    limit = stored.data;
  }

  let agency: { eid: string; name: string } | null = null;
  let calendarCode = DEFAULT_CALENDAR_CODE;
  if (agencyCode) {
    const a = await findAgencyByEid(db, agencyCode, ['eid', 'name']);
    if (!a) throw new DomainError('not_found', 'Agency not found', `Không tìm thấy cơ quan có mã ${agencyCode}.`);
    agency = { eid: a.eid, name: a.name };
    calendarCode = await agencyCalendarCode(db, a.eid);
  }
  const row = await findCalendarRow(db, calendarCode);
  if (!row) throw new Error(`working calendar ${calendarCode} does not exist`);
  const data = await calendarData(db, row);
  const calendar = new WorkingCalendar(data);
  const dayNames = new Map(data.days.map((d) => [d.day, d.name]));

  let derivation;
  try {
    const at = toOffsetIso(receivedAt, data.utcOffsetMinutes);
    derivation = deriveDeadline(calendar, [{ kind: 'start', at, limit: limit! }], receivedAt, dayNames);
  } catch (err) {
    if (err instanceof CalendarCoverageError) {
      const year = /(\d{4})-\d{2}-\d{2}/.exec(err.message)?.[1];
      throw new DomainError(
        'invalid',
        'Calendar has no data',
        `Lịch làm việc ${data.code} (phiên bản ${data.version}) chưa có dữ liệu ngày nghỉ lễ${year ? ` năm ${year}` : ''}: chỉ tính được ngày hẹn trong khoảng ${dmy(data.coverage.from)} – ${dmy(data.coverage.to)}.`,
        { coverage: data.coverage },
      );
    }
    throw err;
  }
  return {
    receivedAt: derivation.receivedAt,
    countingFrom: derivation.countingFrom,
    appointmentAt: derivation.appointmentAt,
    dueAt: derivation.dueAt,
    calendar: derivation.calendar,
    agency,
    procedure,
    timeLimit: derivation.limit,
    timeLimitText: describeLimit(derivation.limit),
    explanation: derivation.explanation,
    daysSkipped: derivation.daysSkipped,
  };
}
