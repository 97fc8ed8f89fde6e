import { toOffsetIso, WorkingCalendar } from '../../domain/calendar';
import { VN_STATE_CALENDAR } from '../../domain/holidays-vn';

/**
 * Site-visit windows for the end-to-end suites (docs/domain.md §3.9): visits are given to the
 * minute in Việt Nam time, may not lie in the past, and are recorded from their start. A visit
 * starting in the current minute can be recorded at once, which keeps the suites from waiting.
 */

export interface VisitWindow {
  date: string;
  from: string;
  to: string;
}

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The window of `minutes` from `start` (local +07:00), cut at the end of its day. */
export function visitWindow(start: Date, minutes = 60): VisitWindow {
  const s = toOffsetIso(start);
  const e = toOffsetIso(new Date(start.getTime() + minutes * MINUTE));
  return { date: s.slice(0, 10), from: s.slice(11, 16), to: e.slice(0, 10) === s.slice(0, 10) ? e.slice(11, 16) : '23:59' };
}

/** A window on a local date, e.g. ('2026-12-07', '08:00', '10:00'). */
export const visitOn = (date: string, from: string, to: string): VisitWindow => ({ date, from, to });

/**
 * A visit starting in the current minute: waits out the last seconds of a minute (the workflow
 * must see the same minute) and the day's last minute (the window must end that day, after it
 * starts). Waiting out more than that minute made a suite that reached it at 23:50 local time
 * wait past its test's timeout.
 */
export async function visitStartingNow(minutes = 30): Promise<VisitWindow> {
  for (;;) {
    const now = new Date();
    if (now.getUTCSeconds() < 45 && toOffsetIso(now).slice(11, 16) < '23:59') return visitWindow(new Date(Math.floor(now.getTime() / MINUTE) * MINUTE), minutes);
    await sleep(1_000);
  }
}

/** The local date `days` days from today (Việt Nam time). */
export function localDateIn(days: number): string {
  return toOffsetIso(new Date(Date.now() + days * 86_400_000)).slice(0, 10);
}

/** The seeded agencies' calendar (VN-STATE), for working days and expected due dates. */
export const stateCalendar = new WorkingCalendar(VN_STATE_CALENDAR);

/** The first working day after today, local date. */
export function nextWorkingDate(): string {
  for (let days = 1; ; days++) {
    const date = localDateIn(days);
    if (stateCalendar.isWorkingDay(date)) return date;
  }
}
