import { describe, expect, it } from 'vitest';
import { CalendarCoverageError, toOffsetIso, WorkingCalendar } from '../domain/calendar';
import { VN_STATE_CALENDAR } from '../domain/holidays-vn';

const cal = new WorkingCalendar(VN_STATE_CALENDAR);
const at = (local: string) => new Date(`${local}+07:00`);
const iso = (d: Date) => toOffsetIso(d);

describe('state-agency calendar 2025–2027', () => {
  it('has 250 working days in 2025 and in 2026 (DOMAIN.md §5.2)', () => {
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

  it('whole-day counting gives the worked examples of DOMAIN.md §5.2', () => {
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
