import type { OfficePeriod, Weekday } from '../domain/calendar';
import type { Validator } from '../api/validation';

/**
 * What an administrator may write into a calendar version, read from a request body.
 * Field errors are collected (Vietnamese, with the JSON path) so one answer lists them all.
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

/**
 * `{ "1": [{ "start": "07:30", "end": "11:30" }, …], … }`, weekday 0 = Sunday. Periods are
 * sorted; a weekday with an empty list is a rest day and is dropped. The calendar must keep
 * at least one working weekday: "N working days" is counted in that day's hours.
 */
export function parseWeeklyHours(v: Validator, raw: unknown, path: string): WeeklyHours | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    v.fail(path, 'phải là đối tượng { "0".."6": [{ "start": "HH:MM", "end": "HH:MM" }] } (0 = Chủ nhật)');
    return undefined;
  }
  const out: WeeklyHours = {};
  const before = v.errors.length;
  for (const [key, periods] of Object.entries(raw as Record<string, unknown>)) {
    const p = `${path}.${key}`;
    if (!/^[0-6]$/.test(key)) {
      v.fail(p, 'thứ trong tuần phải là 0 (Chủ nhật) đến 6 (thứ Bảy)');
      continue;
    }
    if (!Array.isArray(periods)) {
      v.fail(p, 'phải là danh sách khoảng giờ [{ "start": "HH:MM", "end": "HH:MM" }]');
      continue;
    }
    const parsed: OfficePeriod[] = [];
    periods.forEach((period: unknown, i) => {
      const q = `${p}[${i}]`;
      const o = (period ?? {}) as Record<string, unknown>;
      const start = o.start;
      const end = o.end;
      if (typeof start !== 'string' || !HM.test(start)) return v.fail(`${q}.start`, 'giờ phải có dạng HH:MM, ví dụ 07:30');
      if (typeof end !== 'string' || !(HM.test(end) || end === '24:00')) return v.fail(`${q}.end`, 'giờ phải có dạng HH:MM, ví dụ 11:30');
      if (minutes(end) <= minutes(start)) return v.fail(q, `giờ kết thúc phải sau giờ bắt đầu (${start}–${end})`);
      parsed.push({ start, end });
    });
    parsed.sort((a, b) => minutes(a.start) - minutes(b.start));
    for (let i = 1; i < parsed.length; i++) {
      const prev = parsed[i - 1]!;
      const cur = parsed[i]!;
      if (minutes(cur.start) < minutes(prev.end)) {
        v.fail(p, `các khoảng giờ làm việc chồng lên nhau: ${prev.start}–${prev.end} và ${cur.start}–${cur.end}`);
      }
    }
    if (parsed.length) out[Number(key) as Weekday] = parsed;
  }
  if (v.errors.length > before) return undefined;
  if (!Object.keys(out).length) {
    v.fail(path, 'lịch phải có ít nhất một ngày làm việc trong tuần');
    return undefined;
  }
  return out;
}

/** `[{ day, kind, name, provisional? }]`: the calendar's own holidays, closures and make-up working days. */
export function parseDays(v: Validator, raw: unknown, path: string): OwnDay[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    v.fail(path, 'phải là danh sách [{ "day": "YYYY-MM-DD", "kind": "day_off" | "working_day", "name": "…" }]');
    return undefined;
  }
  if (raw.length > 1000) {
    v.fail(path, 'tối đa 1000 ngày mỗi lần');
    return undefined;
  }
  const out: OwnDay[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) return v.fail(p, 'phải là một đối tượng JSON');
    const o = item as Record<string, unknown>;
    let ok = true;
    if (!isIsoDate(o.day)) {
      v.fail(`${p}.day`, 'phải là ngày có thật, dạng YYYY-MM-DD');
      ok = false;
    } else if (seen.has(o.day)) {
      v.fail(`${p}.day`, `ngày ${o.day} được khai báo hai lần`);
      ok = false;
    }
    if (o.kind !== 'day_off' && o.kind !== 'working_day') {
      v.fail(`${p}.kind`, 'phải là day_off (ngày nghỉ) hoặc working_day (ngày làm việc, ví dụ làm bù)');
      ok = false;
    }
    const name = typeof o.name === 'string' ? o.name.trim() : '';
    if (!name || name.length > 200) {
      v.fail(`${p}.name`, 'bắt buộc nhập tên ngày (tối đa 200 ký tự), ví dụ "Tết Dương lịch"');
      ok = false;
    }
    if (o.provisional !== undefined && typeof o.provisional !== 'boolean') {
      v.fail(`${p}.provisional`, 'phải là true hoặc false');
      ok = false;
    }
    if (!ok) return;
    seen.add(o.day as string);
    out.push({ day: o.day as string, kind: o.kind as DayKind, name, provisional: o.provisional === true });
  });
  return out;
}

/** A list of dates, e.g. `removeDays`. */
export function parseDateList(v: Validator, raw: unknown, path: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    v.fail(path, 'phải là danh sách ngày dạng YYYY-MM-DD');
    return undefined;
  }
  const out: string[] = [];
  raw.forEach((d: unknown, i) => {
    if (!isIsoDate(d)) v.fail(`${path}[${i}]`, 'phải là ngày có thật, dạng YYYY-MM-DD');
    else if (out.includes(d)) v.fail(`${path}[${i}]`, `ngày ${d} được nêu hai lần`);
    else out.push(d);
  });
  return out;
}

export function parseDate(v: Validator, raw: unknown, path: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isIsoDate(raw)) {
    v.fail(path, 'phải là ngày có thật, dạng YYYY-MM-DD');
    return undefined;
  }
  return raw;
}

/**
 * Checks the own days of a version against what lies under them (the base calendar's days
 * and this calendar's weekly hours): a day that changes nothing is a mistake worth telling
 * (e.g. a make-up "working day" on an ordinary Wednesday), and every own day must lie within
 * the calendar's coverage, which itself must lie within the base's (its holidays are only
 * known there).
 */
export function checkVersion(
  v: Validator,
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
