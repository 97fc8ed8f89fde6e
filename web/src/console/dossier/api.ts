import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { answer, api } from '../../api/client';
import type { components } from '../../api/schema';

/**
 * The officer's view of a dossier (GET /api/v1/dossiers/{code}), as far as the console reads it.
 * Interim hand type until the contract describes the body (issue 15, API item 1): then the
 * generated `components['schemas']` type replaces it.
 */
export interface OfficerDossier {
  code: string;
  status: { code: string; label: string };
  procedure?: { code: string; name: string } & Record<string, unknown>;
  agency?: { eid: string; name: string } & Record<string, unknown>;
  applicant?: { fullName: string; idNumber: string; phone?: string | null; email?: string | null; address?: string | null };
  receivedAt?: string | null;
  appointmentAt?: string | null;
  assignee?: { userId: number; fullName: string } | null;
  /** The actions the signed-in officer may take now (Update names), from the workflow's own rules. */
  allowedActions?: string[];
  channel?: string;
  deliveryMethod?: string;
  submittedAt?: string | null;
  deadline?: { dueAt: string | null; state: string | null; pausedSince: string | null; reappointed: boolean; escalationLevel: number } | null;
  resultNumber?: string | null;
  /** Thành phần hồ sơ: each checklist item and the documents that supply it. */
  checklist?: {
    items: Array<{ item: number; name: string; required: boolean; status: string; documents: Array<{ documentId?: string; name: string }> }>;
    unmatched?: Array<{ documentId?: string; name: string }>;
  };
  /** What the citizen was asked for (see detail-api.ts CitizenRequests). */
  requests?: unknown;
  /** Routed dossiers (issue 17): the internal procedure version pinned at receipt. */
  procedureVersion?: { procedureCode: string; version: number; isDefault: boolean } | null;
  /** The step of the pinned version the dossier is at: who holds it and its due time. */
  step?: components['schemas']['RoutedStep'] | null;
  /** Inter-agency legs and consultations of the dossier. */
  legs?: Array<components['schemas']['DossierLeg']>;
  /** The agency whose delay made the dossier late. */
  faultAgencyEid?: string | null;
  events?: Array<{ seq: number; type: string; from: string | null; to: string | null; actor: { fullName?: string; role?: string } | null; at: string; data: unknown }>;
  [key: string]: unknown;
}

export const dossierKey = (code: string) => ['dossier', code] as const;

export function useDossier(code: string) {
  return useQuery({
    queryKey: dossierKey(code),
    queryFn: () => answer<OfficerDossier>(api.GET('/api/v1/dossiers/{code}', { params: { path: { code } } })),
    // An officer's screen follows the dossier: another officer's action shows without a reload.
    staleTime: 0,
    // A delivered result completes the dossier a moment later, by the workflow alone (no officer
    // acts, nothing else reads the dossier again): without this the page would say "Đã trả kết
    // quả" until a reload (journey 8).
    refetchInterval: (q) => (q.state.data?.status.code === 'RESULT_DELIVERED' && q.state.dataUpdateCount < 60 ? 1000 : false),
  });
}

/**
 * Runs an officer action on a dossier: POST `/api/v1/dossiers/{code}/<path>` with `body` and an
 * Idempotency-Key (a double submit makes one action). Afterwards, success or refusal (a 409 says
 * what changed meanwhile), the dossier and the worklists are read again.
 */
export function useDossierAction<Body>(code: string, path: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: Body; idempotencyKey: string }) =>
      answer<unknown>(
        // The action paths are typed in the generated client; one helper serves them all.
        (api.POST as unknown as (p: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(`/api/v1/dossiers/{code}/${path}`, {
          params: { path: { code } },
          body,
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      ),
    onSettled: () => {
      // What continues after the answer (the specialist's assignment, a step's arrival, a
      // consultation's leg: issue 18) lands a moment later: the dossier is read again then too.
      for (const ms of [1000, 3000]) setTimeout(() => void queryClient.invalidateQueries({ queryKey: dossierKey(code) }), ms);
      return Promise.all([queryClient.invalidateQueries({ queryKey: dossierKey(code) }), queryClient.invalidateQueries({ queryKey: ['worklist'] })]);
    },
  });
}
