import { z } from 'zod';
import type { TimeLimit } from '../domain/calendar';
import { amount, catalogueTimeLimit, counting, cutoff, MAX_DAYS, MAX_HOURS, wholeAmount, wholeWhenCounted } from '../calendars/time-limits';
import { agencyRef, issuesOf } from './contract';

/**
 * Request body of the public deadline preview (POST /api/v1/sla/preview): the schema the
 * handler parses and the OpenAPI document shows. Citizens read the messages: Vietnamese,
 * specific where zod's own would be vague.
 */

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const INSTANT_HINT = 'phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-02-13T10:00:00+07:00';

const receivedAt = z
  .string({ error: (iss) => (iss.input === undefined || iss.input === null ? 'bắt buộc nhập thời điểm tiếp nhận, ví dụ 2026-02-13T10:00:00+07:00' : INSTANT_HINT) })
  .regex(INSTANT, { error: INSTANT_HINT, abort: true })
  .refine((v) => !Number.isNaN(Date.parse(v)), { error: INSTANT_HINT })
  .describe('Moment of receipt, ISO 8601 with an offset, e.g. 2026-02-13T10:00:00+07:00');

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

// ---------------------------------------------------------------- answers

/** A time limit as the API states it (domain/calendar.ts TimeLimit). */
export const timeLimitOutput = z.discriminatedUnion('unit', [
  z.strictObject({ unit: z.literal('working_days'), value: z.number(), counting: z.enum(['working_hours', 'whole_days']).optional() }),
  z.strictObject({ unit: z.literal('working_hours'), value: z.number() }),
  z.strictObject({ unit: z.literal('calendar_days'), value: z.number() }),
  z.strictObject({ unit: z.literal('same_day'), cutoff: z.string().optional() }),
]).meta({ id: 'TimeLimit' }) satisfies z.ZodType<TimeLimit>;

/** Times of the calendar's own offset (Việt Nam: +07:00). */
const offsetInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
export const daysSkippedOutput = z.array(z.strictObject({ day: z.string(), name: z.string() })).describe('Non-working days skipped, with their names');

export const slaPreviewResponse = z.strictObject({
  receivedAt: offsetInstant,
  countingFrom: offsetInstant,
  appointmentAt: offsetInstant,
  dueAt: offsetInstant,
  calendar: z.strictObject({ code: z.string(), version: z.number().int() }),
  agency: agencyRef.nullable(),
  procedure: z.strictObject({ code: z.string(), name: z.string() }).nullable(),
  timeLimit: timeLimitOutput,
  timeLimitText: z.string().describe('As the citizen reads it: "5 ngày làm việc"'),
  explanation: z.array(z.string()),
  daysSkipped: daysSkippedOutput,
}).meta({ id: 'SlaPreview' });
