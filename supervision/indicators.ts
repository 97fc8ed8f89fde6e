import { toOffsetIso, type WorkingCalendar } from '../domain/calendar';
import type { IndicatorCounts } from '../db/repositories/supervision';

/**
 * The arithmetic of supervision: outcomes (early / on time / late), rates, and the
 * QĐ 766/QĐ-TTg indicators this system's data supports (docs/domain.md §9). Pure functions.
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
 * Late after the due moment; early when finished on an earlier local day (docs/domain.md §3.6, the
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

/** Counts made by SQL, in the order of the worklist summaries: largest first; the unassigned (null key) after the named ones of the same count. */
export function rankCounts<C extends { key: string | null; count: number }>(counts: readonly C[]): C[] {
  return [...counts].sort(
    (a, b) => b.count - a.count || Number(a.key === null) - Number(b.key === null) || (a.key ?? '').localeCompare(b.key ?? ''),
  );
}

/** Working hours from `due` to `asOf`, to 0.1 h: how late an overdue dossier is, on its agency's calendar. */
export function workingHoursPast(calendar: WorkingCalendar, due: Date, asOf: Date): number {
  return round(calendar.workingTimeBetween(due, asOf) / 3_600_000, 1);
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
  /** Rate (percent) earning full points; below it, points are linear (docs/domain.md §9). */
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

export type { IndicatorCounts };

/**
 * Satisfaction ratings given over [from, until) (domain/rating.ts): "Không hài lòng" is the
 * "dislike" of QĐ 766 indicator 5.4.
 */
export interface SatisfactionCounts {
  verySatisfied: number;
  satisfied: number;
  notSatisfied: number;
}

/** Counts per level as the satisfaction report shows them: total and rates (2 decimals). */
export function satisfactionTally(c: SatisfactionCounts) {
  const total = c.verySatisfied + c.satisfied + c.notSatisfied;
  return {
    ...c,
    total,
    rates: {
      verySatisfied: percent(c.verySatisfied, total),
      satisfied: percent(c.satisfied, total),
      notSatisfied: percent(c.notSatisfied, total),
      satisfiedOrBetter: percent(c.verySatisfied + c.satisfied, total),
    },
  };
}

/** The QĐ 766 indicators that the read model supports, from their counts over [from, until). */
export function indicators766(c: IndicatorCounts, ratings: SatisfactionCounts = { verySatisfied: 0, satisfied: 0, notSatisfied: 0 }): Indicator[] {
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
    // 100% − (late rate + dislike rate) over the dossiers of 2.1 = (on time − disliked) ÷ dossiers.
    rateIndicator(
      {
        code: '5.4',
        name: 'Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính',
        threshold: 90,
        maxPoints: 6,
        formula:
          "100% − (late-dossier rate + rate of dossiers rated 'Không hài lòng'), over the dossiers of 2.1. Numerator: the numerator of 2.1 less the ratings 'Không hài lòng' given in the period on dossiers of these agencies (not below 0). Denominator: the denominator of 2.1. Complaints (phản ánh, kiến nghị) are not recorded by this system and are not counted. Full score at 90%; score = min(6, rate × 6 ÷ 90).",
      },
      Math.max(0, c.onTime - ratings.notSatisfied),
      c.dossiers,
    ),
  ];
}
