import { Router, type RequestHandler } from 'express';
import type { Knex } from 'knex';
import { CalendarCoverageError, WorkingCalendar, toOffsetIso, type TimeLimit } from '../domain/calendar';
import { deriveDeadline, describeLimit } from '../domain/clock-ledger';
import { agencyCalendarCode, calendarData, findCalendarRow } from '../activities/calendar-store';
import { HttpProblem } from './problem';
import { bodyOf, Validator } from './validation';

/**
 * Public deadline preview (xem trước ngày hẹn trả): what appointment a dossier received at a
 * given moment would get, with the reasons (holidays and weekends skipped). Computed exactly as
 * a received dossier's due date is (a clock ledger with one `start`), on the agency's calendar,
 * latest version, or the national state calendar (VN-STATE). Citizens read the errors.
 */
export const DEFAULT_CALENDAR_CODE = 'VN-STATE';

/** Beyond a year, a limit is a typing mistake, not a procedure. */
const MAX_DAYS = 365;
const MAX_HOURS = MAX_DAYS * 8;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const HM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** 422 whose `detail` names every mistake, in Vietnamese, for the citizen who reads it. */
function invalid(v: Validator): void {
  if (!v.errors.length) return;
  throw new HttpProblem(
    422,
    'Invalid request',
    `Thông tin chưa hợp lệ: ${v.errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
    { errors: v.errors },
  );
}

function amount(v: Validator, raw: unknown, path: string, opts: { max: number; whole: boolean; unit: string }): number | undefined {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    v.fail(path, 'phải là một số');
    return undefined;
  }
  if (raw <= 0) v.fail(path, 'phải lớn hơn 0');
  else if (raw > opts.max) v.fail(path, `không được quá ${opts.max} ${opts.unit}`);
  else if (opts.whole && !Number.isInteger(raw)) v.fail(path, `phải là số ${opts.unit} nguyên khi tính theo ngày trọn`);
  else return raw;
  return undefined;
}

/**
 * A time limit as citizens and integrators write it: `{ workingDays, counting? }`,
 * `{ workingHours }`, `{ calendarDays }`, `{ sameDay: true, cutoff? }`, or the catalogue's own
 * form `{ unit, value, counting?, cutoff? }`. Returned normalised, defaults spelled out.
 */
export function parseTimeLimit(v: Validator, raw: unknown, path = 'timeLimit'): TimeLimit | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    v.fail(path, 'phải là đối tượng, ví dụ { "workingDays": 5 }');
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  if (typeof o.unit === 'string') return normaliseTimeLimit(v, o as unknown as TimeLimit, path);
  const modes = ['workingDays', 'workingHours', 'calendarDays', 'sameDay'].filter((k) => o[k] !== undefined && o[k] !== null);
  if (modes.length !== 1) {
    v.fail(path, 'phải có đúng một trong: workingDays (ngày làm việc), workingHours (giờ làm việc), calendarDays (ngày), sameDay (trong ngày)');
    return undefined;
  }
  const allowed = new Set([modes[0], ...(modes[0] === 'workingDays' ? ['counting'] : modes[0] === 'sameDay' ? ['cutoff'] : [])]);
  for (const k of Object.keys(o)) if (!allowed.has(k)) v.fail(`${path}.${k}`, `không dùng được cùng ${modes[0]}`);
  switch (modes[0]) {
    case 'workingDays':
      return normaliseTimeLimit(v, { unit: 'working_days', value: o.workingDays as number, counting: o.counting as 'whole_days' | undefined }, path, 'workingDays');
    case 'workingHours':
      return normaliseTimeLimit(v, { unit: 'working_hours', value: o.workingHours as number }, path, 'workingHours');
    case 'calendarDays':
      return normaliseTimeLimit(v, { unit: 'calendar_days', value: o.calendarDays as number }, path, 'calendarDays');
    default:
      if (o.sameDay !== true) {
        v.fail(`${path}.sameDay`, 'phải là true');
        return undefined;
      }
      return normaliseTimeLimit(v, { unit: 'same_day', cutoff: o.cutoff as string | undefined }, path);
  }
}

/** Checks a limit (from a request or the catalogue) and spells out its defaults. */
export function normaliseTimeLimit(v: Validator, limit: TimeLimit, path: string, valueField = 'value'): TimeLimit | undefined {
  const at = `${path}.${valueField}`;
  switch (limit.unit) {
    case 'working_days': {
      const counting = limit.counting ?? 'working_hours';
      if (counting !== 'working_hours' && counting !== 'whole_days') {
        v.fail(`${path}.counting`, 'phải là working_hours (tính theo giờ làm việc) hoặc whole_days (ngày trọn, không tính ngày tiếp nhận)');
        return undefined;
      }
      const value = amount(v, limit.value, at, { max: MAX_DAYS, whole: counting === 'whole_days', unit: 'ngày làm việc' });
      return value === undefined ? undefined : { unit: 'working_days', value, counting };
    }
    case 'working_hours': {
      const value = amount(v, limit.value, at, { max: MAX_HOURS, whole: false, unit: 'giờ làm việc' });
      return value === undefined ? undefined : { unit: 'working_hours', value };
    }
    case 'calendar_days': {
      const value = amount(v, limit.value, at, { max: MAX_DAYS, whole: true, unit: 'ngày' });
      return value === undefined ? undefined : { unit: 'calendar_days', value };
    }
    case 'same_day': {
      const cutoff = limit.cutoff ?? '15:00';
      if (typeof cutoff !== 'string' || !HM.test(cutoff)) {
        v.fail(`${path}.cutoff`, 'giờ phải có dạng HH:MM, ví dụ 15:00');
        return undefined;
      }
      return { unit: 'same_day', cutoff };
    }
    default:
      v.fail(`${path}.unit`, 'phải là working_days, working_hours, calendar_days hoặc same_day');
      return undefined;
  }
}

const dmy = (isoDate: string) => `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;

export function slaPreviewRoutes(deps: { db: Knex; limiter?: RequestHandler }): Router {
  const { db } = deps;
  const router = Router();
  const limited: RequestHandler[] = deps.limiter ? [deps.limiter] : [];

  router.post('/sla/preview', ...limited, async (req, res) => {
    const body = bodyOf(req.body);
    const v = new Validator();
    const receivedRaw = body.receivedAt;
    let receivedAt: Date | undefined;
    if (receivedRaw === undefined || receivedRaw === null || receivedRaw === '') {
      v.fail('receivedAt', 'bắt buộc nhập thời điểm tiếp nhận, ví dụ 2026-02-13T10:00:00+07:00');
    } else if (typeof receivedRaw !== 'string' || !INSTANT.test(receivedRaw) || Number.isNaN(Date.parse(receivedRaw))) {
      v.fail('receivedAt', 'phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-02-13T10:00:00+07:00');
    } else {
      receivedAt = new Date(receivedRaw);
    }
    const agencyCode = v.string(body, 'agencyCode', 'agencyCode', { max: 64 });
    const procedureCode = v.string(body, 'procedureCode', 'procedureCode', { max: 64 });
    const hasLimit = body.timeLimit !== undefined && body.timeLimit !== null;
    if (hasLimit === Boolean(procedureCode)) {
      v.fail('timeLimit', 'cần đúng một trong hai: timeLimit (thời hạn giải quyết) hoặc procedureCode (mã thủ tục)');
    }
    let limit = hasLimit && !procedureCode ? parseTimeLimit(v, body.timeLimit) : undefined;
    invalid(v);

    let procedure: { code: string; name: string } | null = null;
    if (procedureCode) {
      const p = await db('procedures').where({ code: procedureCode, active: true }).first('code', 'name', 'time_limit');
      if (!p) throw new HttpProblem(404, 'Procedure not found', `Không có thủ tục mã "${procedureCode}" trong danh mục.`);
      procedure = { code: p.code, name: p.name };
      limit = normaliseTimeLimit(v, p.time_limit as TimeLimit, 'procedure.timeLimit');
      // A catalogue entry this page cannot count is the catalogue's fault, not the citizen's.
      if (!limit) throw new Error(`procedure ${p.code} has an unusable time limit: ${JSON.stringify(p.time_limit)}`);
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
      const at = toOffsetIso(receivedAt!, data.utcOffsetMinutes);
      derivation = deriveDeadline(calendar, [{ kind: 'start', at, limit: limit! }], receivedAt!, dayNames);
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
