import { z } from 'zod';
import { dateListInput, isoDate, ownDaysInput, weeklyHoursInput } from '../calendars/rules';

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
