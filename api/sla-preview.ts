import { Router, type RequestHandler } from 'express';
import type { Knex } from 'knex';
import { CalendarCoverageError, WorkingCalendar, toOffsetIso, type TimeLimit } from '../domain/calendar';
import { deriveDeadline, describeLimit } from '../domain/clock-ledger';
import { agencyCalendarCode, calendarData, findCalendarRow } from '../activities/calendar-store';
import { HttpProblem } from './problem';
import { jsonBody } from './contract';
import { catalogueTimeLimit, previewIssues, slaPreviewBody } from './sla-preview-schemas';

/**
 * Public deadline preview (xem trước ngày hẹn trả): what appointment a dossier received at a
 * given moment would get, with the reasons (holidays and weekends skipped). Computed exactly as
 * a received dossier's due date is (a clock ledger with one `start`), on the agency's calendar,
 * latest version, or the national state calendar (VN-STATE). Citizens read the errors.
 */
export const DEFAULT_CALENDAR_CODE = 'VN-STATE';

const dmy = (isoDate: string) => `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;

export function slaPreviewRoutes(deps: { db: Knex; limiter?: RequestHandler }): Router {
  const { db } = deps;
  const router = Router();
  const limited: RequestHandler[] = deps.limiter ? [deps.limiter] : [];

  router.post('/sla/preview', ...limited, async (req, res) => {
    const raw = jsonBody(req);
    const parsed = slaPreviewBody.safeParse(raw);
    if (!parsed.success) {
      // The citizen reads `detail`: every mistake named there, in Vietnamese.
      const errors = previewIssues(parsed.error, raw);
      throw new HttpProblem(422, 'Invalid request', `Thông tin chưa hợp lệ: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, { errors });
    }
    const { agencyCode, procedureCode } = parsed.data;
    const receivedAt = new Date(parsed.data.receivedAt);
    let limit: TimeLimit | undefined = parsed.data.timeLimit;

    let procedure: { code: string; name: string } | null = null;
    if (procedureCode) {
      const p = await db('procedures').where({ code: procedureCode, active: true }).first('code', 'name', 'time_limit');
      if (!p) throw new HttpProblem(404, 'Procedure not found', `Không có thủ tục mã "${procedureCode}" trong danh mục.`);
      procedure = { code: p.code, name: p.name };
      const stored = catalogueTimeLimit.safeParse(p.time_limit);
      // A catalogue entry this page cannot count is the catalogue's fault, not the citizen's.
      if (!stored.success) throw new Error(`procedure ${p.code} has an unusable time limit: ${JSON.stringify(p.time_limit)}`);
      limit = stored.data;
    }

    let agency: { eid: string; name: string } | null = null;
    let calendarCode = DEFAULT_CALENDAR_CODE;
    if (agencyCode) {
      const a = await db('agencies').where('eid', agencyCode).first('eid', 'name');
      if (!a) throw new HttpProblem(404, 'Agency not found', `Không tìm thấy cơ quan có mã ${agencyCode}.`);
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
        throw new HttpProblem(
          422,
          'Calendar has no data',
          `Lịch làm việc ${data.code} (phiên bản ${data.version}) chưa có dữ liệu ngày nghỉ lễ${year ? ` năm ${year}` : ''}: chỉ tính được ngày hẹn trong khoảng ${dmy(data.coverage.from)} – ${dmy(data.coverage.to)}.`,
          { coverage: data.coverage },
        );
      }
      throw err;
    }
    res.set('Cache-Control', 'no-store').json({
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
    });
  });

  return router;
}
