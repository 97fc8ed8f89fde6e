/**
 * How the dossier page names what the API sends as codes: event types of the workflow's log,
 * roles, steps of the process-control sheet, outcomes, audit actions. Vietnamese as the one-stop
 * centre says it (Nghị định 118/2025/NĐ-CP, Thông tư 03/2025/TT-VPCP).
 */

/** Each event type the workflow logs (workflows/dossier/*, dossiers/submission.ts). */
export const EVENT_LABEL: Record<string, string> = {
  submitted: 'Nộp hồ sơ',
  fee_paid: 'Nộp phí, lệ phí',
  intake_accepted: 'Tiếp nhận hồ sơ',
  intake_supplement_requested: 'Yêu cầu bổ sung hồ sơ khi tiếp nhận',
  intake_refused: 'Từ chối tiếp nhận hồ sơ',
  supplement_requested: 'Yêu cầu bổ sung hồ sơ trong quá trình giải quyết',
  supplement_submitted: 'Công dân bổ sung hồ sơ',
  closed_unsupplemented: 'Kết thúc do không bổ sung hồ sơ đúng hạn',
  assignment_pending: 'Chờ lãnh đạo phân công xử lý',
  assigned: 'Phân công chuyên viên xử lý',
  reassigned: 'Phân công lại chuyên viên xử lý',
  claimed: 'Chuyên viên nhận xử lý hồ sơ',
  released: 'Chuyên viên trả lại hồ sơ chờ phân công',
  site_visit_scheduled: 'Lên lịch xác minh thực địa',
  site_visit_rescheduled: 'Đổi lịch xác minh thực địa',
  site_visit_missed: 'Không thực hiện được buổi xác minh',
  site_verified: 'Ghi nhận kết quả xác minh thực địa',
  approval_proposed: 'Đề xuất phê duyệt',
  denial_proposed: 'Đề xuất từ chối giải quyết',
  returned_to_specialist: 'Lãnh đạo trả lại chuyên viên',
  approved: 'Lãnh đạo phê duyệt kết quả',
  denied: 'Lãnh đạo từ chối giải quyết',
  deadline_extended: 'Gia hạn thời gian giải quyết',
  clock_paused: 'Tạm dừng tính thời gian giải quyết',
  clock_resumed: 'Tiếp tục tính thời gian giải quyết',
  reappointed: 'Xin lỗi và hẹn lại ngày trả kết quả',
  deadline_at_risk: 'Cảnh báo sắp đến hạn',
  deadline_overdue: 'Hồ sơ quá hạn giải quyết',
  deadline_escalated: 'Nhắc lãnh đạo hồ sơ quá hạn',
  calendar_rebased: 'Tính lại hạn theo lịch làm việc mới',
  result_delivered_online: 'Trả kết quả điện tử',
  result_handed_over: 'Trả kết quả tại Bộ phận Một cửa',
  result_posted: 'Gửi kết quả qua bưu chính',
  result_delivered_by_post: 'Bưu chính đã phát kết quả',
  result_returned_by_post: 'Bưu chính hoàn trả kết quả',
  postal_refused: 'Bưu chính không nhận gửi kết quả',
  withdrawn: 'Công dân rút hồ sơ',
  cancelled: 'Hủy hồ sơ',
  completed: 'Hoàn thành',
  // Internal procedures and inter-agency processing (issue 17).
  step_entered: 'Chuyển đến bước xử lý',
  step_forwarded: 'Chuyển bước tiếp theo',
  sent_back: 'Trả lại bước trước',
  result_issued: 'Vào số, phát hành kết quả',
  leg_started: 'Chuyển cơ quan phối hợp xử lý (liên thông)',
  leg_progress: 'Cơ quan phối hợp chuyển bước xử lý',
  leg_late: 'Cơ quan phối hợp quá hạn xử lý',
  leg_result: 'Cơ quan phối hợp trả kết quả',
  leg_denied: 'Cơ quan phối hợp không giải quyết',
  leg_refused: 'Cơ quan phối hợp trả lại hồ sơ',
  leg_chased: 'Đôn đốc cơ quan phối hợp',
  consultation_requested: 'Xin ý kiến cơ quan phối hợp',
  consultation_answered: 'Cơ quan phối hợp có ý kiến',
  consultation_late: 'Cơ quan được xin ý kiến quá hạn trả lời',
  consultation_unanswered: 'Cơ quan được xin ý kiến không trả lời đúng hạn',
};

export const eventLabel = (type: string) => EVENT_LABEL[type] ?? type.replace(/_/g, ' ');

/** Who acted (officer roles as /me names them, plus the applicant and the system). */
export const ROLE_LABEL: Record<string, string> = {
  one_stop_officer: 'Cán bộ Bộ phận Một cửa',
  specialist: 'Chuyên viên xử lý',
  leader: 'Lãnh đạo',
  supervisor: 'Giám sát',
  admin: 'Quản trị hệ thống',
  applicant: 'Người nộp hồ sơ',
  citizen: 'Người nộp hồ sơ',
  system: 'Hệ thống',
};

export const roleLabel = (role: string | null | undefined) => (role ? (ROLE_LABEL[role] ?? role) : 'Hệ thống');

/** The steps of the process-control sheet (as supervision/reports.ts STEP_LABELS and Form 06). */
export const STEP_LABEL: Record<string, string> = {
  intake: 'Tiếp nhận hồ sơ',
  citizen_supplement: 'Công dân bổ sung hồ sơ',
  assignment: 'Phân công xử lý',
  review: 'Thẩm định, xử lý hồ sơ',
  verification: 'Xác minh, kiểm tra thực địa',
  decision: 'Phê duyệt kết quả',
  result: 'Trả kết quả',
  postal: 'Chuyển phát qua bưu chính',
  relay: 'Chuyển hồ sơ',
  approval: 'Trình, cho ý kiến',
  issue: 'Vào số, phát hành kết quả',
  leg: 'Giải quyết liên thông tại cơ quan khác',
  consultation: 'Xin ý kiến cơ quan khác',
};

export const stepLabel = (step: string) => STEP_LABEL[step] ?? step;

/** A step's or the dossier's outcome against its due date: coloured and said in words. */
export const OUTCOME: Record<string, { label: string; color: string }> = {
  early: { label: 'Trước hạn', color: 'teal' },
  on_time: { label: 'Đúng hạn', color: 'blue' },
  late: { label: 'Quá hạn', color: 'red' },
};

export const DELIVERY_LABEL: Record<string, string> = {
  online: 'Nhận kết quả trực tuyến',
  counter: 'Nhận kết quả tại Bộ phận Một cửa',
  postal: 'Nhận kết quả qua bưu chính',
};

export const PAYMENT_STATUS: Record<string, { label: string; color: string }> = {
  paid: { label: 'Đã thanh toán', color: 'teal' },
  pending: { label: 'Đang chờ thanh toán', color: 'yellow' },
  failed: { label: 'Không thành công', color: 'red' },
  expired: { label: 'Hết hạn thanh toán', color: 'gray' },
  cancelled: { label: 'Đã hủy', color: 'gray' },
};

export const UPLOADED_BY: Record<string, string> = {
  citizen: 'Công dân tải lên',
  officer: 'Cán bộ tải lên',
};

/** Officer actions as the audit log names them by route (POST /api/v1/dossiers/:code/<path>). */
const ACTION_PATH_LABEL: Record<string, string> = {
  'intake/accept': 'Tiếp nhận hồ sơ',
  'intake/supplement-request': 'Yêu cầu bổ sung hồ sơ khi tiếp nhận',
  'intake/refuse': 'Từ chối tiếp nhận hồ sơ',
  payments: 'Thu phí, lệ phí tại quầy',
  documents: 'Tải giấy tờ lên hồ sơ',
  assignment: 'Phân công chuyên viên',
  claim: 'Nhận xử lý hồ sơ',
  release: 'Trả hồ sơ chờ phân công',
  'review/supplement-request': 'Yêu cầu bổ sung hồ sơ trong quá trình giải quyết',
  'review/proposal': 'Đề xuất kết quả giải quyết',
  verification: 'Lên lịch xác minh thực địa',
  'verification/record': 'Ghi nhận kết quả xác minh',
  decision: 'Quyết định của lãnh đạo',
  'deadline/extension': 'Gia hạn thời gian giải quyết',
  'clock/pause': 'Tạm dừng tính thời gian',
  'clock/resume': 'Tiếp tục tính thời gian',
  'deadline/reappointment': 'Xin lỗi và hẹn lại ngày trả kết quả',
  rating: 'Công dân đánh giá',
  'result/handover': 'Trả kết quả tại quầy',
  cancel: 'Hủy hồ sơ',
  supplement: 'Công dân bổ sung hồ sơ',
  withdraw: 'Công dân rút hồ sơ',
};

/** "dossier.fee_paid" → the event's label; "POST /api/v1/dossiers/:code/intake/accept" → the action's. */
export function auditActionLabel(action: string): string {
  if (action.startsWith('dossier.')) return eventLabel(action.slice('dossier.'.length));
  const m = /^(POST|PUT|PATCH|DELETE) \/api\/v1\/(?:citizen\/)?dossiers(?:\/:code)?\/?(.*)$/.exec(action);
  if (m) {
    if (!m[2]) return 'Nộp hồ sơ';
    return ACTION_PATH_LABEL[m[2]] ?? m[2];
  }
  return action;
}
