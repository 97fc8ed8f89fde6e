import type { DossierActivities, ScheduledDeadline } from '../../activities';
import { WorkingCalendar, type TimeLimit } from '../../domain/calendar';
import { deadlineSchedule, deriveDeadline, type ClockEntry } from '../../domain/clock-ledger';

const ALL_DAY = [{ start: '00:00', end: '24:00' }];

/** A calendar open every hour of every day: working time is real time, so SLAs of seconds run in seconds. */
export const ALWAYS_OPEN = new WorkingCalendar({
  code: 'TEST-24x7',
  version: 1,
  utcOffsetMinutes: 420,
  weeklyHours: { 0: ALL_DAY, 1: ALL_DAY, 2: ALL_DAY, 3: ALL_DAY, 4: ALL_DAY, 5: ALL_DAY, 6: ALL_DAY },
  daysOff: [],
  workingDays: [],
  coverage: { from: '2025-01-01', to: '2027-12-31' },
});

type ScheduleInput = Parameters<DossierActivities['scheduleDeadline']>[0];

/**
 * The real ledger maths (domain/clock-ledger.ts) on the always-open calendar: the mocked
 * scheduleDeadline activity of workflow tests, with the time limit given by the test.
 */
export function alwaysOpenSchedule(
  input: ScheduleInput,
  limit: TimeLimit,
  clockPolicy: ScheduledDeadline['clockPolicy'] = 'PAUSE',
  defaults = { warnBeforeMs: 3_600_000, escalateEveryMs: 3_600_000 },
): ScheduledDeadline {
  const start: ClockEntry | null = input.ledger.length === 0 && input.receivedAt ? { kind: 'start', at: input.receivedAt, limit } : null;
  const ledger = start ? [start] : input.ledger;
  const derivation = deriveDeadline(ALWAYS_OPEN, ledger, new Date(input.asOf));
  const schedule = deadlineSchedule(
    ALWAYS_OPEN,
    derivation,
    { warnBeforeMs: input.policy?.warnBeforeMs ?? defaults.warnBeforeMs, escalateEveryMs: input.policy?.escalateEveryMs ?? defaults.escalateEveryMs },
    input.escalationLevel,
  );
  return { schedule, start, calendar: { code: ALWAYS_OPEN.code, version: 1 }, clockPolicy, explanation: derivation.explanation };
}
