import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { answer, api } from '../../api/client';
import type { components } from '../../api/schema';

/**
 * Liên thông (issue 17): the internal procedure a routed dossier runs, its inter-agency legs and
 * consultations as the lead agency sees them, and the legs as the coordinating agency works them
 * (GET /legs, GET /legs/{id}, POST /legs/{id}/<action>).
 */

export type InternalProcedure = components['schemas']['PublicInternalProcedure'];
export type ProcedureStepInfo = InternalProcedure['steps'][number];
export type DossierLeg = components['schemas']['DossierLeg'];
export type RoutedStep = components['schemas']['RoutedStep'];
export type LegItem = components['schemas']['LegWorklist']['legs'][number];
export type LegDetail = components['schemas']['LegDetail'];

/** The internal procedure in force (steps, legs' own steps, consultations with the agencies' names); public and rarely changed. */
export function useInternalProcedure(code: string | undefined) {
  return useQuery({
    queryKey: ['internal-procedure', code],
    queryFn: () => answer<InternalProcedure>(api.GET('/api/v1/procedures/{code}/internal-procedure', { params: { path: { code: code! } } })),
    enabled: !!code,
    staleTime: 5 * 60_000,
  });
}

/** Every step of the version, the legs' own steps included, by key. */
export function stepsByKey(procedure: InternalProcedure | undefined): Map<string, { key: string; name: string; unit: string; actions?: string[]; sendBackTo?: string[] }> {
  const map = new Map<string, { key: string; name: string; unit: string; actions?: string[]; sendBackTo?: string[] }>();
  for (const s of procedure?.steps ?? []) {
    map.set(s.key, s);
    for (const inner of s.steps ?? []) map.set(inner.key, inner);
  }
  return map;
}

/** The agencies named in the version (its legs and consultations), eid → name. */
export function agencyNames(procedure: InternalProcedure | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const s of procedure?.steps ?? []) if (s.agency) map.set(s.agency.eid, s.agency.name);
  for (const c of procedure?.consultations ?? []) map.set(c.agency.eid, c.agency.name);
  return map;
}

export const LEG_STATUS: Record<string, { label: string; color: string }> = {
  open: { label: 'Đang xử lý', color: 'blue' },
  result: { label: 'Đã có kết quả', color: 'teal' },
  denied: { label: 'Không giải quyết', color: 'red' },
  refused: { label: 'Trả lại cơ quan chủ trì', color: 'orange' },
  answered: { label: 'Đã trả lời', color: 'teal' },
  unanswered: { label: 'Không trả lời', color: 'gray' },
  cancelled: { label: 'Đã hủy', color: 'gray' },
};

export const LEG_KIND: Record<string, string> = {
  leg: 'Giải quyết liên thông',
  consultation: 'Xin ý kiến',
};

/** The leg's own log (workflows/leg, workflows/dossier/legs.ts), as officers say it. */
export const LEG_EVENT_LABEL: Record<string, string> = {
  leg_received: 'Tiếp nhận phần việc liên thông',
  leg_step_forwarded: 'Chuyển bước tiếp theo',
  leg_sent_back: 'Trả lại bước trước',
  leg_assignment_pending: 'Chờ phân công chuyên viên',
  leg_assigned: 'Phân công chuyên viên',
  leg_progress: 'Cập nhật tiến độ',
  leg_approved: 'Lãnh đạo phê duyệt, chuyển văn thư vào số, phát hành',
  leg_result: 'Có kết quả giải quyết',
  leg_denied: 'Không giải quyết (nêu lý do)',
  leg_refused: 'Trả lại cơ quan chủ trì',
  leg_cancelled: 'Hủy do hồ sơ dừng giải quyết',
  leg_chased: 'Cơ quan chủ trì đôn đốc',
  leg_late: 'Quá hạn',
  leg_overdue: 'Quá hạn',
  consultation_requested: 'Gửi xin ý kiến',
  consultation_received: 'Nhận yêu cầu xin ý kiến',
  consultation_answered: 'Trả lời xin ý kiến',
  consultation_late: 'Quá hạn trả lời',
};

export const legsKey = ['legs'] as const;

/** GET /legs: the open legs and consultations of the officer's agencies, the most urgent first. */
export function useLegs() {
  return useQuery({
    queryKey: legsKey,
    queryFn: () => answer<{ legs: LegItem[] }>(api.GET('/api/v1/legs', {})),
    staleTime: 0,
    refetchInterval: 30_000,
  });
}

export function useLeg(id: string) {
  return useQuery({
    queryKey: [...legsKey, id],
    queryFn: () => answer<LegDetail>(api.GET('/api/v1/legs/{id}', { params: { path: { id } } })),
    staleTime: 0,
  });
}

type Untyped = (p: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** One action on a leg (POST /legs/{id}/<path>, with an Idempotency-Key); the legs are read again afterwards. */
export function useLegAction<Body>(id: string, path: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: Body; idempotencyKey: string }) =>
      answer<unknown>((api.POST as unknown as Untyped)(`/api/v1/legs/{id}/${path}`, { params: { path: { id } }, body, headers: { 'Idempotency-Key': idempotencyKey } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: legsKey }),
  });
}
