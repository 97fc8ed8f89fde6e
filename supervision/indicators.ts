import { toOffsetIso, type WorkingCalendar } from '../domain/calendar';

/**
 * The arithmetic of supervision: outcomes (early / on time / late), rates, and the
 * QĐ 766/QĐ-TTg indicators this system's data supports (DOMAIN.md §9). Pure functions.
 */

export type Outcome = 'early' | 'on_time' | 'late';

/** Percent with 2 decimals, as the national index rounds; null when there is nothing to divide. */
export function percent(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : round(numerator * 100 / denominator, 2);
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round((value + Number.EPSILON * Math.sign(value)) * f) / f;
}

const localDate = (instant: Date) => toOffsetIso(instant).slice(0, 10);

/**
 * Late after the due moment; early when finished on an earlier local day (DOMAIN §3.6, the
 * control sheet's "trước hạn"); on time otherwise. More than one supplement request makes a
 * dossier late whatever the dates (QĐ 766). Without any due date only that rule can make it late.
 */
export function outcomeOf(end: Date, due: Date | null, supplementRequests = 0): Outcome {
  if (supplementRequests > 1) return 'late';
  if (!due) return 'on_time';
  if (end.getTime() > due.getTime()) return 'late';
  return localDate(end) < localDate(due) ? 'early' : 'on_time';
}

export interface Tally {
  early: number;
  onTime: number;
  late: number;
  total: number;
  rates: { early: number | null; onTime: number | null; late: number | null; onTimeOrEarly: number | null };
}

export function tally(outcomes: readonly Outcome[]): Tally {
  const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
  return tallyCounts(count('early'), count('on_time'), count('late'));
}

export function tallyCounts(early: number, onTime: number, late: number): Tally {
  const total = early + onTime + late;
  return {
    early,
    onTime,
    late,
    total,
    rates: { early: percent(early, total), onTime: percent(onTime, total), late: percent(late, total), onTimeOrEarly: percent(early + onTime, total) },
  };
}

/** Groups items by a key and tallies each group's outcomes, groups ordered by key. */
export function tallyBy<T>(items: readonly T[], keyOf: (item: T) => { key: string; name: string }, outcome: (item: T) => Outcome) {
  const groups = new Map<string, { key: string; name: string; outcomes: Outcome[] }>();
  for (const item of items) {
    const { key, name } = keyOf(item);
    const g = groups.get(key) ?? { key, name, outcomes: [] };
    g.outcomes.push(outcome(item));
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((g) => ({ key: g.key, name: g.name, ...tally(g.outcomes) }));
}

/** Counts per key, largest first, for the worklist summaries. */
export function countBy<T>(items: readonly T[], keyOf: (item: T) => { key: string | null; name: string | null }) {
  const counts = new Map<string, { key: string | null; name: string | null; count: number }>();
  for (const item of items) {
    const k = keyOf(item);
    const id = k.key ?? '\u0000';
    const c = counts.get(id) ?? { ...k, count: 0 };
    c.count += 1;
    counts.set(id, c);
  }
  return rankCounts([...counts.values()]);
}

/** Counts already made (by SQL) in the order of the worklist summaries: largest first; the unassigned (null key) after the named ones of the same count. */
export function rankCounts<C extends { key: string | null; count: number }>(counts: readonly C[]): C[] {
  return [...counts].sort(
    (a, b) => b.count - a.count || Number(a.key === null) - Number(b.key === null) || (a.key ?? '').localeCompare(b.key ?? ''),
  );
}

/** Working hours from `due` to `asOf`, to 0.1 h: how late an overdue dossier is, on its agency's calendar. */
export function workingHoursPast(calendar: WorkingCalendar, due: Date, asOf: Date): number {
  return round(calendar.workingTimeBetween(due, asOf) / 3_600_000, 1);
}

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
 * `until` and resumed later. A supplement request is not an end of processing (DOMAIN.md §9:
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

export interface Indicator {
  code: string;
  name: string;
  numerator: number;
  denominator: number;
  /** Percent, 2 decimals; null when the denominator is 0 or the indicator is not a rate. */
  rate: number | null;
  /** The indicator's value in its unit: the rate, or the average for 2.2. */
  value: number | null;
  unit: 'percent' | 'working_days';
  /** Rate (percent) earning full points; below it, points are linear (DOMAIN §9). */
  threshold: number | null;
  maxPoints: number | null;
  score: number | null;
  formula: string;
}

function scored(rate: number | null, threshold: number | null, maxPoints: number | null): number | null {
  if (rate === null || threshold === null || maxPoints === null) return null;
  return round(Math.min(maxPoints, (rate * maxPoints) / threshold), 2);
}

function rateIndicator(
  base: Pick<Indicator, 'code' | 'name' | 'formula' | 'threshold' | 'maxPoints'>,
  numerator: number,
  denominator: number,
): Indicator {
  const exact = denominator === 0 ? null : (numerator * 100) / denominator;
  const rate = exact === null ? null : round(exact, 2);
  return { ...base, numerator, denominator, rate, value: rate, unit: 'percent', score: scored(exact, base.threshold, base.maxPoints) };
}

/**
 * The counts behind the QĐ 766 indicators over [from, until), each as defined in its `formula`
 * (supervision/queries.ts `indicatorCounts` takes them from the read model in one statement).
 */
export interface IndicatorCounts {
  /** 2.1 denominator: received before `until` and not ended before `from`. */
  dossiers: number;
  /** 2.1 numerator: of those, ended on time or early, or still being processed and not yet past due. */
  onTime: number;
  /** 2.2: dossiers whose end of processing falls in the period… */
  ended: number;
  /** …and their total processing time in working days, less the citizen's supplement time. */
  endedWorkingDays: number;
  /** 3.3: received in the period, and of those submitted online. */
  received: number;
  receivedOnline: number;
  /** 3.6: received in the period with a fee due, and of those paid online before `until`. */
  feeBearing: number;
  paidOnline: number;
  /** 4.1: approved in the period, result a document; and of those delivered online with an e-result. */
  documentDecisions: number;
  eResults: number;
}

/** The QĐ 766 indicators that the read model supports, from their counts over [from, until). */
export function indicators766(c: IndicatorCounts): Indicator[] {
  return [
    rateIndicator(
      {
        code: '2.1',
        name: 'Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn',
        threshold: 100,
        maxPoints: 20,
        formula:
          'Numerator: dossiers whose end of processing (first decision or stop; for a dossier closed for want of a supplement or still waiting for it at the period end, the time the supplement was requested) falls in the period and is not after the legal due date (due_at, else appointment_at), with at most one supplement request; plus dossiers still being processed at the period end whose due date has not passed. Denominator: dossiers received before the period end and not ended before its start. Score = min(20, rate × 20 ÷ 100).',
      },
      c.onTime,
      c.dossiers,
    ),
    {
      code: '2.2',
      name: 'Thời gian giải quyết trung bình',
      numerator: round(c.endedWorkingDays, 2),
      denominator: c.ended,
      rate: null,
      value: c.ended ? round(c.endedWorkingDays / c.ended, 2) : null,
      unit: 'working_days',
      threshold: null,
      maxPoints: null,
      score: null,
      formula:
        "Numerator: total working days (on each agency's calendar) from receipt to the end of processing, less the time spent waiting for the citizen's supplement, of the dossiers ended in the period. Denominator: those dossiers. Value = numerator ÷ denominator. Not scored separately.",
    },
    rateIndicator(
      {
        code: '3.3',
        name: 'Tỷ lệ hồ sơ tiếp nhận trực tuyến',
        threshold: 50,
        maxPoints: null,
        formula:
          'Numerator: dossiers received in the period that were submitted online. Denominator: dossiers received in the period. Full score at 50%; its points belong to the online-service group and are not allotted here.',
      },
      c.receivedOnline,
      c.received,
    ),
    rateIndicator(
      {
        code: '3.6',
        name: 'Tỷ lệ hồ sơ thanh toán trực tuyến',
        threshold: 100,
        maxPoints: 10,
        formula:
          'Numerator: of the denominator, dossiers whose fee was paid online (through the payment gateway) before the period end. Denominator: dossiers received in the period with a fee due greater than 0. Score = min(10, rate × 10 ÷ 100).',
      },
      c.paidOnline,
      c.feeBearing,
    ),
    rateIndicator(
      {
        code: '4.1',
        name: 'Tỷ lệ hồ sơ cấp kết quả điện tử',
        threshold: 100,
        maxPoints: 6,
        formula:
          'Numerator: of the denominator, dossiers whose result is delivered online and was issued as an electronic result. Denominator: dossiers approved in the period, of procedures whose result is a document. Score = min(6, rate × 6 ÷ 100).',
      },
      c.eResults,
      c.documentDecisions,
    ),
  ];
}
