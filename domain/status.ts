/**
 * Dossier processing statuses (tình trạng xử lý hồ sơ).
 * `code` is stable and meant for machines; `label` is what citizens read.
 * Business state only: fees, delivery and portal sync keep their own states (docs/domain.md §2.3).
 */
export const DOSSIER_STATUSES = {
  SUBMITTED: { label: 'Đã nộp, chờ tiếp nhận', terminal: false },
  SUPPLEMENT_AT_INTAKE: { label: 'Yêu cầu bổ sung hồ sơ', terminal: false },
  CLOSED_UNSUPPLEMENTED: { label: 'Đóng hồ sơ do không bổ sung đúng hạn', terminal: true },
  REFUSED_AT_INTAKE: { label: 'Từ chối tiếp nhận', terminal: true },
  RECEIVED: { label: 'Đã tiếp nhận', terminal: false },
  IN_REVIEW: { label: 'Đang xử lý', terminal: false },
  SUPPLEMENT_REQUESTED: { label: 'Yêu cầu bổ sung hồ sơ trong quá trình giải quyết', terminal: false },
  SITE_VERIFICATION: { label: 'Đang xác minh, kiểm tra thực địa', terminal: false },
  AWAITING_DECISION: { label: 'Chờ lãnh đạo phê duyệt', terminal: false },
  APPROVED: { label: 'Đã có kết quả', terminal: false },
  DENIED: { label: 'Không đủ điều kiện giải quyết', terminal: true },
  RESULT_IN_TRANSIT: { label: 'Đang chuyển phát kết quả qua bưu chính', terminal: false },
  RESULT_RETURNED: { label: 'Bưu chính chuyển hoàn kết quả, mời nhận tại Bộ phận Một cửa', terminal: false },
  RESULT_DELIVERED: { label: 'Đã trả kết quả', terminal: false },
  COMPLETED: { label: 'Hoàn thành', terminal: true },
  WITHDRAWN: { label: 'Công dân yêu cầu rút hồ sơ', terminal: true },
  CANCELLED: { label: 'Dừng xử lý', terminal: true },
} as const;

export type DossierStatus = keyof typeof DOSSIER_STATUSES;

/** States from which the citizen may withdraw or an officer stop the dossier: no decision issued yet (ND 118 art. 21). */
export const STOPPABLE: readonly DossierStatus[] = [
  'SUBMITTED',
  'SUPPLEMENT_AT_INTAKE',
  'RECEIVED',
  'IN_REVIEW',
  'SUPPLEMENT_REQUESTED',
  'SITE_VERIFICATION',
  'AWAITING_DECISION',
];

/**
 * Received and not yet decided: the legal clock runs (or is paused) and the dossier is someone's
 * work in hand. A specialist's load is their dossiers in these states.
 */
export const OPEN_STATUSES = ['RECEIVED', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', 'SITE_VERIFICATION', 'AWAITING_DECISION'] as const satisfies readonly DossierStatus[];

/** Waiting for the citizen to supplement: the deadline timer runs. */
export const AWAITING_SUPPLEMENT: readonly DossierStatus[] = ['SUPPLEMENT_AT_INTAKE', 'SUPPLEMENT_REQUESTED'];

const TRANSITIONS: Record<DossierStatus, readonly DossierStatus[]> = {
  SUBMITTED: ['RECEIVED', 'SUPPLEMENT_AT_INTAKE', 'REFUSED_AT_INTAKE', 'WITHDRAWN', 'CANCELLED'],
  SUPPLEMENT_AT_INTAKE: ['SUBMITTED', 'CLOSED_UNSUPPLEMENTED', 'WITHDRAWN', 'CANCELLED'],
  CLOSED_UNSUPPLEMENTED: [],
  REFUSED_AT_INTAKE: [],
  RECEIVED: ['IN_REVIEW', 'WITHDRAWN', 'CANCELLED'],
  // Back to RECEIVED when the specialist releases it for someone else.
  IN_REVIEW: ['AWAITING_DECISION', 'RECEIVED', 'SUPPLEMENT_REQUESTED', 'SITE_VERIFICATION', 'WITHDRAWN', 'CANCELLED'],
  SUPPLEMENT_REQUESTED: ['IN_REVIEW', 'CLOSED_UNSUPPLEMENTED', 'WITHDRAWN', 'CANCELLED'],
  SITE_VERIFICATION: ['IN_REVIEW', 'WITHDRAWN', 'CANCELLED'],
  AWAITING_DECISION: ['APPROVED', 'DENIED', 'IN_REVIEW', 'WITHDRAWN', 'CANCELLED'],
  APPROVED: ['RESULT_DELIVERED', 'RESULT_IN_TRANSIT'],
  RESULT_IN_TRANSIT: ['RESULT_DELIVERED', 'RESULT_RETURNED'],
  RESULT_RETURNED: ['RESULT_DELIVERED'],
  DENIED: [],
  RESULT_DELIVERED: ['COMPLETED'],
  COMPLETED: [],
  WITHDRAWN: [],
  CANCELLED: [],
};

/** Events that keep the status (reassignment, notes) are always allowed on a live dossier. */
export function canTransition(from: DossierStatus, to: DossierStatus): boolean {
  return (from === to && !DOSSIER_STATUSES[from].terminal) || TRANSITIONS[from].includes(to);
}

export function statusLabel(status: DossierStatus): string {
  return DOSSIER_STATUSES[status].label;
}

export function isTerminal(status: DossierStatus): boolean {
  return DOSSIER_STATUSES[status].terminal;
}

export function isDossierStatus(value: string): value is DossierStatus {
  return Object.prototype.hasOwnProperty.call(DOSSIER_STATUSES, value);
}
