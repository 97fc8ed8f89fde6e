/**
 * An on-site visit's planned window (xác minh, kiểm tra thực địa; docs/domain.md §3.9): a local
 * date and hours in Việt Nam time (UTC+7, no daylight saving), as officers type them.
 */
export interface VisitWindow {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  from: string;
  to: string;
}

/** The instant the visit starts, ISO with its +07:00 offset. */
export function visitStart(v: VisitWindow): string {
  return `${v.date}T${v.from}:00+07:00`;
}

/** The instant the visit ends, ISO with its +07:00 offset. */
export function visitEnd(v: VisitWindow): string {
  return `${v.date}T${v.to}:00+07:00`;
}

/** "từ 08:00 đến 10:00 ngày 30/11/2026", as messages to people say it. */
export function visitWindowText(v: VisitWindow): string {
  return `từ ${v.from} đến ${v.to} ngày ${v.date.slice(8, 10)}/${v.date.slice(5, 7)}/${v.date.slice(0, 4)}`;
}

/**
 * Whether a visit starting at `startMs` lies in the past at `nowMs`. Visits are given to the
 * minute, so one starting in the current minute is not past: it is taking place now.
 */
export function visitIsPast(startMs: number, nowMs: number): boolean {
  return startMs < Math.floor(nowMs / 60_000) * 60_000;
}
