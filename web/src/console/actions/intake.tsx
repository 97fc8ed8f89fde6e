import { AcceptIntakeDialog } from './intake-AcceptIntakeDialog';
import { HandOverResultDialog } from './intake-HandOverDialog';
import { RecordPaymentDialog } from './intake-PaymentDialog';
import { RefuseIntakeDialog } from './intake-RefuseDialog';
import { RequestIntakeSupplementDialog } from './intake-SupplementDialog';
import type { ActionRegistry } from './types';

/** The one-stop officer's dialogs: accept, supplement at intake, refuse, cash payment, hand-over. */
export const intakeActions: ActionRegistry = {
  acceptIntake: { label: 'Tiếp nhận', dialog: AcceptIntakeDialog },
  requestIntakeSupplement: { label: 'Yêu cầu bổ sung', color: 'orange', dialog: RequestIntakeSupplementDialog },
  refuseIntake: { label: 'Từ chối tiếp nhận', color: 'red', dialog: RefuseIntakeDialog },
  recordPayment: { label: 'Thu phí, lệ phí', dialog: RecordPaymentDialog },
  handOverResult: { label: 'Trả kết quả', dialog: HandOverResultDialog },
};
