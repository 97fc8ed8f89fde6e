import type { WorkingCalendar } from './calendar';

/**
 * When a dossier's processing ended and how much working time it took, for QĐ 766 (docs/domain.md §9):
 * the facts the read model keeps per dossier (db/repositories/dossier-events.ts `refreshProcessingFacts`)
 * and the supervisor reports aggregate. Pure functions of the event log and a calendar.
 */

/** Event types that end processing (QĐ 766 indicator 2.1): the decision or a stop. */
export const END_EVENT_TYPES: readonly string[] = ['approved', 'denied', 'withdrawn', 'cancelled'];

/**
 * Spans spent waiting for the citizen's supplement (status SUPPLEMENT_REQUESTED), cut at `end`.
 * QĐ 766 takes the citizen's time out of the processing time.
 */
export function citizenWaits(changes: ReadonlyArray<{ at: Date; toStatus: string }>, end: Date): Array<[Date, Date]> {
  const spans: Array<[Date, Date]> = [];
  let since: Date | null = null;
  for (const c of changes) {
    if (c.at.getTime() >= end.getTime()) break;
    if (c.toStatus === 'SUPPLEMENT_REQUESTED') since ??= c.at;
    else if (since) {
      spans.push([since, c.at]);
      since = null;
    }
  }
  if (since) spans.push([since, end]);
  return spans;
}

/** Working time from receipt to the end of processing, less the citizen's supplement time, in ms (never below 0). */
export function processingWorkingMs(calendar: WorkingCalendar, receivedAt: Date, end: Date, waits: ReadonlyArray<[Date, Date]>): number {
  let ms = calendar.workingTimeBetween(receivedAt, end);
  for (const [s, e] of waits) {
    const from = s < receivedAt ? receivedAt : s;
    const to = e > end ? end : e;
    ms -= calendar.workingTimeBetween(from, to);
  }
  return Math.max(0, ms);
}

/** One event of a dossier's log, as the QĐ 766 facts read it. */
export interface LoggedEvent {
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  at: Date;
}

/**
 * What the QĐ 766 report keeps per dossier (the read model's columns of the same names),
 * from its event log in `seq` order:
 * - `endedAt`/`endKind`: the first decision (approved, denied) or stop (withdrawn, cancelled);
 * - `awaitingCitizenSince`: when the supplement the dossier is still waiting for was requested —
 *   set on entering SUPPLEMENT_REQUESTED, kept when the wait ends in CLOSED_UNSUPPLEMENTED or in a
 *   stop, cleared when the citizen's supplement brings the dossier back into processing;
 * - `approvedAt`: the first approval.
 *
 * The report's end of processing as of an instant `until` is then `endedAt` when before `until`,
 * else `awaitingCitizenSince` when before `until`, else none (still being processed): the rule
 * the event log gave as of `until`, except for a dossier that was waiting for the citizen at
 * `until` and resumed later. A supplement request is not an end of processing (docs/domain.md §9:
 * the end is the first of processed, returned, stopped/refused, and the citizen's supplement time
 * is subtracted); once the citizen has supplemented, the dossier was being processed with its
 * clock paused, so it counts as still being processed at `until` (on time while its due date has
 * not passed), and its end is its eventual decision or stop.
 */
export function processingEnd(events: readonly LoggedEvent[]): {
  endedAt: Date | null;
  endKind: 'decision' | 'stop' | null;
  awaitingCitizenSince: Date | null;
  approvedAt: Date | null;
} {
  let end: LoggedEvent | null = null;
  let approvedAt: Date | null = null;
  let awaiting: Date | null = null;
  for (const e of events) {
    if (END_EVENT_TYPES.includes(e.type) && (!end || e.at < end.at)) end = e;
    if (e.type === 'approved' && (!approvedAt || e.at < approvedAt)) approvedAt = e.at;
    // A wait ended by a stop stays what it was: the stop comes after it.
    if (end || e.toStatus === null) continue;
    if (e.toStatus === 'SUPPLEMENT_REQUESTED') {
      if (e.fromStatus !== 'SUPPLEMENT_REQUESTED') awaiting = e.at;
    } else if (e.toStatus !== 'CLOSED_UNSUPPLEMENTED') awaiting = null;
  }
  return {
    endedAt: end?.at ?? null,
    endKind: end ? (['approved', 'denied'].includes(end.type) ? 'decision' : 'stop') : null,
    awaitingCitizenSince: awaiting,
    approvedAt,
  };
}
