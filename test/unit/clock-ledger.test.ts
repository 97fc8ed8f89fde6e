import { describe, expect, it } from 'vitest';
import { toOffsetIso, WorkingCalendar, type TimeLimit } from '../../domain/calendar';
import { deadlineSchedule, deadlineStanding, deriveDeadline, type ClockEntry } from '../../domain/clock-ledger';
import { DEFAULT_OFFICE_HOURS, VN_STATE_CALENDAR, VN_STATE_CALENDAR_DAYS } from '../../domain/holidays-vn';

/**
 * Calendar maths and the clock ledger on the state calendar (Mon–Fri 07:30–11:30 and
 * 13:00–17:00, 8 working hours a day), with every expected date worked out by hand in
 * the comments (docs/domain.md §3.2, §3.4, §5.2, §12).
 */
const cal = new WorkingCalendar(VN_STATE_CALENDAR);
const names = new Map(VN_STATE_CALENDAR_DAYS.map((d) => [d.day, d.name]));
const at = (local: string) => `${local}+07:00`;
const H = 3_600_000;
const wd = (value: number): TimeLimit => ({ unit: 'working_days', value });
const start = (local: string, limit: TimeLimit = wd(5)): ClockEntry => ({ kind: 'start', at: new Date(at(local)).toISOString(), limit });
const iso = (local: string) => new Date(at(local)).toISOString();
const due = (entries: ClockEntry[], asOf = '2026-12-31T00:00:00') => deriveDeadline(cal, entries, new Date(at(asOf)), names);

describe('working-time edges of the state calendar', () => {
  it('crosses the year end over New Year’s Day: Wed 31 Dec 2025 10:00 + 1 wd → Fri 2 Jan 2026 10:00', () => {
    expect(toOffsetIso(cal.appointment(new Date(at('2025-12-31T10:00:00')), wd(1)))).toBe('2026-01-02T10:00:00+07:00');
  });

  it('counts a make-up Saturday with a full day of office hours: Fri 21 Aug 2026 16:00 + 1 wd → Sat 22 Aug 16:00', () => {
    // Fri 16:00–17:00 = 1 h; Sat 22 Aug (worked for Mon 31 Aug) 07:30–11:30 = 4 h, 13:00–16:00 = 3 h.
    expect(toOffsetIso(cal.appointment(new Date(at('2026-08-21T16:00:00')), wd(1)))).toBe('2026-08-22T16:00:00+07:00');
  });

  it('skips a compensatory day off: Fri 24 Apr 2026 14:00 + 1 wd → Tue 28 Apr 14:00 (Mon 27 Apr replaces Sunday’s Giỗ Tổ)', () => {
    expect(toOffsetIso(cal.appointment(new Date(at('2026-04-24T14:00:00')), wd(1)))).toBe('2026-04-28T14:00:00+07:00');
  });

  it('starts outside office hours at the next working period', () => {
    const hours = (value: number): TimeLimit => ({ unit: 'working_hours', value });
    expect(toOffsetIso(cal.appointment(new Date(at('2026-03-10T11:45:00')), hours(4)))).toBe('2026-03-10T17:00:00+07:00'); // lunch → 13:00
    expect(toOffsetIso(cal.appointment(new Date(at('2026-03-10T17:00:00')), hours(1)))).toBe('2026-03-11T08:30:00+07:00'); // closing time
    expect(toOffsetIso(cal.appointment(new Date(at('2026-03-10T07:00:00')), hours(1)))).toBe('2026-03-10T08:30:00+07:00'); // before opening
    expect(toOffsetIso(cal.appointment(new Date(at('2026-03-14T10:00:00')), hours(2)))).toBe('2026-03-16T09:30:00+07:00'); // ordinary Saturday
    expect(toOffsetIso(cal.appointment(new Date(at('2026-03-10T11:30:00')), hours(0.5)))).toBe('2026-03-10T13:30:00+07:00'); // on the lunch edge
  });

  it('applies the same-day cut-off at 15:00 sharp, and carries a late Friday receipt over Tết', () => {
    const sameDay: TimeLimit = { unit: 'same_day', cutoff: '15:00' };
    expect(toOffsetIso(cal.appointment(new Date(at('2026-03-10T15:00:00')), sameDay))).toBe('2026-03-10T17:00:00+07:00');
    expect(toOffsetIso(cal.appointment(new Date(at('2026-03-10T15:01:00')), sameDay))).toBe('2026-03-11T17:00:00+07:00');
    expect(toOffsetIso(cal.appointment(new Date(at('2026-02-13T15:30:00')), sameDay))).toBe('2026-02-23T17:00:00+07:00');
  });

  it('counts working time backwards across Tết (a warning one working day before a due date)', () => {
    // From Mon 23 Feb 09:00 back 8 h: Mon 07:30–09:00 = 1.5 h, Fri 13 Feb 13:00–17:00 = 4 h, 09:00–11:30 = 2.5 h.
    expect(toOffsetIso(cal.subtractWorkingTime(new Date(at('2026-02-23T09:00:00')), 8 * H))).toBe('2026-02-13T09:00:00+07:00');
    expect(toOffsetIso(cal.subtractWorkingTime(new Date(at('2026-02-26T09:00:00')), 8 * H))).toBe('2026-02-25T09:00:00+07:00');
    // Inverse of addWorkingTime wherever it lands inside office hours.
    const from = new Date(at('2026-08-20T10:15:00'));
    expect(cal.subtractWorkingTime(cal.addWorkingTime(from, 19.5 * H), 19.5 * H).getTime()).toBe(from.getTime());
  });

  it('works with an agency calendar open on Saturday mornings (a police counter)', () => {
    const police = new WorkingCalendar({ ...VN_STATE_CALENDAR, code: '000.20.21.H29', weeklyHours: { ...VN_STATE_CALENDAR.weeklyHours, 6: [{ start: '07:30', end: '11:30' }] } });
    // Fri 16:00–17:00 = 1 h; Sat 07:30–11:30 = 4 h; Mon 07:30 + 3 h = 10:30.
    expect(toOffsetIso(police.appointment(new Date(at('2026-03-13T16:00:00')), wd(1)))).toBe('2026-03-16T10:30:00+07:00');
    expect(police.daysOffBetween(new Date(at('2026-03-13T16:00:00')), new Date(at('2026-03-16T10:30:00')))).toEqual(['2026-03-15']);
    expect(DEFAULT_OFFICE_HOURS).toHaveLength(2);
  });
});

describe('the clock ledger', () => {
  it('with only a start gives the appointment and explains the Tết days skipped (docs/domain.md §5.2 worked example)', () => {
    const d = due([start('2026-02-13T10:00:00')]);
    expect(d.dueAt).toBe('2026-02-27T10:00:00+07:00');
    expect(d).toMatchObject({ limitMinutes: 40 * 60, paused: false, reappointed: false, appointmentAt: d.dueAt, calendar: { code: 'VN-STATE', version: 1 } });
    expect(d.daysSkipped.map((x) => x.day)).toEqual(['2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22']);
    expect(d.daysSkipped.find((x) => x.day === '2026-02-17')!.name).toBe('Tết Bính Ngọ (mùng 1)');
    expect(d.explanation.join('\n')).toMatch(/17\/02 \(Tết Bính Ngọ \(mùng 1\)\)/);
    expect(d.explanation.at(-1)).toMatch(/10:00 thứ Sáu 27\/02\/2026/);
  });

  it('PAUSE: the citizen’s supplement time does not count', () => {
    // Thu 12 Feb 09:00 + 5 wd → Thu 26 Feb 09:00 (Tết skipped). Counted before the pause on
    // Fri 13 Feb 10:00: Thu 6.5 h + Fri 2.5 h = 9 h. From Tue 24 Feb 10:00 the other 31 h:
    // Tue 5.5, Wed 8, Thu 8, Fri 8 (29.5) and Mon 2 Mar 07:30 + 1.5 h = 09:00.
    expect(due([start('2026-02-12T09:00:00')]).dueAt).toBe('2026-02-26T09:00:00+07:00');
    const entries: ClockEntry[] = [
      start('2026-02-12T09:00:00'),
      { kind: 'pause', at: iso('2026-02-13T10:00:00'), cause: 'citizen_supplement', reason: 'Chờ bổ sung' },
      { kind: 'resume', at: iso('2026-02-24T10:00:00') },
    ];
    const d = due(entries, '2026-02-25T10:00:00');
    expect(d.dueAt).toBe('2026-03-02T09:00:00+07:00');
    // Fri 13 Feb 10:00–17:00 = 5.5 h, Mon 23 Feb = 8 h, Tue 24 07:30–10:00 = 2.5 h.
    expect(d.pausedMinutes).toBe(16 * 60);
    // Counted by Wed 25 Feb 10:00: 9 h before the pause + Tue 5.5 h + Wed 2.5 h.
    expect(d.countedMinutes).toBe(17 * 60);
    expect(d.segments.map((s) => [s.kind, s.workingMinutes])).toEqual([['running', 9 * 60], ['paused', 16 * 60], ['running', 8 * 60]]);
  });

  it('while paused, the date is provisional and no timer is scheduled', () => {
    const entries: ClockEntry[] = [start('2026-02-12T09:00:00'), { kind: 'pause', at: iso('2026-02-13T10:00:00'), cause: 'clock_excluded', reason: 'Nộp nghĩa vụ tài chính', basis: 'NĐ 101/2024' }];
    const d = due(entries, '2026-02-24T10:00:00');
    expect(d).toMatchObject({ paused: true, pausedSince: '2026-02-13T10:00:00+07:00', dueAt: '2026-03-02T09:00:00+07:00', remainingMinutes: 31 * 60 });
    expect(deadlineSchedule(cal, d, { warnBeforeMs: 8 * H, escalateEveryMs: 8 * H }, 0)).toMatchObject({ paused: true, warnAt: null, overdueAt: null, nextEscalationAt: null });
  });

  it('RESTART counts the whole limit again from the supplement', () => {
    // Tue 24 Feb 10:00 + 40 h: 5.5 + 8 + 8 + 8 + 8 = 37.5 by Mon 2 Mar, Tue 3 Mar 07:30 + 2.5 h = 10:00.
    const d = due([
      start('2026-02-12T09:00:00'),
      { kind: 'pause', at: iso('2026-02-13T10:00:00'), cause: 'citizen_supplement', reason: 'Chờ bổ sung' },
      { kind: 'resume', at: iso('2026-02-24T10:00:00'), restart: true },
    ]);
    expect(d.dueAt).toBe('2026-03-03T10:00:00+07:00');
    expect(d.countingFrom).toBe('2026-02-24T10:00:00+07:00');
  });

  it('an extension adds working time on top of pauses; a re-appointment changes only the citizen-facing date', () => {
    const entries: ClockEntry[] = [
      start('2026-02-12T09:00:00'),
      { kind: 'pause', at: iso('2026-02-13T10:00:00'), cause: 'citizen_supplement', reason: 'Chờ bổ sung' },
      { kind: 'resume', at: iso('2026-02-24T10:00:00') },
      { kind: 'extension', at: iso('2026-02-25T10:00:00'), workingDays: 2, reason: 'Cần xác minh', basis: 'Luật LLTP 2009, điều 48', actorId: 4 },
    ];
    // Mon 2 Mar 09:00 + 16 h → Wed 4 Mar 09:00.
    expect(due(entries).dueAt).toBe('2026-03-04T09:00:00+07:00');
    expect(due(entries).extensions).toEqual([{ at: iso('2026-02-25T10:00:00'), workingMinutes: 16 * 60, reason: 'Cần xác minh', basis: 'Luật LLTP 2009, điều 48' }]);
    const apologised = due([...entries, { kind: 'reappointment', at: iso('2026-03-02T10:00:00'), appointmentAt: iso('2026-03-06T17:00:00'), reason: 'Chờ ý kiến phối hợp', actorId: 4 }]);
    expect(apologised).toMatchObject({ dueAt: '2026-03-04T09:00:00+07:00', appointmentAt: '2026-03-06T17:00:00+07:00', reappointed: true });
    expect(apologised.explanation.at(-1)).toMatch(/trễ hạn/);
  });

  it('a budget exhausted before a pause keeps the due date in the past (an overdue dossier stays overdue)', () => {
    const d = due([
      start('2026-03-02T08:00:00', { unit: 'working_hours', value: 4 }),
      { kind: 'pause', at: iso('2026-03-03T10:00:00'), cause: 'clock_excluded', reason: 'x' },
      { kind: 'resume', at: iso('2026-03-04T10:00:00') },
    ]);
    expect(d.dueAt).toBe('2026-03-02T13:30:00+07:00'); // 08:00–11:30 = 3.5 h, 13:00 + 0.5 h
    expect(d.remainingMinutes).toBeLessThan(0);
  });

  it('schedules the warning, the overdue mark, escalations and the apology’s last moment in working time', () => {
    const d = due([start('2026-02-12T09:00:00')]); // due Thu 26 Feb 09:00
    const s = deadlineSchedule(cal, d, { warnBeforeMs: 8 * H, escalateEveryMs: 8 * H }, 0);
    expect(s).toEqual({
      dueAt: '2026-02-26T09:00:00+07:00',
      appointmentAt: '2026-02-26T09:00:00+07:00',
      paused: false,
      warnAt: '2026-02-25T09:00:00+07:00',
      overdueAt: '2026-02-26T09:00:00+07:00',
      nextEscalationAt: '2026-02-27T09:00:00+07:00',
      apologyBy: '2026-02-25T09:00:00+07:00',
    });
    // Third escalation: Fri 27 Feb, Mon 2 Mar, Tue 3 Mar 09:00 (weekend skipped).
    expect(deadlineSchedule(cal, d, { warnBeforeMs: 8 * H, escalateEveryMs: 8 * H }, 2).nextEscalationAt).toBe('2026-03-03T09:00:00+07:00');
  });

  it('whole-day counting keeps the Civil Code convention under the ledger (docs/domain.md §5.2 worked examples)', () => {
    const whole = (value: number): TimeLimit => ({ unit: 'working_days', value, counting: 'whole_days' });
    expect(due([start('2026-08-21T09:00:00', whole(3))]).dueAt).toBe('2026-08-25T17:00:00+07:00');
    expect(due([start('2025-04-25T09:00:00', whole(3))]).dueAt).toBe('2025-04-29T17:00:00+07:00');
    expect(due([start('2026-04-24T09:00:00', whole(1))]).dueAt).toBe('2026-04-28T17:00:00+07:00');
    // A pause of one whole working day moves a whole-day limit by one working day.
    expect(
      due([
        start('2026-08-21T09:00:00', whole(3)),
        { kind: 'pause', at: iso('2026-08-24T07:30:00'), cause: 'citizen_supplement', reason: 'x' },
        { kind: 'resume', at: iso('2026-08-25T07:30:00') },
      ]).dueAt,
    ).toBe('2026-08-26T17:00:00+07:00');
  });

  it('refuses a ledger without a start', () => {
    expect(() => deriveDeadline(cal, [], new Date())).toThrow(/not been received/);
  });
});

describe('the ledger at the edges of the calendar data', () => {
  it('counts up to the end of the known years when asked about a later moment', () => {
    const d = deriveDeadline(cal, [start('2027-12-29T10:00:00', { unit: 'working_hours', value: 4 })], new Date('2028-03-01T00:00:00+07:00'));
    expect(d.dueAt).toBe('2027-12-29T15:30:00+07:00');
    // Counted to the close of 31 Dec 2027: Wed 29 Dec 5.5 h, Thu 30 and Fri 31 Dec 8 h each; 17.5 h past due.
    expect(d.countedMinutes).toBe(21.5 * 60);
    expect(d.remainingMinutes).toBe(-17.5 * 60);
  });
});

describe('the standing against the deadline as of a moment (issue 16)', () => {
  // Mon 2 Mar 2026 08:00 + 2 working days (16 h: Mon 7.5 h, Tue 8 h, Wed 0.5 h) → Wed 4 Mar 08:00;
  // a KT-HKD-like warning 8 working hours ahead, from Tue 3 Mar 08:00.
  const entries = [start('2026-03-02T08:00:00', wd(2))];
  const standing = (asOf: string, stopped = false) => {
    const when = new Date(at(asOf));
    return deadlineStanding(cal, deriveDeadline(cal, entries, when, names), when, 8 * H, stopped);
  };

  it('running, then at risk from the warning, with the working time left', () => {
    expect(standing('2026-03-02T10:00:00')).toEqual({ state: 'running', remainingMinutes: 14 * 60, overdueBy: null, sentence: null });
    expect(standing('2026-03-03T10:00:00')).toMatchObject({ state: 'at_risk', remainingMinutes: 6 * 60, overdueBy: null, sentence: null });
  });

  it('overdue from the due date: nothing left, late by the working time counted beyond the limit, said in Vietnamese', () => {
    // Wed 4 Mar 08:00 → 11:30 = 3.5 h, 13:00 → 14:00 = 1 h: 4.5 working hours late.
    const late = standing('2026-03-04T14:00:00');
    expect(late).toMatchObject({ state: 'overdue', remainingMinutes: 0, overdueBy: { workingMinutes: 270, workingHours: 4.5 } });
    expect(late.sentence).toBe('Quá hạn 4.5 giờ làm việc tính đến 14:00 thứ Tư 04/03/2026 (hạn giải quyết 08:00 thứ Tư 04/03/2026).');
    // At the due date itself: overdue, by no working time yet.
    expect(standing('2026-03-04T08:00:00')).toMatchObject({ state: 'overdue', remainingMinutes: 0, overdueBy: null, sentence: expect.stringMatching(/^Quá hạn 0 giờ làm việc/) });
  });

  it('a paused clock is not the agency’s delay; a stopped one says how late it ended', () => {
    const when = new Date(at('2026-03-05T10:00:00'));
    const paused = deriveDeadline(cal, [...entries, { kind: 'pause', at: iso('2026-03-03T09:00:00'), cause: 'citizen_supplement', reason: 'Bổ sung' }], when, names);
    expect(deadlineStanding(cal, paused, when, 8 * H)).toEqual({ state: 'paused', remainingMinutes: 7 * 60, overdueBy: null, sentence: null });
    const ended = standing('2026-03-04T09:00:00', true);
    expect(ended).toMatchObject({ state: 'stopped', overdueBy: { workingMinutes: 60, workingHours: 1 } });
    expect(ended.sentence).toMatch(/^Kết thúc xử lý lúc 09:00 thứ Tư 04\/03\/2026, quá hạn 1 giờ làm việc/);
  });
});
