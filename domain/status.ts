/**
 * Dossier processing statuses (tình trạng xử lý hồ sơ).
 * `code` is stable and meant for machines; `label` is what citizens read.
 * The set already covers the whole lifecycle of DOMAIN.md §2.3 so later branches
 * extend transitions rather than rename states.
 */
export const DOSSIER_STATUSES = {
  SUBMITTED: { label: 'Đã nộp, chờ tiếp nhận', public: true, terminal: false },
  SUPPLEMENT_AT_INTAKE: { label: 'Yêu cầu bổ sung hồ sơ', public: true, terminal: false },
  REFUSED_AT_INTAKE: { label: 'Từ chối tiếp nhận', public: true, terminal: true },
  RECEIVED: { label: 'Đã tiếp nhận', public: true, terminal: false },
  IN_REVIEW: { label: 'Đang xử lý', public: true, terminal: false },
  AWAITING_DECISION: { label: 'Chờ lãnh đạo phê duyệt', public: true, terminal: false },
  APPROVED: { label: 'Đã có kết quả', public: true, terminal: false },
  RESULT_DELIVERED: { label: 'Đã trả kết quả', public: true, terminal: false },
  COMPLETED: { label: 'Hoàn thành', public: true, terminal: true },
} as const;

export type DossierStatus = keyof typeof DOSSIER_STATUSES;

const TRANSITIONS: Record<DossierStatus, readonly DossierStatus[]> = {
  SUBMITTED: ['RECEIVED', 'SUPPLEMENT_AT_INTAKE', 'REFUSED_AT_INTAKE'],
  SUPPLEMENT_AT_INTAKE: ['SUBMITTED'],
  REFUSED_AT_INTAKE: [],
  RECEIVED: ['IN_REVIEW'],
  IN_REVIEW: ['AWAITING_DECISION'],
  AWAITING_DECISION: ['APPROVED', 'IN_REVIEW'],
  APPROVED: ['RESULT_DELIVERED'],
  RESULT_DELIVERED: ['COMPLETED'],
  COMPLETED: [],
};

export function canTransition(from: DossierStatus, to: DossierStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function statusLabel(status: DossierStatus): string {
  return DOSSIER_STATUSES[status].label;
}

export function isDossierStatus(value: string): value is DossierStatus {
  return Object.prototype.hasOwnProperty.call(DOSSIER_STATUSES, value);
}
