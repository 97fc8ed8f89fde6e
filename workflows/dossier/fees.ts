import { condition, patched } from '@temporalio/workflow';
import { isTerminal } from '../../domain/status';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { RecordPaymentCommand } from '../contracts/dossier-v1';
import { lookup } from './proxies';
import type { Action, Dossier } from './state';

/**
 * Phí, lệ phí (docs/domain.md §6): the amount is fixed by the procedure and channel at
 * submission; payments (online, cash, transfer) are recorded in PostgreSQL first and told to the
 * workflow here. No processing while a fee due before processing is unpaid, and no hand-over of
 * any result while any fee is unpaid.
 */

/** The fee is fixed by the procedure and channel at submission (patched: older dossiers have none). */
export async function fixFeeAtSubmission(d: Dossier, carried: boolean): Promise<void> {
  if (!carried && patched('fees-v1')) {
    const due = await lookup.feeDue({ dossierId: d.input.dossierId });
    d.state.fee = { amountVnd: due.amountVnd, timing: due.timing, paid: due.amountVnd === 0, receiptCode: null, paymentId: null };
  }
}

export const recordPayment: Action<RecordPaymentCommand> = {
  validate(d, cmd) {
    const { fee } = d.state;
    if (fee.paymentId === cmd.paymentId) return;
    if (d.state.busy) d.refuse(`another action on dossier ${d.code} is in progress; retry`);
    if (isTerminal(d.state.status)) d.refuse(`dossier ${d.code} has ended (${d.state.status}); the payment must be refunded, not recorded`);
    if (fee.amountVnd === 0) d.refuse(`no fee is due for dossier ${d.code}`);
    if (fee.paid) d.refuse(`the fee for dossier ${d.code} is already paid (receipt ${fee.receiptCode})`);
    if (cmd.amountVnd !== fee.amountVnd) d.refuse(`the fee due is ${fee.amountVnd} VND, not ${cmd.amountVnd} VND`, FAILURE_TYPES.invalidInput);
  },
  async run(d, cmd) {
    const { state } = d;
    // Already told of this very payment (a redelivered callback, a reconciler pass): nothing to do.
    if (state.fee.paymentId === cmd.paymentId) return d.view();
    state.fee = { ...state.fee, paid: true, receiptCode: cmd.receiptCode, paymentId: cmd.paymentId };
    await d.transition({
      to: state.status,
      type: 'fee_paid',
      by: cmd.recordedBy ? { officerId: cmd.recordedBy, role: 'one_stop_officer' } : { applicant: true },
      projection: { feeStatus: 'paid' },
      data: { paymentId: cmd.paymentId, amountVnd: cmd.amountVnd, method: cmd.method, receiptCode: cmd.receiptCode, paidAt: cmd.paidAt },
    });
    return d.view();
  },
};

/** Không trả kết quả khi chưa nộp phí: the result waits for the payment. */
export async function awaitFeeBeforeResult(d: Dossier): Promise<void> {
  if (d.state.fee.paid) return;
  await d.notify('payment_due');
  await condition(() => d.state.fee.paid && !d.state.busy);
}
