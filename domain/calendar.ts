/**
 * Working-calendar maths (lịch làm việc) for appointment dates (ngày hẹn trả).
 *
 * Pure and deterministic: no time-zone database, because Việt Nam keeps a fixed
 * UTC+7 with no daylight saving, so every agency calendar carries its offset.
 * Conventions (docs/domain.md §3.4, §5, §12):
 * - default counting is in working time: N working days = N × the agency's daily
 *   working hours, counted from the moment a complete, valid dossier is received;
 *   a receipt outside office hours counts from the next working period;
 * - `whole_days` counts working days with the day of receipt not counted, due at
 *   the end of office hours of the Nth day (Civil Code 2015 arts. 147–148);
 * - `calendar_days` moves a due date that lands on a day off to the next working day;
 * - `same_day` is due at the close of the day of receipt, or of the next working
 *   day when received after the procedure's cut-off (often 15:00).
 */

export interface OfficePeriod {
  /** "HH:MM", local time */
  start: string;
  end: string;
}

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // 0 = Sunday

export interface WorkingCalendarData {
  code: string;
  version: number;
  utcOffsetMinutes: number;
  /** Office hours per weekday; weekdays without an entry are rest days. */
  weeklyHours: Partial<Record<Weekday, OfficePeriod[]>>;
  /** Local dates that are days off: holidays, compensatory and swapped days. */
  daysOff: readonly string[];
  /** Local dates that are make-up working days (e.g. a swapped Saturday). */
  workingDays: readonly string[];
  /** First and last local date whose holidays are known; maths outside them is refused. */
  coverage: { from: string; to: string };
}

export type TimeLimit =
  | { unit: 'working_days'; value: number; counting?: 'working_hours' | 'whole_days' }
  | { unit: 'working_hours'; value: number }
  | { unit: 'calendar_days'; value: number }
  | { unit: 'same_day'; cutoff?: string };

export class CalendarCoverageError extends RangeError {}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function parseHm(hm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hm);
  if (!m) throw new RangeError(`bad time of day: ${hm}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60 || Number(m[2]) > 59) throw new RangeError(`bad time of day: ${hm}`);
  return minutes;
}

export function dayIndexToDate(dayIndex: number): string {
  return new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
}

export function dateToDayIndex(localDate: string): number {
  const ms = Date.parse(`${localDate}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`bad date: ${localDate}`);
  return Math.floor(ms / DAY_MS);
}

/** Local working periods of one day, as [startMs, endMs) offsets from local midnight. */
type Periods = ReadonlyArray<readonly [number, number]>;

export class WorkingCalendar {
  readonly code: string;
  readonly version: number;
  private readonly offsetMs: number;
  private readonly weekly: Map<number, Periods>;
  private readonly daysOff: Set<string>;
  private readonly workingDays: Set<string>;
  private readonly coverageFrom: number;
  private readonly coverageTo: number;
  /** See cumulativeWorkingMs(). */
  private cumulative: Float64Array | undefined;

  constructor(data: WorkingCalendarData) {
    this.code = data.code;
    this.version = data.version;
    this.offsetMs = data.utcOffsetMinutes * MINUTE_MS;
    this.weekly = new Map();
    for (const [weekday, periods] of Object.entries(data.weeklyHours)) {
      const parsed = (periods ?? []).map((p) => {
        const s = parseHm(p.start) * MINUTE_MS;
        const e = parseHm(p.end) * MINUTE_MS;
        if (e <= s) throw new RangeError(`office period ends before it starts: ${p.start}-${p.end}`);
        return [s, e] as const;
      });
      parsed.sort((a, b) => a[0] - b[0]);
      this.weekly.set(Number(weekday), parsed);
    }
    this.daysOff = new Set(data.daysOff);
    this.workingDays = new Set(data.workingDays);
    this.coverageFrom = dateToDayIndex(data.coverage.from);
    this.coverageTo = dateToDayIndex(data.coverage.to);
  }

  /** Office hours of a make-up working day: those of the first weekday with hours (Monday). */
  private get defaultWorkdayPeriods(): Periods {
    for (const d of [1, 2, 3, 4, 5, 6, 0]) {
      const p = this.weekly.get(d);
      if (p && p.length) return p;
    }
    return [];
  }

  private assertCovered(dayIndex: number): void {
    if (dayIndex < this.coverageFrom || dayIndex > this.coverageTo) {
      throw new CalendarCoverageError(
        `calendar ${this.code} v${this.version} has no holiday data for ${dayIndexToDate(dayIndex)}`,
      );
    }
  }

  private periodsOnIndex(dayIndex: number): Periods {
    this.assertCovered(dayIndex);
    const date = dayIndexToDate(dayIndex);
    if (this.daysOff.has(date)) return [];
    if (this.workingDays.has(date)) {
      const own = this.weekly.get(new Date(dayIndex * DAY_MS).getUTCDay()) ?? [];
      return own.length ? own : this.defaultWorkdayPeriods;
    }
    return this.weekly.get(new Date(dayIndex * DAY_MS).getUTCDay()) ?? [];
  }

  isWorkingDay(localDate: string): boolean {
    return this.periodsOnIndex(dateToDayIndex(localDate)).length > 0;
  }

  /** Working time of an ordinary working day (the unit behind "N working days"). */
  get dailyWorkingMs(): number {
    return this.defaultWorkdayPeriods.reduce((sum, [s, e]) => sum + (e - s), 0);
  }

  localDateOf(instant: Date): string {
    return dayIndexToDate(Math.floor((instant.getTime() + this.offsetMs) / DAY_MS));
  }

  private split(instant: Date): { dayIndex: number; msOfDay: number } {
    const local = instant.getTime() + this.offsetMs;
    const dayIndex = Math.floor(local / DAY_MS);
    return { dayIndex, msOfDay: local - dayIndex * DAY_MS };
  }

  private instant(dayIndex: number, msOfDay: number): Date {
    return new Date(dayIndex * DAY_MS + msOfDay - this.offsetMs);
  }

  /** First instant at or after `from` that lies inside office hours. */
  nextWorkingInstant(from: Date): Date {
    const { dayIndex, msOfDay } = this.split(from);
    for (let d = dayIndex; d <= dayIndex + 400; d++) {
      for (const [s, e] of this.periodsOnIndex(d)) {
        if (d > dayIndex || msOfDay < e) return this.instant(d, d > dayIndex ? s : Math.max(s, msOfDay));
      }
    }
    throw new CalendarCoverageError('no working time within 400 days');
  }

  /** The instant when `durationMs` of working time has elapsed after `from`. */
  addWorkingTime(from: Date, durationMs: number): Date {
    if (durationMs < 0) throw new RangeError('negative working time');
    let { dayIndex, msOfDay } = this.split(from);
    let remaining = durationMs;
    for (let guard = 0; guard < 4000; guard++) {
      for (const [s, e] of this.periodsOnIndex(dayIndex)) {
        if (msOfDay >= e) continue;
        const start = Math.max(s, msOfDay);
        const available = e - start;
        if (remaining <= available) return this.instant(dayIndex, start + remaining);
        remaining -= available;
        msOfDay = e;
      }
      dayIndex += 1;
      msOfDay = 0;
    }
    throw new CalendarCoverageError('working time runs past 4000 days');
  }

  /**
   * A step's due time: `budgetMs` of working time after `from`. A step without a budget of its
   * own (0: "không tính thời gian", such as returning the result) is due by the close of the
   * working day it reaches, not at the instant it is received: done later that day, it is on time.
   * `leftMs` is what is left of the budget after earlier rows of the same step; the rule keys on
   * the step's own budget, so a nonzero budget used up earlier leaves the step due at once.
   */
  stepDue(from: Date, budgetMs: number, leftMs: number = budgetMs): Date {
    if (budgetMs !== 0) return this.addWorkingTime(from, leftMs);
    return this.closeOfDay(this.split(this.addWorkingTime(from, 0)).dayIndex);
  }

  /** The instant `durationMs` of working time before `to` (e.g. a warning one working day before a due date). */
  subtractWorkingTime(to: Date, durationMs: number): Date {
    if (durationMs < 0) throw new RangeError('negative working time');
    let { dayIndex, msOfDay } = this.split(to);
    let remaining = durationMs;
    for (let guard = 0; guard < 4000; guard++) {
      const periods = this.periodsOnIndex(dayIndex);
      for (let i = periods.length - 1; i >= 0; i--) {
        const [s, e] = periods[i]!;
        if (msOfDay <= s) continue;
        const end = Math.min(e, msOfDay);
        const available = end - s;
        if (remaining <= available) return this.instant(dayIndex, end - remaining);
        remaining -= available;
        msOfDay = s;
      }
      dayIndex -= 1;
      msOfDay = DAY_MS;
    }
    throw new CalendarCoverageError('working time runs back past 4000 days');
  }

  /** The instant itself, or the last moment the calendar knows when it lies beyond its coverage. */
  clampToCoverage(instant: Date): Date {
    const last = this.instant(this.coverageTo + 1, 0).getTime() - 1;
    return instant.getTime() > last ? new Date(last) : instant;
  }

  /** Local dates in [from, to] that are not working days (weekends, holidays, closures). */
  daysOffBetween(from: Date, to: Date): string[] {
    const out: string[] = [];
    for (let d = this.split(from).dayIndex; d <= this.split(to).dayIndex; d++) {
      if (!this.periodsOnIndex(d).length) out.push(dayIndexToDate(d));
    }
    return out;
  }

  /** Whether a local date is a day off because the calendar says so (not merely a weekend). */
  isDeclaredDayOff(localDate: string): boolean {
    return this.daysOff.has(localDate);
  }

  /** Working time of one day inside [lo, hi) (local ms of the day). */
  private workingMsOfDay(dayIndex: number, lo: number, hi: number): number {
    let total = 0;
    for (const [s, e] of this.periodsOnIndex(dayIndex)) total += Math.max(0, Math.min(e, hi) - Math.max(s, lo));
    return total;
  }

  /**
   * cumulative[i]: working time of the covered days before day `coverageFrom + i`, so the
   * whole days between two instants cost two look-ups. Built on first use, once per instance
   * (with the per-process calendar cache, once per calendar version).
   */
  private cumulativeWorkingMs(): Float64Array {
    if (!this.cumulative) {
      const days = Math.max(0, this.coverageTo - this.coverageFrom + 1);
      const cum = new Float64Array(days + 1);
      for (let i = 0; i < days; i++) cum[i + 1] = cum[i]! + this.workingMsOfDay(this.coverageFrom + i, 0, DAY_MS);
      this.cumulative = cum;
    }
    return this.cumulative;
  }

  /** Working time elapsed between two instants (0 when `to` is before `from`). O(1) after the first call. */
  workingTimeBetween(from: Date, to: Date): number {
    if (to <= from) return 0;
    const a = this.split(from);
    const b = this.split(to);
    // An invalid date: no day to count (as the day-by-day walk this replaced).
    if (!(a.dayIndex <= b.dayIndex)) return 0;
    // Refuse what lies outside the holiday data, naming the first day the walk would have met.
    this.assertCovered(a.dayIndex);
    if (b.dayIndex > this.coverageTo) this.assertCovered(this.coverageTo + 1);
    if (a.dayIndex === b.dayIndex) return this.workingMsOfDay(a.dayIndex, a.msOfDay, b.msOfDay);
    const cum = this.cumulativeWorkingMs();
    const wholeDays = cum[b.dayIndex - this.coverageFrom]! - cum[a.dayIndex + 1 - this.coverageFrom]!;
    return this.workingMsOfDay(a.dayIndex, a.msOfDay, DAY_MS) + wholeDays + this.workingMsOfDay(b.dayIndex, 0, b.msOfDay);
  }

  private closeOfDay(dayIndex: number): Date {
    const periods = this.periodsOnIndex(dayIndex);
    const last = periods[periods.length - 1];
    if (!last) throw new RangeError(`${dayIndexToDate(dayIndex)} is not a working day`);
    return this.instant(dayIndex, last[1]);
  }

  private nextWorkingDayIndex(afterDayIndex: number): number {
    for (let d = afterDayIndex + 1; d <= afterDayIndex + 400; d++) {
      if (this.periodsOnIndex(d).length) return d;
    }
    throw new CalendarCoverageError('no working day within 400 days');
  }

  /** Appointment date (ngày hẹn trả) for a dossier received at `receivedAt`. */
  appointment(receivedAt: Date, limit: TimeLimit): Date {
    if (Number.isNaN(receivedAt.getTime())) throw new RangeError('receipt time is not a valid date');
    if (limit.unit !== 'same_day') {
      if (!Number.isFinite(limit.value) || limit.value < 0) throw new RangeError(`time limit must be a number ≥ 0, got ${limit.value}`);
      const wholeDays = limit.unit === 'calendar_days' || (limit.unit === 'working_days' && limit.counting === 'whole_days');
      if (wholeDays && !Number.isInteger(limit.value)) throw new RangeError(`a limit counted in whole days must be a whole number, got ${limit.value}`);
    }
    switch (limit.unit) {
      case 'working_hours':
        return this.addWorkingTime(receivedAt, limit.value * 3_600_000);
      case 'working_days': {
        if ((limit.counting ?? 'working_hours') === 'working_hours') {
          return this.addWorkingTime(receivedAt, limit.value * this.dailyWorkingMs);
        }
        let d = this.split(receivedAt).dayIndex;
        for (let i = 0; i < limit.value; i++) d = this.nextWorkingDayIndex(d);
        if (limit.value === 0) return this.closeOfDay(this.periodsOnIndex(d).length ? d : this.nextWorkingDayIndex(d));
        return this.closeOfDay(d);
      }
      case 'calendar_days': {
        const d = this.split(receivedAt).dayIndex + limit.value;
        return this.closeOfDay(this.periodsOnIndex(d).length ? d : this.nextWorkingDayIndex(d));
      }
      case 'same_day': {
        const { dayIndex, msOfDay } = this.split(receivedAt);
        const cutoff = parseHm(limit.cutoff ?? '15:00') * MINUTE_MS;
        const today = this.periodsOnIndex(dayIndex);
        // Same day only when received on a working day before the cut-off and before closing time.
        if (today.length && msOfDay <= cutoff && msOfDay < today[today.length - 1]![1]) return this.closeOfDay(dayIndex);
        return this.closeOfDay(this.nextWorkingDayIndex(dayIndex));
      }
    }
  }

  workingDaysInYear(year: number): number {
    let count = 0;
    for (let d = dateToDayIndex(`${year}-01-01`); d <= dateToDayIndex(`${year}-12-31`); d++) {
      if (this.periodsOnIndex(d).length) count++;
    }
    return count;
  }
}

/** ISO-8601 with the calendar's offset, as printed on Form 01 (e.g. 2026-02-27T10:00:00+07:00). */
export function toOffsetIso(instant: Date, utcOffsetMinutes = 420): string {
  const local = new Date(instant.getTime() + utcOffsetMinutes * MINUTE_MS);
  const sign = utcOffsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(utcOffsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local.toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}
