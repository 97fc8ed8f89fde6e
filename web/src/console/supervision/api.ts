import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { answer, api, ApiProblem } from '../../api/client';
import { currentToken } from '../../auth/oidc';

/**
 * The supervisor API as the console reads it (api/supervision.ts, supervision/reports.ts).
 * Interim hand types until the contract describes the 2xx bodies (issue 15, API item 1).
 */

export type WorklistView = 'due_today' | 'due_within' | 'overdue' | 'paused' | 'at_risk';
export type OnTimeGroupBy = 'agency' | 'procedure' | 'officer' | 'step';
export type SatisfactionGroupBy = 'agency' | 'officer';

export interface Count {
  key: string | null;
  name: string | null;
  count: number;
}

export interface WorklistItem {
  code: string;
  agency: { eid: string; name: string };
  procedure: { code: string; name: string };
  status: { code: string; label: string };
  assignee: { id: number; username: string; name: string } | null;
  currentStep: { step: string; label: string; dueAt: string | null } | null;
  receivedAt: string | null;
  dueAt: string | null;
  appointmentAt: string | null;
  reappointed: boolean;
  deadlineState: string | null;
  overdueBy: number | null;
  pausedSince: string | null;
}

export interface WorklistPage {
  view: WorklistView;
  asOf: string;
  days: number | null;
  agencies: Array<{ eid: string; name: string }>;
  total: number;
  counts: { agency: Count[]; procedure: Count[]; officer: Count[]; step: Count[] };
  limit: number;
  nextCursor: string | null;
  dossiers: WorklistItem[];
}

export interface Rates {
  early: number | null;
  onTime: number | null;
  late: number | null;
  onTimeOrEarly: number | null;
}

export interface OnTimeGroup {
  key: string;
  name: string;
  early: number;
  onTime: number;
  late: number;
  total: number;
  rates: Rates;
}

export interface OnTimeReport {
  groupBy: OnTimeGroupBy;
  basis: 'dossiers' | 'handoffs';
  asOf: string;
  groups: OnTimeGroup[];
  totals: Omit<OnTimeGroup, 'key' | 'name'>;
}

export interface Indicator {
  code: string;
  name: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  value: number | null;
  unit: 'percent' | 'working_days';
  threshold: number | null;
  maxPoints: number | null;
  score: number | null;
}

export interface SatisfactionTally {
  verySatisfied: number;
  satisfied: number;
  notSatisfied: number;
  total: number;
  rates: { verySatisfied: number | null; satisfied: number | null; notSatisfied: number | null; satisfiedOrBetter: number | null };
}

export interface SatisfactionReport {
  groupBy: SatisfactionGroupBy;
  asOf: string;
  groups: Array<{ key: string | null; name: string | null } & SatisfactionTally>;
  totals: SatisfactionTally;
}

/** Query parameters as the API reads them (absent values left out). */
export type Params = Record<string, string | undefined>;

const defined = (p: Params) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;

// The report paths take query parameters the contract does not list yet: one untyped GET serves them.
const get = <T>(path: string, query: Params) =>
  answer<T>((api.GET as unknown as (p: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(path, { params: { query: defined(query) } }));

// Reports change as dossiers move; a supervisor looking at them expects what is true now.
const REPORT = { staleTime: 0, placeholderData: keepPreviousData } as const;

export function useWorklist(query: Params, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['supervision', 'dossiers', defined(query)],
    queryFn: ({ pageParam }) => get<WorklistPage>('/api/v1/supervision/dossiers', { ...query, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
    staleTime: 0,
  });
}

export function useOnTime(query: Params, enabled = true) {
  return useQuery({ queryKey: ['supervision', 'on-time', defined(query)], queryFn: () => get<OnTimeReport>('/api/v1/supervision/on-time', query), enabled, ...REPORT });
}

export function useIndicators(query: Params, enabled = true) {
  return useQuery({
    queryKey: ['supervision', 'indicators', defined(query)],
    queryFn: () => get<{ asOf: string; indicators: Indicator[] }>('/api/v1/supervision/indicators', query),
    enabled,
    ...REPORT,
  });
}

export function useSatisfaction(query: Params, enabled = true) {
  return useQuery({
    queryKey: ['supervision', 'satisfaction', defined(query)],
    queryFn: () => get<SatisfactionReport>('/api/v1/supervision/satisfaction', query),
    enabled,
    ...REPORT,
  });
}

/** The agencies the officer may supervise (every agency for an administrator), as the API scopes its reports. */
export function useSupervisedAgencies() {
  return useQuery({
    queryKey: ['supervision', 'agencies'],
    queryFn: async () => (await get<WorklistPage>('/api/v1/supervision/dossiers', { view: 'paused', limit: '1' })).agencies,
    staleTime: Infinity,
  });
}

/**
 * Downloads a report as the API writes it for Excel (`format=csv`: UTF-8 with a BOM), fetched
 * with the officer's token (it lives in memory: a plain link would not carry it) and saved
 * under the API's file name.
 */
export async function downloadCsv(path: string, query: Params): Promise<void> {
  const qs = new URLSearchParams({ ...defined(query), format: 'csv' });
  let response: Response;
  try {
    response = await fetch(`${path}?${qs}`, { headers: { Authorization: `Bearer ${currentToken() ?? ''}`, Accept: 'text/csv' } });
  } catch {
    throw new ApiProblem(0, { title: 'Network error', detail: 'Không kết nối được với hệ thống. Vui lòng kiểm tra kết nối mạng và thử lại.' });
  }
  if (!response.ok) throw new ApiProblem(response.status, (await response.json().catch(() => ({}))) as { detail?: string });
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'bao-cao.csv';
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
