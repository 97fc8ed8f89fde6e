/**
 * A due date said in words and coloured, counted in working time ("Quá hạn 3 giờ làm việc",
 * "Còn 2 ngày làm việc"). The list gives the due instant, not the time left; the time left is
 * counted here on the state's office hours (Monday to Friday, 07:30–11:30 and 13:00–17:00,
 * Việt Nam time). Public holidays are not known here: across one, the words may count a day
 * more than the agency's calendar, which the dossier's deadline explanation states exactly.
 */
const HOUR = 3_600_000;
const MINUTE = 60_000;
const WORKING_DAY = 8 * HOUR;
const VN_OFFSET = 7 * HOUR;
/** Office periods, in minutes after local midnight. */
const PERIODS: ReadonlyArray<readonly [number, number]> = [
  [7 * 60 + 30, 11 * 60 + 30],
  [13 * 60, 17 * 60],
];

/** Working milliseconds between two instants (0 when `to` is not after `from`). */
export function workingMs(from: Date, to: Date): number {
  if (to <= from) return 0;
  let total = 0;
  // Local days, walked from the first to the last (dossiers are due within weeks: a short walk).
  const start = from.getTime() + VN_OFFSET;
  const end = to.getTime() + VN_OFFSET;
  const dayMs = 24 * HOUR;
  for (let day = Math.floor(start / dayMs) * dayMs; day < end && total < 400 * WORKING_DAY; day += dayMs) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const [a, b] of PERIODS) {
      const lo = Math.max(start, day + a * MINUTE);
      const hi = Math.min(end, day + b * MINUTE);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

export type DueTone = 'overdue' | 'soon' | 'ok' | 'paused' | 'none';

export interface DueWords {
  text: string;
  tone: DueTone;
}

function amount(ms: number): string {
  if (ms >= WORKING_DAY) return `${Math.floor(ms / WORKING_DAY)} ngày làm việc`;
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)} giờ làm việc`;
  return `${Math.max(1, Math.round(ms / MINUTE))} phút làm việc`;
}

export function dueWords(dueAt: string | null | undefined, opts: { pausedSince?: string | null; now?: Date } = {}): DueWords {
  if (opts.pausedSince) return { text: 'Tạm dừng tính thời hạn', tone: 'paused' };
  if (!dueAt) return { text: 'Chưa có hạn', tone: 'none' };
  const now = opts.now ?? new Date();
  const due = new Date(dueAt);
  if (due <= now) {
    const late = workingMs(due, now);
    return { text: late < MINUTE ? 'Đã đến hạn' : `Quá hạn ${amount(late)}`, tone: 'overdue' };
  }
  const left = workingMs(now, due);
  if (left < MINUTE) return { text: 'Đến hạn đầu giờ làm việc tới', tone: 'soon' };
  return { text: `Còn ${amount(left)}`, tone: left < WORKING_DAY ? 'soon' : 'ok' };
}

/** Mantine colours of each tone (the light badge's text passes AA in the theme). */
export const DUE_COLOR: Record<DueTone, string> = { overdue: 'red', soon: 'orange', ok: 'green', paused: 'gray', none: 'gray' };
