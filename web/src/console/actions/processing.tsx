import { AssignDialog, CancelDialog, DecideDialog, ExtendDeadlineDialog, PauseClockDialog, ReappointDialog, ResumeClockDialog } from '../processing/leader';
import { ClaimDialog, ProcessingSupplementDialog, ProposeDecisionDialog, RecordVerificationDialog, ReleaseDialog, ScheduleVerificationDialog } from '../processing/specialist';
import { ChaseLegDialog, ConsultDialog, ForwardStepDialog, IssueResultDialog, SendBackDialog } from '../processing/steps';
import type { ActionRegistry } from './types';

/** The specialist's and the leader's dialogs: claim, release, assign, supplement, visit, proposal, decision, extension, clock, reappointment, cancel. */
export const processingActions: ActionRegistry = {
  assign: { label: 'Phân công', dialog: AssignDialog },
  claim: { label: 'Nhận xử lý', dialog: ClaimDialog },
  release: { label: 'Trả để phân công lại', color: 'orange', dialog: ReleaseDialog },
  requestSupplement: { label: 'Yêu cầu bổ sung khi thẩm định', dialog: ProcessingSupplementDialog },
  scheduleVerification: { label: 'Lên lịch xác minh', dialog: ScheduleVerificationDialog },
  recordVerification: { label: 'Ghi kết quả xác minh', dialog: RecordVerificationDialog },
  proposeDecision: { label: 'Đề xuất giải quyết', dialog: ProposeDecisionDialog },
  decide: { label: 'Quyết định', dialog: DecideDialog },
  extendDeadline: { label: 'Gia hạn', dialog: ExtendDeadlineDialog },
  pauseClock: { label: 'Tạm dừng tính thời hạn', color: 'orange', dialog: PauseClockDialog },
  resumeClock: { label: 'Tiếp tục tính thời hạn', dialog: ResumeClockDialog },
  reappoint: { label: 'Xin lỗi, hẹn lại', color: 'orange', dialog: ReappointDialog },
  cancel: { label: 'Dừng giải quyết', color: 'red', dialog: CancelDialog },
  // Routed dossiers (issue 17): the steps of the pinned internal procedure, other agencies.
  forwardStep: { label: 'Chuyển bước tiếp theo', dialog: ForwardStepDialog },
  sendBack: { label: 'Trả lại bước trước', color: 'orange', dialog: SendBackDialog },
  issueResult: { label: 'Vào số, phát hành kết quả', dialog: IssueResultDialog },
  consult: { label: 'Xin ý kiến cơ quan phối hợp', dialog: ConsultDialog },
  chaseLeg: { label: 'Đôn đốc cơ quan phối hợp', color: 'orange', dialog: ChaseLegDialog },
};
