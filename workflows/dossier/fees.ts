import { condition, patched } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { RecordPaymentCommand } from '../contracts/dossier-v1';
import type { ProjectionFields } from '../../activities';
import type { ClockEntry } from '../../domain/clock-ledger';
import type { Action, Dossier } from './state';

/**
 * Phí, lệ phí (docs/domain.md §6): the amount is fixed by the procedure and channel at
 * submission; payments (online, cash, transfer) are recorded in PostgreSQL first and told to the
 * workflow here. No processing while a fee due before processing is unpaid, and no hand-over of
 * any result while any fee is unpaid.
 */

/**
 * The fee is fixed by the procedure and channel at submission (patched: older dossiers have none).
 * On the lean path (patch small-markers-v1) it comes with the submission's record (Dossier.recordSubmission).
 */
export async function fixFeeAtSubmission(d: Dossier, carried: boolean): Promise<void> {
  if (!carried && !d.state.lean && patched('fees-v1')) {
    const due = await d.look.feeDue({ dossierId: d.input.dossierId });
    d.state.fee = { amountVnd: due.amountVnd, timing: due.timing, paid: due.amountVnd === 0, receiptCode: null, paymentId: null };
  }
}

export const recordPayment: Action<RecordPaymentCommand> = {
  validate(d, cmd) {
    const { fee } = d.state;
    // A redelivered callback or a reconciler pass of the same payment is no refusal. Who took a
    // counter payment (a one-stop officer) is checked by the payments service; the command names no roles.
    d.allow('recordPayment', null, { alreadyRecorded: fee.paymentId === cmd.paymentId });
    if (fee.paymentId === cmd.paymentId) return;
    if (cmd.amountVnd !== fee.amountVnd) {
      d.refuse(`Số phí, lệ phí phải nộp là ${fee.amountVnd} đồng, không phải ${cmd.amountVnd} đồng.`, FAILURE_TYPES.invalidInput, 'WrongFeeAmount');
    }
  },
  async run(d, cmd) {
    const { state } = d;
    // Already told of this very payment (a redelivered callback, a reconciler pass): nothing to do.
    if (state.fee.paymentId === cmd.paymentId) return d.view();
    state.fee = { ...state.fee, paid: true, receiptCode: cmd.receiptCode, paymentId: cmd.paymentId };
    const started = await startClockAtPayment(d, cmd);
    await d.transition({
      to: state.status,
      type: 'fee_paid',
      by: cmd.recordedBy ? { officerId: cmd.recordedBy, role: 'one_stop_officer' } : { applicant: true },
      projection: { feeStatus: 'paid', ...(started?.projection ?? {}) },
      data: { paymentId: cmd.paymentId, amountVnd: cmd.amountVnd, method: cmd.method, receiptCode: cmd.receiptCode, paidAt: cmd.paidAt, ...(started?.data ?? {}) },
      ...(started ? { clock: [started.entry] } : {}),
    });
    return d.view();
  },
};

/**
 * Thời hạn tính từ khi nhận đủ hồ sơ và phí, lệ phí (ND 297/2025 art. 6(2)): a dossier received
 * while its fee was unpaid (intake.ts, patch clock-from-fee-v1) starts its clock ledger at the
 * payment (or at the receipt, had the payment come first): the appointment and due date follow.
 */
async function startClockAtPayment(d: Dossier, cmd: RecordPaymentCommand): Promise<{ entry: ClockEntry; projection: ProjectionFields; data: Record<string, unknown> } | null> {
  const dl = d.state.deadline;
  const waiting = dl?.awaitingFee;
  if (!dl || !waiting) return null;
  const paidAt = Date.parse(cmd.paidAt);
  const at = new Date(Math.max(Number.isNaN(paidAt) ? Date.parse(d.now()) : paidAt, Date.parse(waiting.receivedAt))).toISOString();
  const entry: ClockEntry = {
    kind: 'start',
    at,
    limit: waiting.limit,
    actorId: waiting.actorId,
    basis: 'Nghị định 297/2025/NĐ-CP, điều 6 khoản 2',
    countsFrom: 'fee_payment',
    receivedAt: waiting.receivedAt,
  };
  dl.ledger = [entry];
  dl.awaitingFee = null;
  const r = await d.refreshDeadline();
  return {
    entry,
    projection: { dueAt: r.schedule.dueAt, appointmentAt: r.schedule.appointmentAt, deadlineState: d.deadlineStateNow() },
    data: { clockStartedAt: at, appointmentAt: r.schedule.appointmentAt, ...(r.explanation !== null ? { explanation: r.explanation } : {}) },
  };
}

/** Không trả kết quả khi chưa nộp phí: the result waits for the payment. */
export async function awaitFeeBeforeResult(d: Dossier): Promise<void> {
  if (d.state.fee.paid) return;
  await d.notify('payment_due');
  await condition(() => d.state.fee.paid && !d.state.busy);
}
