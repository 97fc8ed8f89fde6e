import { z } from 'zod';
import { dateListInput, isoDate, ownDaysInput, weeklyHoursInput } from '../calendars/rules';
import { agencyRef, vnInstant } from './contract';
import { daysSkippedOutput, timeLimitOutput } from './sla-preview-schemas';

/**
 * Requests of the calendar administration: the schemas the handlers parse and the OpenAPI
 * document shows. Checks that need the stored calendars (unknown base, stale basedOnVersion,
 * coverage, days that change nothing) stay with the handlers.
 */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
const REQUIRED = (iss: { input?: unknown }) => (iss.input === undefined || iss.input === null ? 'bắt buộc nhập' : 'phải là chuỗi ký tự');

const text = (max: number) => z.string({ error: REQUIRED }).trim().min(1, { error: 'bắt buộc nhập' }).max(max, { error: `tối đa ${max} ký tự` });
const reason = text(1000).describe('Why: kept with the version or in the log');
const positiveInt = z.number({ error: (iss) => (iss.input === undefined ? 'bắt buộc nhập' : 'phải là số nguyên dương') }).int({ error: 'phải là số nguyên dương', abort: true }).positive({ error: 'phải là số nguyên dương' });

export const calendarCodeParam = z.strictObject({ code: z.string().min(1).max(64) });
export const agencyEidParam = z.strictObject({ eid: z.string().min(1).max(64) });
export const noQuery = z.strictObject({});

export const createCalendarBody = z
  .strictObject({
    code: text(64).regex(CODE, { error: 'chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (2–64 ký tự)' }),
    name: text(200),
    baseCode: text(64).optional().describe('Calendar this one is derived from (its holidays show through)'),
    reason,
    weeklyHours: weeklyHoursInput.optional(),
    coverageFrom: isoDate.optional(),
    coverageTo: isoDate.optional(),
    days: ownDaysInput.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.baseCode) return;
    for (const field of ['weeklyHours', 'coverageFrom', 'coverageTo'] as const) {
      if (b[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'bắt buộc nhập với lịch không có lịch nền' });
    }
  });

export const calendarQuery = z.strictObject({
  version: z
    .string({ error: 'phải là số nguyên dương' })
    .regex(/^0*[1-9]\d{0,8}$/, { error: 'phải là số nguyên dương' })
    .transform(Number)
    .optional()
    .describe('Version to show (default: the latest)'),
});

export const newVersionBody = z
  .strictObject({
    basedOnVersion: positiveInt.describe('The latest version, which this change was made on (else 409)'),
    reason,
    weeklyHours: weeklyHoursInput.optional(),
    coverageFrom: isoDate.optional(),
    coverageTo: isoDate.optional(),
    days: ownDaysInput.optional(),
    removeDays: dateListInput.optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.weeklyHours && !b.coverageFrom && !b.coverageTo && !b.days?.length && !b.removeDays?.length) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'phiên bản mới phải thay đổi ít nhất một điều: weeklyHours, coverageFrom, coverageTo, days hoặc removeDays' });
    }
  });

export const recomputePreviewBody = z.strictObject({ version: positiveInt.optional().describe('Default: the latest version') });

export const recomputeBody = z.strictObject({
  version: positiveInt.optional().describe('Default: the latest version'),
  reason,
  dossierCodes: z
    .array(z.string().trim().min(1), { error: 'phải là danh sách mã hồ sơ (không rỗng)' })
    .min(1, { error: 'phải là danh sách mã hồ sơ (không rỗng)' })
    .max(10_000)
    .transform((codes) => [...new Set(codes)])
    .optional()
    .describe('Only these dossiers (default: every open dossier on an older version)'),
});

export const agencyCalendarBody = z.strictObject({ code: text(64), reason });

// ---------------------------------------------------------------- answers

const versionRef = z.strictObject({ code: z.string(), version: z.number().int() });
const userRef = z.strictObject({ userId: z.number().int(), username: z.string() });

export const calendarListResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      code: z.string(),
      name: z.string(),
      latestVersion: z.number().int(),
      base: versionRef.nullable(),
      coverage: z.strictObject({ from: z.string(), to: z.string() }),
      agencies: z.number().int().describe('Agencies working by it'),
      changeReason: z.string().nullable(),
      createdAt: vnInstant,
    }),
  ),
}).meta({ id: 'CalendarList' });

const calendarShape = {
  code: z.string(),
  name: z.string(),
  version: z.number().int(),
  latestVersion: z.number().int(),
  utcOffsetMinutes: z.number().int(),
  weeklyHours: z.record(z.string(), z.array(z.strictObject({ start: z.string(), end: z.string() }))).describe('Working hours by ISO weekday (1 = Monday)'),
  coverage: z.strictObject({ from: z.string(), to: z.string() }),
  base: versionRef.nullable(),
  days: z
    .array(z.strictObject({ day: z.string(), kind: z.enum(['day_off', 'working_day']), name: z.string(), provisional: z.boolean(), source: z.string().describe('The calendar the day comes from (this one or a base)') }))
    .describe('Merged: the base’s days first, this calendar’s own over them'),
  createdBy: z.strictObject({ userId: z.number().int(), username: z.string(), fullName: z.string() }).nullable(),
  changeReason: z.string().nullable(),
  createdAt: vnInstant,
  agencies: z.array(agencyRef),
  versions: z.array(
    z.strictObject({ version: z.number().int(), base: versionRef.nullable(), createdBy: z.string().nullable(), changeReason: z.string().nullable(), createdAt: vnInstant }),
  ),
};
export const calendarResponse = z.strictObject(calendarShape).meta({ id: 'Calendar' });
export const createdCalendarResponse = z.strictObject({
  ...calendarShape,
  propagated: z.array(z.strictObject({ code: z.string(), version: z.number().int(), base: versionRef })).describe('Derived calendars given a new version on this one'),
}).meta({ id: 'CreatedCalendarVersion' });

const dossierDueDates = {
  code: z.string(),
  fromVersion: z.number().int(),
  oldDueAt: z.string().nullable(),
  newDueAt: z.string().nullable(),
};
export const recomputePreviewResponse = z.strictObject({
  calendar: versionRef,
  count: z.number().int(),
  changed: z.number().int(),
  dossiers: z.array(z.strictObject({ ...dossierDueDates, changed: z.boolean(), note: z.string().optional() })),
}).meta({ id: 'RecomputePreview' });
const recomputation = {
  id: z.number().int(),
  calendar: versionRef,
  reason: z.string(),
  requestedBy: userRef,
  createdAt: vnInstant,
  finishedAt: vnInstant.nullable(),
  dossiers: z.array(z.strictObject({ ...dossierDueDates, applied: z.boolean(), error: z.string().optional() })),
};
export const recomputeResponse = z.strictObject(recomputation).meta({ id: 'Recomputation' });
export const recomputationsResponse = z.strictObject({ items: z.array(z.strictObject(recomputation)) }).meta({ id: 'Recomputations' });

export const agencyCalendarResponse = z.strictObject({
  agency: agencyRef,
  calendar: versionRef,
  previous: versionRef.nullable(),
  reason: z.string(),
  changedBy: userRef,
}).meta({ id: 'AgencyCalendarChange' });

/**
 * The deadline explained from the clock ledger (calendars/deadline.ts): before receipt, or
 * before the fee where the limit counts from it, only the code, dates and a sentence; then
 * the whole derivation (domain/clock-ledger.ts) as of `asOf`.
 */
export const deadlineExplanationResponse = z.strictObject({
  code: z.string(),
  status: z.string(),
  receivedAt: vnInstant.nullable(),
  appointmentAt: vnInstant.nullable(),
  dueAt: z.string().nullable(),
  explanation: z.array(z.string()).describe('Vietnamese, one line per fact, in order'),
  state: z.enum(['running', 'at_risk', 'overdue', 'paused', 'stopped', 'awaiting_fee']).optional(),
  calendar: versionRef.optional(),
  countingFrom: z.string().optional(),
  limit: timeLimitOutput.optional(),
  limitMinutes: z.number().optional(),
  extensionMinutes: z.number().optional(),
  countedMinutes: z.number().optional(),
  pausedMinutes: z.number().optional(),
  remainingMinutes: z.number().optional(),
  paused: z.boolean().optional(),
  pausedSince: z.string().nullable().optional(),
  reappointed: z.boolean().optional(),
  segments: z
    .array(z.strictObject({ kind: z.enum(['running', 'paused']), from: z.string(), to: z.string().nullable(), workingMinutes: z.number(), reason: z.string().optional(), basis: z.string().nullable().optional() }))
    .optional(),
  extensions: z.array(z.strictObject({ at: z.string(), workingMinutes: z.number(), reason: z.string(), basis: z.string() })).optional(),
  daysSkipped: daysSkippedOutput.optional(),
  overdueBy: z.strictObject({ workingMinutes: z.number(), workingHours: z.number() }).nullable().optional(),
  escalationLevel: z.number().int().optional(),
  asOf: z.string().optional(),
  outcome: z.strictObject({ endedAt: z.string(), endedAs: z.string(), result: z.enum(['early', 'on_time', 'late']) }).nullable().optional(),
  ledger: z
    .array(
      z.looseObject({
        kind: z.enum(['start', 'pause', 'resume', 'extension', 'reappointment', 'rebase']),
        at: vnInstant,
        reason: z.string().nullable(),
        legalBasis: z.string().nullable(),
        actor: z.strictObject({ userId: z.number().int(), fullName: z.string().nullable() }).nullable(),
      }),
    )
    .optional()
    .describe('The clock ledger, each entry with what it records (limit, cause, workingDays, appointmentAt, …)'),
}).meta({ id: 'DeadlineExplanation' });
