import dayjs from 'dayjs';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { inVietnam } from '../../shared/format';
import type { OnTimeGroupBy, Params, SatisfactionGroupBy, WorklistView } from './api';

/**
 * The supervisor's filters live in the address (`?tab=…&view=…&agency=…&asOf=…&from=…&to=…`):
 * a reload, a bookmark or a link sent to a colleague shows the same numbers. Dates are calendar
 * days (YYYY-MM-DD) in Việt Nam; the screen shows them as dd/mm/yyyy.
 */

export const TABS = ['han-xu-ly', 'dung-han', 'chi-so-766', 'hai-long'] as const;
export type Tab = (typeof TABS)[number];

export const VIEWS: Array<{ value: WorklistView; label: string }> = [
  { value: 'due_today', label: 'Đến hạn hôm nay' },
  { value: 'due_within', label: 'Đến hạn trong N ngày' },
  { value: 'overdue', label: 'Quá hạn' },
  { value: 'paused', label: 'Tạm dừng' },
  { value: 'at_risk', label: 'Sắp quá hạn' },
];

export const ON_TIME_GROUPS: Array<{ value: OnTimeGroupBy; label: string }> = [
  { value: 'agency', label: 'Theo cơ quan' },
  { value: 'procedure', label: 'Theo thủ tục' },
  { value: 'officer', label: 'Theo cán bộ' },
  { value: 'step', label: 'Theo bước xử lý' },
];

export const SATISFACTION_GROUPS: Array<{ value: SatisfactionGroupBy; label: string }> = [
  { value: 'agency', label: 'Theo cơ quan' },
  { value: 'officer', label: 'Theo cán bộ' },
];

export const MAX_DAYS = 60;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const realDay = (v: string | null): string | undefined => (v && DAY.test(v) && dayjs(v).format('YYYY-MM-DD') === v ? v : undefined);

export interface Filters {
  tab: Tab;
  view: WorklistView;
  days: number;
  agency?: string;
  /** Tính đến hết ngày này (absent: now). */
  asOf?: string;
  /** The period, both days included. */
  from: string;
  to: string;
  onTimeBy: OnTimeGroupBy;
  satisfactionBy: SatisfactionGroupBy;
}

/** Today in Việt Nam, YYYY-MM-DD. */
export const todayVn = () => inVietnam(new Date().toISOString()).format('YYYY-MM-DD');

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function readFilters(sp: URLSearchParams): Filters {
  const today = todayVn();
  const days = Number(sp.get('days'));
  return {
    tab: oneOf(sp.get('tab'), TABS, 'han-xu-ly'),
    view: oneOf(sp.get('view'), ['due_today', 'due_within', 'overdue', 'paused', 'at_risk'] as const, 'overdue'),
    days: Number.isInteger(days) && sp.get('days') !== null && days >= 0 && days <= MAX_DAYS ? days : 3,
    agency: sp.get('agency') || undefined,
    asOf: realDay(sp.get('asOf')),
    from: realDay(sp.get('from')) ?? `${today.slice(0, 8)}01`,
    to: realDay(sp.get('to')) ?? today,
    onTimeBy: oneOf(sp.get('onTimeBy'), ['agency', 'procedure', 'officer', 'step'] as const, 'agency'),
    satisfactionBy: oneOf(sp.get('satisfactionBy'), ['agency', 'officer'] as const, 'agency'),
  };
}

/** Why the period cannot be asked for, in Vietnamese; null when it can. */
export function periodError(f: Pick<Filters, 'from' | 'to'>): string | null {
  if (f.from > f.to) return 'Ngày kết thúc phải từ ngày bắt đầu trở đi.';
  if (dayjs(f.to).diff(dayjs(f.from), 'day') + 1 > 366) return 'Kỳ báo cáo dài tối đa 366 ngày.';
  return null;
}

/** `asOf` as the API reads it: the end of the chosen day in Việt Nam. */
export const asOfParam = (asOf: string | undefined) => (asOf ? `${asOf}T23:59:59+07:00` : undefined);

export function worklistParams(f: Filters): Params {
  return { view: f.view, days: f.view === 'due_within' ? String(f.days) : undefined, agency: f.agency, asOf: asOfParam(f.asOf) };
}

/** A period report's parameters: `to` is exclusive in the API, so the day after the last day shown. */
export function periodParams(f: Filters, groupBy?: string): Params {
  return { from: f.from, to: dayjs(f.to).add(1, 'day').format('YYYY-MM-DD'), agency: f.agency, asOf: asOfParam(f.asOf), groupBy };
}

/** The filters from the address, and a setter that writes changes back to it. */
export function useFilters(): [Filters, (change: Partial<Record<keyof Filters, string | number | undefined | null>>) => void] {
  const [sp, setSp] = useSearchParams();
  const filters = useMemo(() => readFilters(sp), [sp]);
  const set = useCallback(
    (change: Partial<Record<keyof Filters, string | number | undefined | null>>) =>
    {
      // From the address as it is now: a field may call back with a closure older than the last
      // change (Mantine's date field does), and must not undo another filter.
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(change)) {
        if (v === undefined || v === null || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      setSp(next, { replace: true });
    },
    [setSp],
  );
  return [filters, set];
}
