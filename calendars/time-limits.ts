import { z } from 'zod';
import type { TimeLimit } from '../domain/calendar';

/**
 * Time limits of procedures as the catalogue stores them (`procedures.time_limit`), and the
 * parts the public forms of a limit are made of (api/sla-preview-schemas.ts). Citizens read the
 * messages: Vietnamese, specific where zod's own would be vague.
 */

/** Beyond a year, a limit is a typing mistake, not a procedure. */
export const MAX_DAYS = 365;
export const MAX_HOURS = MAX_DAYS * 8;

const HM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** A positive amount of `unit`, at most `max`. */
export const amount = (max: number, unit: string) =>
  z
    .number({ error: 'phải là một số' })
    .positive({ error: 'phải lớn hơn 0' })
    .max(max, { error: `không được quá ${max} ${unit}` });
export const wholeAmount = (max: number, unit: string) => amount(max, unit).int({ error: `phải là số ${unit} nguyên khi tính theo ngày trọn` });

export const counting = z.enum(['working_hours', 'whole_days'], {
  error: 'phải là working_hours (tính theo giờ làm việc) hoặc whole_days (ngày trọn, không tính ngày tiếp nhận)',
});
export const cutoff = z.string({ error: 'giờ phải có dạng HH:MM, ví dụ 15:00' }).regex(HM, { error: 'giờ phải có dạng HH:MM, ví dụ 15:00' });

/** Whole days are counted in whole numbers: 1.5 "ngày trọn" means nothing. */
export const wholeWhenCounted =
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
