import { z } from 'zod';
import type { FieldErrors } from '../domain/errors';
import type { OfficePeriod, Weekday } from '../domain/calendar';

/**
 * What an administrator may write into a calendar version: the zod schemas of its parts
 * (Vietnamese messages, with the JSON path), and the checks against what lies under it.
 */
export type WeeklyHours = Partial<Record<Weekday, OfficePeriod[]>>;

export type DayKind = 'day_off' | 'working_day';

export interface OwnDay {
  day: string;
  kind: DayKind;
  name: string;
  provisional: boolean;
}

export const WEEKDAY_NAMES = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'] as const;

const HM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function minutes(hm: string): number {
  return hm === '24:00' ? 1440 : Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function weekdayOf(isoDate: string): Weekday {
  return new Date(`${isoDate}T00:00:00Z`).getUTCDay() as Weekday;
}

/** "thứ Tư 11/03/2026", as an officer reads a date. */
export function dateVn(isoDate: string): string {
  return `${WEEKDAY_NAMES[weekdayOf(isoDate)]} ${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;
}

const REAL_DATE = 'phải là ngày có thật, dạng YYYY-MM-DD';

/** A real date, YYYY-MM-DD. */
export const isoDate = z.iso.date({ error: REAL_DATE, abort: true }).refine(isIsoDate, { error: REAL_DATE });

const hm = (example: string) => z.string({ error: `giờ phải có dạng HH:MM, ví dụ ${example}` }).regex(HM, { error: `giờ phải có dạng HH:MM, ví dụ ${example}` });

const officePeriod = z
  .strictObject({ start: hm('07:30'), end: z.union([hm('11:30'), z.literal('24:00')], { error: 'giờ phải có dạng HH:MM, ví dụ 11:30' }) })
  .superRefine((p, ctx) => {
    if (minutes(p.end) <= minutes(p.start)) ctx.addIssue({ code: 'custom', path: [], message: `giờ kết thúc phải sau giờ bắt đầu (${p.start}–${p.end})` });
  });

const dayPeriods = z
  .array(officePeriod, { error: 'phải là danh sách khoảng giờ [{ "start": "HH:MM", "end": "HH:MM" }]' })
  .transform((periods) => [...periods].sort((a, b) => minutes(a.start) - minutes(b.start)))
  .superRefine((sorted, ctx) => {
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const cur = sorted[i]!;
      if (minutes(cur.start) < minutes(prev.end)) {
        ctx.addIssue({ code: 'custom', path: [], message: `các khoảng giờ làm việc chồng lên nhau: ${prev.start}–${prev.end} và ${cur.start}–${cur.end}` });
      }
    }
  });

/**
 * `{ "1": [{ "start": "07:30", "end": "11:30" }, …], … }`, weekday 0 = Sunday. Periods are
 * sorted; a weekday with an empty list is a rest day and is dropped. The calendar must keep
 * at least one working weekday: "N working days" is counted in that day's hours.
 */
export const weeklyHoursInput = z
  .record(z.string(), dayPeriods, { error: 'phải là đối tượng { "0".."6": [{ "start": "HH:MM", "end": "HH:MM" }] } (0 = Chủ nhật)' })
  .superRefine((week, ctx) => {
    const keys = Object.keys(week);
    for (const key of keys) if (!/^[0-6]$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'thứ trong tuần phải là 0 (Chủ nhật) đến 6 (thứ Bảy)' });
    if (keys.every((k) => !/^[0-6]$/.test(k) || !week[k]!.length)) ctx.addIssue({ code: 'custom', path: [], message: 'lịch phải có ít nhất một ngày làm việc trong tuần' });
  })
  .transform((week): WeeklyHours => {
    const out: WeeklyHours = {};
    for (const [key, periods] of Object.entries(week)) if (periods.length) out[Number(key) as Weekday] = periods;
    return out;
  })
  .describe('Office periods per weekday (0 = Sunday), "HH:MM"; an empty list is a rest day');

const DAY_NAME = 'bắt buộc nhập tên ngày (tối đa 200 ký tự), ví dụ "Tết Dương lịch"';

/** `[{ day, kind, name, provisional? }]`: the calendar's own holidays, closures and make-up working days. */
export const ownDaysInput = z
  .array(
    z
      .strictObject(
        {
          day: isoDate,
          kind: z.enum(['day_off', 'working_day'], { error: 'phải là day_off (ngày nghỉ) hoặc working_day (ngày làm việc, ví dụ làm bù)' }),
          name: z.string({ error: DAY_NAME }).trim().min(1, { error: DAY_NAME }).max(200, { error: DAY_NAME }),
          provisional: z.boolean({ error: 'phải là true hoặc false' }).optional(),
        },
        { error: 'phải là một đối tượng JSON' },
      )
      .transform((d): OwnDay => ({ day: d.day, kind: d.kind, name: d.name, provisional: d.provisional === true })),
    { error: 'phải là danh sách [{ "day": "YYYY-MM-DD", "kind": "day_off" | "working_day", "name": "…" }]' },
  )
  .max(1000, { error: 'tối đa 1000 ngày mỗi lần' })
  .superRefine((days, ctx) => {
    const seen = new Set<string>();
    days.forEach((d, i) => {
      if (seen.has(d.day)) ctx.addIssue({ code: 'custom', path: [i, 'day'], message: `ngày ${d.day} được khai báo hai lần` });
      seen.add(d.day);
    });
  });

/** A list of dates, e.g. `removeDays`. */
export const dateListInput = z
  .array(isoDate, { error: 'phải là danh sách ngày dạng YYYY-MM-DD' })
  .max(1000, { error: 'tối đa 1000 ngày mỗi lần' })
  .superRefine((dates, ctx) => {
    dates.forEach((d, i) => {
      if (dates.indexOf(d) < i) ctx.addIssue({ code: 'custom', path: [i], message: `ngày ${d} được nêu hai lần` });
    });
  });

/**
 * Checks the own days of a version against what lies under them (the base calendar's days
 * and this calendar's weekly hours): a day that changes nothing is a mistake worth telling
 * (e.g. a make-up "working day" on an ordinary Wednesday), and every own day must lie within
 * the calendar's coverage, which itself must lie within the base's (its holidays are only
 * known there).
 */
export function checkVersion(
  v: FieldErrors,
  input: {
    weeklyHours: WeeklyHours;
    coverage: { from: string; to: string };
    base: { code: string; version: number; coverage: { from: string; to: string }; days: ReadonlyMap<string, { kind: DayKind; name: string }> } | null;
    ownDays: readonly OwnDay[];
    /** Days written by this request, with their JSON path: only these are checked for redundancy. */
    changed: ReadonlyMap<string, string>;
  },
): void {
  const { coverage, base } = input;
  if (coverage.from > coverage.to) v.fail('coverageTo', `phạm vi lịch kết thúc (${coverage.to}) trước khi bắt đầu (${coverage.from})`);
  if (base && (coverage.from < base.coverage.from || coverage.to > base.coverage.to)) {
    v.fail(
      coverage.from < base.coverage.from ? 'coverageFrom' : 'coverageTo',
      `phạm vi lịch (${coverage.from} – ${coverage.to}) phải nằm trong phạm vi của lịch nền ${base.code} phiên bản ${base.version} (${base.coverage.from} – ${base.coverage.to}), nơi có dữ liệu ngày nghỉ lễ`,
    );
  }
  for (const d of input.ownDays) {
    const path = input.changed.get(d.day);
    if (d.day < coverage.from || d.day > coverage.to) {
      v.fail(
        path ? `${path}.day` : 'coverageFrom',
        path
          ? `ngày ${d.day} nằm ngoài phạm vi lịch (${coverage.from} – ${coverage.to})`
          : `ngày riêng ${d.day} (${d.name}) nằm ngoài phạm vi mới (${coverage.from} – ${coverage.to}); bỏ ngày này bằng removeDays`,
      );
      continue;
    }
    if (!path) continue;
    const underBase = base?.days.get(d.day);
    const weekdayWorks = (input.weeklyHours[weekdayOf(d.day)] ?? []).length > 0;
    const underlying: DayKind = underBase?.kind ?? (weekdayWorks ? 'working_day' : 'day_off');
    if (underlying !== d.kind) continue;
    const why = underBase ? `theo lịch nền ${base!.code} (${underBase.name})` : weekdayWorks ? 'theo giờ làm việc hằng tuần' : 'vì không có giờ làm việc vào ngày này trong tuần';
    v.fail(`${path}.kind`, `${dateVn(d.day)} đã là ${d.kind === 'working_day' ? 'ngày làm việc' : 'ngày nghỉ'} ${why}`);
  }
}
