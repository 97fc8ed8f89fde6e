import { answer, api, ApiProblem } from '../../api/client';

/**
 * The administration API as the console reads it (api/calendars.ts, calendars/read.ts,
 * calendars/recompute.ts, api/webhooks.ts, webhooks/schemas.ts). Interim hand types until the
 * contract describes the 2xx bodies (issue 15, API item 1).
 */

type Call = (path: string, init?: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
// Paths with parameters and bodies the contract does not type yet: one untyped call per method serves them.
const untyped = (m: 'GET' | 'POST' | 'PATCH' | 'DELETE') => api[m] as unknown as Call;

export const adminGet = <T>(path: string, query?: Record<string, string | number | undefined>) =>
  answer<T>(untyped('GET')(path, query ? { params: { query: Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')) } } : undefined));
export const adminPost = <T>(path: string, body: unknown = {}) => answer<T>(untyped('POST')(path, { body }));
export const adminPatch = <T>(path: string, body: unknown) => answer<T>(untyped('PATCH')(path, { body }));
export const adminDelete = (path: string) => answer<unknown>(untyped('DELETE')(path));

/** The API's 422 field errors (`days[0].name`, `reason`, …) by field, for the form to show beside each. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiProblem) || (err.status !== 422 && err.status !== 400)) return {};
  const list = (err.problem as { errors?: Array<{ field: string; message: string }> }).errors ?? [];
  const out: Record<string, string> = {};
  for (const e of list) out[e.field] ??= e.message;
  return out;
}

// ------------------------------------------------------------------ calendars

export interface CalendarSummary {
  code: string;
  name: string;
  latestVersion: number;
  base: { code: string; version: number } | null;
  coverage: { from: string; to: string };
  agencies: number;
  changeReason: string | null;
  createdAt: string;
}

export interface CalendarDay {
  day: string;
  kind: 'day_off' | 'working_day';
  name: string;
  provisional: boolean;
  source: string;
}

export interface CalendarVersion {
  code: string;
  name: string;
  version: number;
  latestVersion: number;
  weeklyHours: Record<string, Array<{ start: string; end: string }>>;
  coverage: { from: string; to: string };
  base: { code: string; version: number } | null;
  days: CalendarDay[];
  createdBy: { username: string; fullName: string } | null;
  changeReason: string | null;
  createdAt: string;
  agencies: Array<{ eid: string; name: string }>;
  versions: Array<{ version: number; base: { code: string; version: number } | null; createdBy: string | null; changeReason: string | null; createdAt: string }>;
}

export interface RecomputePreview {
  calendar: { code: string; version: number };
  count: number;
  changed: number;
  dossiers: Array<{ code: string; fromVersion: number; oldDueAt: string | null; newDueAt: string | null; changed: boolean; note?: string }>;
}

export interface Recomputation {
  id: number;
  calendar: { code: string; version: number };
  reason: string;
  requestedBy: { userId: number; username: string };
  createdAt: string;
  finishedAt: string | null;
  dossiers: Array<{ code: string; fromVersion: number; oldDueAt: string | null; newDueAt: string | null; applied: boolean; error?: string }>;
}

// ------------------------------------------------------------------ webhooks

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';

export interface Subscription {
  id: number;
  name: string;
  url: string;
  events: string[];
  agencyEid: string | null;
  active: boolean;
  createdAt: string;
  createdBy: string | null;
  deliveries?: Partial<Record<DeliveryStatus, number>>;
}

export interface Attempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number | null;
}

export interface Delivery {
  id: number;
  subscriptionId: number;
  eventId: string;
  eventType: string;
  dossierCode: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  enqueuedAt: string | null;
  deliveredAt: string | null;
  attempts: Attempt[];
}

export interface PingResult {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}
