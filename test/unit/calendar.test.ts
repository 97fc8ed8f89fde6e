import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarCoverageError, dateToDayIndex, dayIndexToDate, toOffsetIso, WorkingCalendar, type OfficePeriod, type Weekday, type WorkingCalendarData } from '../../domain/calendar';
import { VN_STATE_CALENDAR } from '../../domain/holidays-vn';

const cal = new WorkingCalendar(VN_STATE_CALENDAR);
const at = (local: string) => new Date(`${local}+07:00`);
const iso = (d: Date) => toOffsetIso(d);

describe('state-agency calendar 2025–2027', () => {
  it('has 250 working days in 2025 and in 2026 (docs/domain.md §5.2)', () => {
    expect(cal.workingDaysInYear(2025)).toBe(250);
    expect(cal.workingDaysInYear(2026)).toBe(250);
  });

  it('knows days off, make-up Saturdays and compensatory days', () => {
    expect(cal.isWorkingDay('2026-02-17')).toBe(false); // mùng 1 Tết Bính Ngọ
    expect(cal.isWorkingDay('2026-08-22')).toBe(true); // Saturday worked for 31 Aug
    expect(cal.isWorkingDay('2026-08-31')).toBe(false);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
    expect(cal.isWorkingDay('2026-04-27')).toBe(false); // Hùng Kings on a Sunday → Monday off
    expect(cal.isWorkingDay('2026-11-28')).toBe(false); // an ordinary Saturday
  });

  it('refuses dates outside the years whose holidays are known', () => {
    expect(() => cal.appointment(at('2027-12-30T10:00:00'), { unit: 'working_days', value: 5 })).toThrow(CalendarCoverageError);
  });
});

describe('appointment dates (ngày hẹn trả)', () => {
  it('counts working time across Tết: Fri 13 Feb 2026 10:00 + 5 wd → Fri 27 Feb 10:00', () => {
    expect(iso(cal.appointment(at('2026-02-13T10:00:00'), { unit: 'working_days', value: 5 }))).toBe('2026-02-27T10:00:00+07:00');
  });

  it('whole-day counting gives the worked examples of docs/domain.md §5.2', () => {
    const wd = (value: number) => ({ unit: 'working_days', value, counting: 'whole_days' }) as const;
    expect(iso(cal.appointment(at('2026-02-13T10:00:00'), wd(5)))).toBe('2026-02-27T17:00:00+07:00');
    expect(iso(cal.appointment(at('2026-08-21T09:00:00'), wd(3)))).toBe('2026-08-25T17:00:00+07:00');
    expect(iso(cal.appointment(at('2025-04-25T09:00:00'), wd(3)))).toBe('2025-04-29T17:00:00+07:00');
    expect(iso(cal.appointment(at('2026-04-24T09:00:00'), wd(1)))).toBe('2026-04-28T17:00:00+07:00');
  });

  it('counts a make-up Saturday as a working day in working-time mode', () => {
    expect(iso(cal.appointment(at('2026-08-21T10:00:00'), { unit: 'working_days', value: 3 }))).toBe('2026-08-25T10:00:00+07:00');
  });

  it('starts the clock at the next working period for receipts outside office hours', () => {
    // Received at lunch: counting starts at 13:00.
    expect(iso(cal.appointment(at('2026-03-10T12:00:00'), { unit: 'working_hours', value: 2 }))).toBe('2026-03-10T15:00:00+07:00');
    // Received on Sunday evening: counting starts Monday 07:30.
    expect(iso(cal.appointment(at('2026-03-08T20:00:00'), { unit: 'working_days', value: 1 }))).toBe('2026-03-09T17:00:00+07:00');
    // Received at 16:00: one working hour lands exactly on the close of the day, not the next morning.
    expect(iso(cal.appointment(at('2026-03-10T16:00:00'), { unit: 'working_hours', value: 1 }))).toBe('2026-03-10T17:00:00+07:00');
    // Half a day spans lunch.
    expect(iso(cal.appointment(at('2026-03-10T10:30:00'), { unit: 'working_hours', value: 4 }))).toBe('2026-03-10T16:00:00+07:00');
  });

  it('gives a step without a budget of its own until the close of the working day it reaches (stepDue)', () => {
    // Received at 09:10 or at 11:29 (before lunch): due at 17:00 that day, not at the instant of receipt.
    expect(iso(cal.stepDue(at('2026-03-10T09:10:00'), 0))).toBe('2026-03-10T17:00:00+07:00');
    expect(iso(cal.stepDue(at('2026-03-10T11:29:00'), 0))).toBe('2026-03-10T17:00:00+07:00');
    // At lunch, too; after the close, by the next working day's close (Friday evening: Monday).
    expect(iso(cal.stepDue(at('2026-03-10T12:00:00'), 0))).toBe('2026-03-10T17:00:00+07:00');
    expect(iso(cal.stepDue(at('2026-03-13T17:30:00'), 0))).toBe('2026-03-16T17:00:00+07:00');
    // A budget counts as working time, as before.
    expect(iso(cal.stepDue(at('2026-03-10T10:30:00'), 4 * 3_600_000))).toBe('2026-03-10T16:00:00+07:00');
    // What is left of the budget after earlier rows counts, not the whole budget: one hour left is 11:30.
    expect(iso(cal.stepDue(at('2026-03-10T10:30:00'), 4 * 3_600_000, 3_600_000))).toBe('2026-03-10T11:30:00+07:00');
    // A budget used up in earlier rows leaves the step due at once, not at the day's close.
    expect(iso(cal.stepDue(at('2026-03-10T10:30:00'), 4 * 3_600_000, 0))).toBe('2026-03-10T10:30:00+07:00');
  });

  it('crosses the year end and New Year', () => {
    expect(iso(cal.appointment(at('2025-12-31T14:00:00'), { unit: 'working_days', value: 1 }))).toBe('2026-01-02T14:00:00+07:00');
  });

  it('same-day procedures roll to the next working day after the 15:00 cut-off', () => {
    const sameDay = { unit: 'same_day', cutoff: '15:00' } as const;
    expect(iso(cal.appointment(at('2026-03-10T14:59:00'), sameDay))).toBe('2026-03-10T17:00:00+07:00');
    expect(iso(cal.appointment(at('2026-03-10T15:01:00'), sameDay))).toBe('2026-03-11T17:00:00+07:00');
    expect(iso(cal.appointment(at('2026-02-13T16:00:00'), sameDay))).toBe('2026-02-23T17:00:00+07:00'); // Tết in between
  });

  it('a same-day receipt after closing time is due the next working day, whatever the cut-off', () => {
    const saturdayMornings = new WorkingCalendar({ ...VN_STATE_CALENDAR, weeklyHours: { ...VN_STATE_CALENDAR.weeklyHours, 6: [{ start: '07:30', end: '11:30' }] } });
    expect(iso(saturdayMornings.appointment(at('2026-03-14T13:00:00'), { unit: 'same_day', cutoff: '15:00' }))).toBe('2026-03-16T17:00:00+07:00');
    expect(iso(saturdayMornings.appointment(at('2026-03-14T10:00:00'), { unit: 'same_day', cutoff: '15:00' }))).toBe('2026-03-14T11:30:00+07:00');
    expect(iso(cal.appointment(at('2026-03-10T17:15:00'), { unit: 'same_day', cutoff: '17:30' }))).toBe('2026-03-11T17:00:00+07:00');
  });

  it('refuses malformed limits instead of searching for years', () => {
    expect(() => cal.appointment(at('2026-03-10T10:00:00'), { unit: 'working_days', value: Number.NaN })).toThrow(RangeError);
    expect(() => cal.appointment(at('2026-03-10T10:00:00'), { unit: 'working_hours', value: -1 })).toThrow(RangeError);
    expect(() => cal.appointment(at('2026-03-10T10:00:00'), { unit: 'working_days', value: 0.5, counting: 'whole_days' })).toThrow(/whole number/);
    expect(() => cal.appointment(new Date('nonsense'), { unit: 'working_days', value: 1 })).toThrow(/valid date/);
  });

  it('calendar-day limits move a due date off a day off', () => {
    // 10 days from Wed 11 Feb 2026 is Sat 21 Feb → Mon 23 Feb.
    expect(iso(cal.appointment(at('2026-02-11T09:00:00'), { unit: 'calendar_days', value: 10 }))).toBe('2026-02-23T17:00:00+07:00');
  });

  it('measures working time between two instants', () => {
    expect(cal.workingTimeBetween(at('2026-02-13T10:00:00'), at('2026-02-27T10:00:00'))).toBe(5 * 8 * 3_600_000);
  });
});

/**
 * The day-by-day walk `workingTimeBetween` used before its cumulative table (BENCHMARKS F2),
 * kept as the reference: it reads the calendar through the same private helpers.
 */
function workingTimeBetweenByDays(calendar: WorkingCalendar, from: Date, to: Date): number {
  const c = calendar as unknown as {
    split(instant: Date): { dayIndex: number; msOfDay: number };
    periodsOnIndex(dayIndex: number): ReadonlyArray<readonly [number, number]>;
  };
  if (to <= from) return 0;
  const a = c.split(from);
  const b = c.split(to);
  let total = 0;
  for (let d = a.dayIndex; d <= b.dayIndex; d++) {
    const lo = d === a.dayIndex ? a.msOfDay : 0;
    const hi = d === b.dayIndex ? b.msOfDay : 86_400_000;
    for (const [s, e] of c.periodsOnIndex(d)) {
      total += Math.max(0, Math.min(e, hi) - Math.max(s, lo));
    }
  }
  return total;
}

/** The answer, or the error thrown (its class and message), so both implementations compare. */
function outcome(fn: () => number): { value: number } | { error: string } {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

describe('workingTimeBetween in O(1) (cumulative working time per day)', () => {
  const DAY = 86_400_000;
  const hm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

  // Office periods on a 15-minute grid (00:00–24:00), sometimes touching or overlapping.
  const period = fc
    .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
    .filter(([s, e]) => e > s)
    .map(([s, e]): OfficePeriod => ({ start: hm(s * 15), end: hm(e * 15) }));
  const weeklyHours = fc.oneof(
    fc.constant(VN_STATE_CALENDAR.weeklyHours),
    fc.record(
      { 0: fc.array(period, { maxLength: 3 }), 1: fc.array(period, { maxLength: 3 }), 2: fc.array(period, { maxLength: 3 }), 3: fc.array(period, { maxLength: 3 }), 4: fc.array(period, { maxLength: 3 }), 5: fc.array(period, { maxLength: 3 }), 6: fc.array(period, { maxLength: 3 }) },
      { requiredKeys: [] },
    ) as fc.Arbitrary<Partial<Record<Weekday, OfficePeriod[]>>>,
  );
  const day2025to2027 = fc.integer({ min: dateToDayIndex('2024-12-01'), max: dateToDayIndex('2028-01-31') });

  /** Calendars built as the tests above build theirs: VN-STATE with some of its data replaced. */
  const calendarData: fc.Arbitrary<WorkingCalendarData> = fc
    .record({
      utcOffsetMinutes: fc.oneof(fc.constant(420), fc.integer({ min: -720, max: 840 })),
      weeklyHours,
      extraDaysOff: fc.array(day2025to2027, { maxLength: 40 }),
      extraWorkingDays: fc.array(day2025to2027, { maxLength: 20 }),
      keepVnDays: fc.boolean(),
      coverage: fc.oneof(
        fc.constant(VN_STATE_CALENDAR.coverage),
        fc.tuple(day2025to2027, fc.integer({ min: -5, max: 400 })).map(([from, len]) => ({ from: dayIndexToDate(from), to: dayIndexToDate(from + len) })),
      ),
    })
    .map((r) => ({
      ...VN_STATE_CALENDAR,
      utcOffsetMinutes: r.utcOffsetMinutes,
      weeklyHours: r.weeklyHours,
      daysOff: [...(r.keepVnDays ? VN_STATE_CALENDAR.daysOff : []), ...r.extraDaysOff.map(dayIndexToDate)],
      workingDays: [...(r.keepVnDays ? VN_STATE_CALENDAR.workingDays : []), ...r.extraWorkingDays.map(dayIndexToDate)],
      coverage: r.coverage,
    }));

  /**
   * Instants anywhere from before the coverage to after it: arbitrary milliseconds, local
   * midnights, office-period edges (15-minute grid) and a millisecond either side of them.
   */
  const instant = (data: WorkingCalendarData) => {
    const from = dateToDayIndex(data.coverage.from) - 3;
    const to = dateToDayIndex(data.coverage.to) + 3;
    const offset = data.utcOffsetMinutes * 60_000;
    return fc.oneof(
      fc.integer({ min: from * DAY, max: (to + 1) * DAY }).map((ms) => new Date(ms)),
      fc
        .tuple(fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 96 }), fc.constantFrom(-1, 0, 0, 0, 1))
        .map(([d, q, nudge]) => new Date(d * DAY + q * 15 * 60_000 - offset + nudge)),
    );
  };
  const scenario = calendarData.chain((data) =>
    fc.record({
      data: fc.constant(data),
      from: instant(data),
      to: instant(data),
      // Most often a range within the coverage whose ends are close (the same or next day).
      near: fc.integer({ min: -2 * DAY, max: 3 * DAY }),
      shape: fc.constantFrom('any', 'any', 'near', 'same'),
    }),
  );

  it('equals the day-by-day walk: values, reversed ranges and the coverage error', () => {
    fc.assert(
      fc.property(scenario, ({ data, from, to, near, shape }) => {
        const calendar = new WorkingCalendar(data);
        const end = shape === 'near' ? new Date(from.getTime() + near) : shape === 'same' ? from : to;
        // Both directions, and twice on the same instance (the table is built on the first call).
        for (const [x, y] of [[from, end], [end, from], [from, end]] as const) {
          expect(outcome(() => calendar.workingTimeBetween(x, y))).toEqual(outcome(() => workingTimeBetweenByDays(calendar, x, y)));
        }
      }),
      { numRuns: 1_500 },
    );
  });

  it('equals the walk on the state calendar over its whole coverage, edges included', () => {
    const first = new Date('2025-01-01T00:00:00+07:00');
    const last = new Date('2028-01-01T00:00:00+07:00');
    fc.assert(
      fc.property(
        fc.integer({ min: first.getTime() - 2 * DAY, max: last.getTime() + DAY }),
        fc.integer({ min: first.getTime() - DAY, max: last.getTime() + 2 * DAY }),
        (a, b) => {
          const [x, y] = [new Date(a), new Date(b)];
          expect(outcome(() => cal.workingTimeBetween(x, y))).toEqual(outcome(() => workingTimeBetweenByDays(cal, x, y)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps the walk’s answers at the edges: coverage bounds, midnight, lunch, invalid dates', () => {
    const cases: Array<[Date, Date]> = [
      [at('2025-01-01T00:00:00'), at('2027-12-31T23:59:59.999')], // the whole coverage
      [at('2025-01-01T00:00:00'), at('2028-01-01T00:00:00')], // ends on the first midnight after it: refused
      [at('2024-12-31T23:59:59.999'), at('2025-01-02T10:00:00')], // starts before it: refused
      [at('2028-01-01T00:00:00'), at('2028-01-03T00:00:00')], // wholly after it: refused
      [at('2024-12-01T00:00:00'), at('2024-11-01T00:00:00')], // reversed, outside: 0, not refused
      [at('2026-03-10T11:30:00'), at('2026-03-10T13:00:00')], // lunch
      [at('2026-03-10T11:00:00'), at('2026-03-10T13:30:00')], // across lunch: 1 h
      [at('2026-03-13T17:00:00'), at('2026-03-16T07:30:00')], // a weekend: 0
      [at('2026-03-13T16:00:00'), at('2026-03-16T00:00:00')], // ends at midnight
      [at('2026-02-13T10:00:00'), at('2026-02-27T10:00:00')], // Tết
      [at('2026-08-21T10:00:00'), at('2026-08-25T10:00:00')], // a make-up Saturday
      [new Date('nonsense'), at('2026-03-10T10:00:00')],
      [at('2026-03-10T10:00:00'), new Date('nonsense')],
    ];
    for (const [x, y] of cases) expect(outcome(() => cal.workingTimeBetween(x, y))).toEqual(outcome(() => workingTimeBetweenByDays(cal, x, y)));
    expect(cal.workingTimeBetween(at('2026-03-10T11:00:00'), at('2026-03-10T13:30:00'))).toBe(3_600_000);
    expect(cal.workingTimeBetween(at('2026-08-21T10:00:00'), at('2026-08-25T10:00:00'))).toBe(3 * 8 * 3_600_000);
    expect(() => cal.workingTimeBetween(at('2025-01-01T00:00:00'), at('2028-01-01T00:00:00'))).toThrow(CalendarCoverageError);
    expect(cal.workingTimeBetween(at('2024-12-01T00:00:00'), at('2024-11-01T00:00:00'))).toBe(0);
    expect(cal.workingTimeBetween(new Date('nonsense'), at('2026-03-10T10:00:00'))).toBe(0);
  });
});
