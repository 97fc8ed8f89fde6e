import { useQuery } from '@tanstack/react-query';
import { answer, api, ApiProblem } from '../../api/client';
import { currentToken } from '../../auth/oidc';
import { dossierKey, type OfficerDossier } from './api';

/**
 * What the dossier page reads beside the dossier itself: the process-control sheet, the
 * deadline explained, payments, documents and the audit log. Interim hand types (as the API
 * writes them: dossiers/views.ts, calendars/deadline.ts, api/payments.ts, documents/,
 * platform/audit-trail.ts) until the contract describes these bodies. The query keys start
 * with the dossier's, so an officer action (useDossierAction) refreshes them all.
 */

export interface Handoff {
  step: string;
  giver: { userId: number | null; name: string | null; unit: string | null };
  receiver: { userId: number | null; name: string | null; unit: string | null };
  receivedAt: string | null;
  dueAt: string | null;
  doneAt: string | null;
  outcome: 'early' | 'on_time' | 'late' | null;
}

export interface DeadlineExplanation {
  code: string;
  status: string;
  receivedAt: string | null;
  appointmentAt: string | null;
  dueAt: string | null;
  explanation: string[];
  state?: 'running' | 'at_risk' | 'overdue' | 'paused' | 'stopped' | 'awaiting_fee';
  limit?: { unit: string; value?: number };
  limitMinutes?: number;
  extensionMinutes?: number;
  countedMinutes?: number;
  pausedMinutes?: number;
  remainingMinutes?: number;
  paused?: boolean;
  pausedSince?: string | null;
  overdueBy?: { workingMinutes: number; workingHours: number } | null;
  daysSkipped?: Array<{ day: string; name: string }>;
  asOf?: string;
  outcome?: { endedAt: string; endedAs: string; result: 'early' | 'on_time' | 'late' } | null;
  calendar?: { code: string; version: number };
}

export interface Payment {
  paymentId: string;
  amountVnd: number;
  method: string;
  status: string;
  paidAt: string | null;
  receiptCode: string | null;
}

export interface Payments {
  feeDueVnd: number | null;
  feeStatus: 'none' | 'unpaid' | 'paid' | null;
  feeTiming: string | null;
  payments: Payment[];
}

export interface DossierDocument {
  id: string;
  filename: string;
  name: string;
  mediaType: string;
  sizeBytes: number;
  createdAt: string;
  uploadedBy: string;
  links?: { download: string };
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: { kind: string; label: string | null; name: string | null; role: string | null } | null;
  action: string;
  target: string | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

type Untyped = (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
// The bodies are not in the contract yet: one untyped GET for the paths the page reads.
const get = <T>(path: string, code: string) => answer<T>((api.GET as unknown as Untyped)(path, { params: { path: { code } } }));

export function useProcessControl(code: string) {
  return useQuery({
    queryKey: [...dossierKey(code), 'process-control'],
    queryFn: () => get<{ code: string; handoffs: Handoff[] }>('/api/v1/dossiers/{code}/process-control', code),
    staleTime: 0,
  });
}

export function useDeadline(code: string) {
  return useQuery({
    queryKey: [...dossierKey(code), 'deadline'],
    queryFn: () => get<DeadlineExplanation>('/api/v1/dossiers/{code}/deadline', code),
    staleTime: 0,
  });
}

export function usePayments(code: string) {
  return useQuery({ queryKey: [...dossierKey(code), 'payments'], queryFn: () => get<Payments>('/api/v1/dossiers/{code}/payments', code), staleTime: 0 });
}

export function useDocuments(code: string) {
  return useQuery({
    queryKey: [...dossierKey(code), 'documents'],
    queryFn: () => get<{ code: string; documents: DossierDocument[] }>('/api/v1/dossiers/{code}/documents', code),
    staleTime: 0,
  });
}

export function useAudit(code: string, enabled: boolean) {
  return useQuery({
    queryKey: [...dossierKey(code), 'audit'],
    queryFn: () => get<{ code: string; entries: AuditEntry[] }>('/api/v1/dossiers/{code}/audit', code),
    enabled,
    staleTime: 0,
  });
}

/** A document's bytes, fetched with the officer's token (never a plain link: the token lives in memory). */
export async function fetchDocument(id: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/documents/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${currentToken() ?? ''}` } });
  } catch {
    throw new ApiProblem(0, { title: 'Network error', detail: 'Không kết nối được với hệ thống. Vui lòng kiểm tra kết nối mạng và thử lại.' });
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
    throw new ApiProblem(response.status, problem);
  }
  return response.blob();
}

/** Saves a document under its file name. */
export async function downloadDocument(doc: Pick<DossierDocument, 'id' | 'filename'>): Promise<void> {
  const url = URL.createObjectURL(await fetchDocument(doc.id));
  const a = document.createElement('a');
  a.href = url;
  a.download = doc.filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Yêu cầu bổ sung, lịch xác minh: what the citizen was asked for, and their answer (the officer view's `requests`). */
export interface CitizenRequests {
  supplement: {
    stage: 'intake' | 'processing';
    requestedAt: string | null;
    requestedBy: { fullName: string | null; role: string | null } | null;
    items: string[];
    reason: string | null;
    deadline: string | null;
    state: 'open' | 'answered' | 'closed';
    answeredAt: string | null;
    supplied: { documents: unknown[]; note: string | null } | null;
  } | null;
  visit: {
    scheduledAt: string | null;
    scheduledBy: { fullName: string | null; role: string | null } | null;
    date: string;
    from: string;
    to: string;
    place: string | null;
    officers: string[];
    purpose: string | null;
    state: 'scheduled' | 'missed' | 'recorded' | 'closed';
    outcome: string | null;
    findings: string | null;
    recordedAt: string | null;
  } | null;
}

const ENDINGS = ['closed_unsupplemented', 'withdrawn', 'cancelled', 'intake_refused'];

/**
 * The dossier's `requests` when the API sends them; else the same read off its event log (the
 * last supplement request with its answer, the last on-site visit with its outcome).
 */
export function citizenRequests(d: OfficerDossier): CitizenRequests {
  if (d.requests && typeof d.requests === 'object') return d.requests as CitizenRequests;
  // Built here from the log, so changed in place as later events answer them.
  let supplement = null as CitizenRequests['supplement'];
  let visit = null as CitizenRequests['visit'];
  for (const e of d.events ?? []) {
    const data = (e.data ?? {}) as Record<string, unknown>;
    const by = e.actor ? { fullName: e.actor.fullName ?? null, role: e.actor.role ?? null } : null;
    if (e.type === 'intake_supplement_requested' || e.type === 'supplement_requested') {
      supplement = {
        stage: e.type === 'intake_supplement_requested' ? 'intake' : 'processing',
        requestedAt: e.at,
        requestedBy: by,
        items: Array.isArray(data.items) ? (data.items as string[]) : [],
        reason: typeof data.reason === 'string' ? data.reason : null,
        deadline: typeof data.deadline === 'string' ? data.deadline : null,
        state: 'open',
        answeredAt: null,
        supplied: null,
      };
    } else if (e.type === 'supplement_submitted' && supplement?.state === 'open') {
      supplement.state = 'answered';
      supplement.answeredAt = e.at;
      supplement.supplied = { documents: Array.isArray(data.documents) ? data.documents : [], note: typeof data.note === 'string' ? data.note : null };
    } else if (e.type === 'site_visit_scheduled' || e.type === 'site_visit_rescheduled') {
      const v = (data.visit ?? {}) as { date?: string; from?: string; to?: string; place?: string; officers?: string[] };
      visit = {
        scheduledAt: e.at,
        scheduledBy: by,
        date: v.date ?? '',
        from: v.from ?? '',
        to: v.to ?? '',
        place: v.place ?? null,
        officers: Array.isArray(v.officers) ? v.officers : [],
        purpose: typeof data.purpose === 'string' ? data.purpose : null,
        state: 'scheduled',
        outcome: null,
        findings: null,
        recordedAt: null,
      };
    } else if ((e.type === 'site_visit_missed' || e.type === 'site_verified') && visit?.state === 'scheduled') {
      visit.state = e.type === 'site_visit_missed' ? 'missed' : 'recorded';
      visit.outcome = typeof data.outcome === 'string' ? data.outcome : null;
      visit.findings = typeof data.findings === 'string' ? data.findings : null;
      visit.recordedAt = e.at;
    } else if (ENDINGS.includes(e.type)) {
      if (supplement?.state === 'open') supplement.state = 'closed';
      if (visit?.state === 'scheduled') visit.state = 'closed';
    }
  }
  return { supplement, visit };
}
