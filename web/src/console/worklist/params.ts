import type { paths } from '../../api/schema';

export type WorklistQuery = NonNullable<paths['/api/v1/dossiers']['get']['parameters']['query']>;
export type QueueKey = NonNullable<WorklistQuery['queue']>;

/**
 * The worklist's filters as they stand in the address bar, in Vietnamese (a reload, a link
 * sent to a colleague or a saved search brings the same list back), and the API's query names
 * they map to. Values stay the API's codes (statuses, procedures, channels), except the
 * assignee: `toi` (me) and `chua-giao` (unassigned).
 */
export const URL_PARAM = {
  queue: 'hang',
  status: 'trang-thai',
  procedure: 'thu-tuc',
  assignee: 'nguoi-xu-ly',
  channel: 'kenh',
  receivedFrom: 'nhan-tu',
  receivedTo: 'nhan-den',
  dueFrom: 'han-tu',
  dueTo: 'han-den',
  q: 'tim',
  sort: 'sap-xep',
  order: 'thu-tu',
} as const satisfies Partial<Record<keyof WorklistQuery, string>>;
export type FilterKey = keyof typeof URL_PARAM;

const ASSIGNEE_TO_API: Record<string, string> = { toi: 'me', 'chua-giao': 'none' };

/** The API's query for the filters in the address (`search`). */
export function apiQuery(search: URLSearchParams): WorklistQuery {
  const q: Record<string, string> = {};
  for (const [key, name] of Object.entries(URL_PARAM)) {
    const v = search.get(name)?.trim();
    if (!v) continue;
    q[key] = key === 'assignee' ? (ASSIGNEE_TO_API[v] ?? v) : v;
  }
  return q as WorklistQuery;
}

/** Whether any filter besides the queue is set (the "clear filters" button shows then). */
export function hasFilters(search: URLSearchParams): boolean {
  return Object.entries(URL_PARAM).some(([key, name]) => key !== 'queue' && key !== 'sort' && key !== 'order' && !!search.get(name));
}

/** The address query with one filter changed (empty removes it). */
export function withParam(search: URLSearchParams, key: FilterKey, value: string | null | undefined): URLSearchParams {
  const next = new URLSearchParams(search);
  if (value) next.set(URL_PARAM[key], value);
  else next.delete(URL_PARAM[key]);
  return next;
}
