import { z } from 'zod';
import type { TimeLimit } from '../domain/calendar';
import { issuesOf } from './contract';

/**
 * Request body of the public deadline preview (POST /api/v1/sla/preview): the schema the
 * handler parses and the OpenAPI document shows. Citizens read the messages: Vietnamese,
 * specific where zod's own would be vague.
 */

/** Beyond a year, a limit is a typing mistake, not a procedure. */
export const MAX_DAYS = 365;
export const MAX_HOURS = MAX_DAYS * 8;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const HM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const INSTANT_HINT = 'phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-02-13T10:00:00+07:00';

const receivedAt = z
  .string({ error: (iss) => (iss.input === undefined || iss.input === null ? 'bắt buộc nhập thời điểm tiếp nhận, ví dụ 2026-02-13T10:00:00+07:00' : INSTANT_HINT) })
  .regex(INSTANT, { error: INSTANT_HINT, abort: true })
  .refine((v) => !Number.isNaN(Date.parse(v)), { error: INSTANT_HINT })
  .describe('Moment of receipt, ISO 8601 with an offset, e.g. 2026-02-13T10:00:00+07:00');

/** A positive amount of `unit`, at most `max`. */
const amount = (max: number, unit: string) =>
  z
    .number({ error: 'phải là một số' })
    .positive({ error: 'phải lớn hơn 0' })
    .max(max, { error: `không được quá ${max} ${unit}` });
const wholeAmount = (max: number, unit: string) => amount(max, unit).int({ error: `phải là số ${unit} nguyên khi tính theo ngày trọn` });

const counting = z.enum(['working_hours', 'whole_days'], {
  error: 'phải là working_hours (tính theo giờ làm việc) hoặc whole_days (ngày trọn, không tính ngày tiếp nhận)',
});
const cutoff = z.string({ error: 'giờ phải có dạng HH:MM, ví dụ 15:00' }).regex(HM, { error: 'giờ phải có dạng HH:MM, ví dụ 15:00' });

/** Whole days are counted in whole numbers: 1.5 "ngày trọn" means nothing. */
const wholeWhenCounted =
  (field: string) =>
  (o: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const v = o[field];
    if (o.counting === 'whole_days' && typeof v === 'number' && !Number.isInteger(v)) {
      ctx.addIssue({ code: 'custom', path: [field], message: 'phải là số ngày làm việc nguyên khi tính theo ngày trọn' });
    }
  };

/** The catalogue's own form of a limit, as procedures store it; also accepted from callers. */
export const catalogueTimeLimit = z.discriminatedUnion(
  'unit',
  [
    z
      .strictObject({ unit: z.literal('working_days'), value: amount(MAX_DAYS, 'ngày làm việc'), counting: counting.optional() })
      .superRefine(wholeWhenCounted('value'))
      .transform((o): TimeLimit => ({ unit: 'working_days', value: o.value, counting: o.counting ?? 'working_hours' })),
    z.strictObject({ unit: z.literal('working_hours'), value: amount(MAX_HOURS, 'giờ làm việc') }).transform((o): TimeLimit => ({ unit: 'working_hours', value: o.value })),
    z.strictObject({ unit: z.literal('calendar_days'), value: wholeAmount(MAX_DAYS, 'ngày') }).transform((o): TimeLimit => ({ unit: 'calendar_days', value: o.value })),
    z.strictObject({ unit: z.literal('same_day'), cutoff: cutoff.optional() }).transform((o): TimeLimit => ({ unit: 'same_day', cutoff: o.cutoff ?? '15:00' })),
  ],
  { error: 'phải là working_days, working_hours, calendar_days hoặc same_day' },
);

/**
 * A time limit as citizens and integrators write it, one mode per object, returned normalised
 * (defaults spelled out). Each form is named by its key, so a mistake inside one form is
 * reported on its field (see `previewIssues`).
 */
const TIME_LIMIT_FORMS = [
  ['workingDays', z
    .strictObject({ workingDays: amount(MAX_DAYS, 'ngày làm việc'), counting: counting.optional() })
    .superRefine(wholeWhenCounted('workingDays'))
    .transform((o): TimeLimit => ({ unit: 'working_days', value: o.workingDays, counting: o.counting ?? 'working_hours' }))],
  ['workingHours', z.strictObject({ workingHours: amount(MAX_HOURS, 'giờ làm việc') }).transform((o): TimeLimit => ({ unit: 'working_hours', value: o.workingHours }))],
  ['calendarDays', z.strictObject({ calendarDays: wholeAmount(MAX_DAYS, 'ngày') }).transform((o): TimeLimit => ({ unit: 'calendar_days', value: o.calendarDays }))],
  ['sameDay', z
    .strictObject({ sameDay: z.literal(true, { error: 'phải là true' }), cutoff: cutoff.optional() })
    .transform((o): TimeLimit => ({ unit: 'same_day', cutoff: o.cutoff ?? '15:00' }))],
  ['unit', catalogueTimeLimit],
] as const;
const FORM_KEYS = TIME_LIMIT_FORMS.map(([key]) => key);
const ONE_MODE = 'phải có đúng một trong: workingDays (ngày làm việc), workingHours (giờ làm việc), calendarDays (ngày), sameDay (trong ngày)';

export const timeLimitInput = z
  .union(
    TIME_LIMIT_FORMS.map(([, schema]) => schema),
    { error: `${ONE_MODE}; ví dụ { "workingDays": 5 }` },
  )
  .describe('{ workingDays, counting? } | { workingHours } | { calendarDays } | { sameDay: true, cutoff? } | { unit, value, counting?, cutoff? }');

export const slaPreviewBody = z
  .strictObject({
    agencyCode: z.string().trim().min(1, { error: 'không được để trống' }).max(64).optional().describe('Electronic ID of the agency; the national calendar without one'),
    receivedAt,
    timeLimit: timeLimitInput.optional(),
    procedureCode: z.string().trim().min(1, { error: 'không được để trống' }).max(64).optional().describe('Take the limit from the catalogue'),
  })
  .refine((b) => (b.timeLimit === undefined) !== (b.procedureCode === undefined), {
    path: ['timeLimit'],
    error: 'cần đúng một trong hai: timeLimit (thời hạn giải quyết) hoặc procedureCode (mã thủ tục)',
    // Checked even when other fields are wrong, so one answer lists every mistake.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });
export type SlaPreviewBody = z.output<typeof slaPreviewBody>;

/**
 * Field errors of a rejected preview. A limit matching none of its forms is explained by the
 * form the caller evidently meant (the one whose key is present), not as "no form matches".
 */
export function previewIssues(error: z.ZodError, body: unknown): Array<{ field: string; message: string }> {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).timeLimit : undefined;
  const present = raw && typeof raw === 'object' && !Array.isArray(raw) ? FORM_KEYS.filter((k) => (raw as Record<string, unknown>)[k] !== undefined) : [];
  const issues = error.issues.flatMap((issue): z.core.$ZodIssue[] => {
    if (issue.code !== 'invalid_union' || issue.path.join('.') !== 'timeLimit') return [issue];
    if (present.length !== 1) return [{ ...issue, message: `${ONE_MODE}; ví dụ { "workingDays": 5 }` }];
    const meant = issue.errors[FORM_KEYS.indexOf(present[0]!)] ?? [];
    return meant.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
  });
  return issuesOf(new z.ZodError(issues));
}
