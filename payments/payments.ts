import { randomUUID } from 'node:crypto';
import { inTransaction, type Db, type Tx } from '../db/connection';
import { findDossierById, setDossierFeePaid } from '../db/repositories/dossiers';
import {
  findOpenOnlinePayment,
  findPaymentByProviderRef,
  findPaymentWithWorkflow,
  insertCounterPayment,
  insertOnlinePayment,
  lockPayment,
  nextReceiptNumber,
  setPaymentAcknowledged,
  setPaymentPaid,
  setPaymentProviderRef,
  setPaymentRefusedByWorkflow,
  settlePendingPayment,
  stalePendingOnlinePayments,
  unacknowledgedPaidPayments,
  type PaymentRow,
  type PaymentWithWorkflow,
  type Receipt,
} from '../db/repositories/payments';
import { toOffsetIso } from '../domain/calendar';
import { DomainError } from '../domain/errors';
import type { RecordPaymentCommand } from '../workflows/contracts/dossier-v1';
import type { PaymentEvent, PaymentProvider } from '../integrations/payment/provider';
import { DossierActionFailed, DossierNotRunning, type DossierClient } from '../dossiers/client';
import { recordPaymentUpdate } from '../workflows/contracts/dossier-v1';

/**
 * Fee payments (phí, lệ phí): online through a payment provider, or cash / transfer at
 * the counter. PostgreSQL is the record; the dossier workflow is told afterwards, and a
 * reconciler makes sure it always is (lost callbacks, Temporal outages).
 */

export type { PaymentRow };

/** Biên lai điện tử: series of letters + the year's last two digits, numbers up to 7 digits restarting each year. */
async function allocateReceipt(trx: Tx, agencyId: number, paidAt: Date): Promise<Receipt> {
  const year = Number(toOffsetIso(paidAt).slice(0, 4));
  const number = await nextReceiptNumber(trx, agencyId, year);
  const series = `BL${String(year).slice(2)}`;
  return { agencyId, series, number, code: `${series}-${String(number).padStart(7, '0')}` };
}

/**
 * Marks a payment paid and issues its receipt, once: a second call (a callback delivered
 * twice, the reconciler) finds it paid and changes nothing.
 */
export async function markPaid(
  db: Db,
  paymentId: string,
  detail: { paidAt: Date; bankTransactionNo?: string | null },
): Promise<{ payment: PaymentRow; newlyPaid: boolean }> {
  return inTransaction(db, (trx) => markPaidIn(trx, paymentId, detail));
}

async function markPaidIn(trx: Tx, paymentId: string, detail: { paidAt: Date; bankTransactionNo?: string | null }): Promise<{ payment: PaymentRow; newlyPaid: boolean }> {
  const payment = await lockPayment(trx, paymentId);
  if (!payment) throw new Error(`payment ${paymentId} not found`);
  if (payment.status === 'paid') return { payment, newlyPaid: false };
  const dossier = await findDossierById(trx, payment.dossier_id, ['agency_id']);
  const receipt = await allocateReceipt(trx, dossier!.agency_id, detail.paidAt);
  const updated = await setPaymentPaid(trx, paymentId, { paidAt: detail.paidAt, bankTransactionNo: detail.bankTransactionNo ?? null, receipt });
  await setDossierFeePaid(trx, payment.dossier_id);
  return { payment: updated, newlyPaid: true };
}

/**
 * Records a payment in its dossier's workflow (same update id: safe to repeat). Answers the
 * reason when the dossier refused it for good (ended, already paid by another payment).
 */
async function recordPaymentInWorkflow(dossiers: DossierClient, dossier: { code: string; workflowId: string }, payment: RecordPaymentCommand, waiter?: 'callback'): Promise<{ refusal?: string }> {
  try {
    await dossiers.update(dossier, recordPaymentUpdate, payment, { updateId: `payment:${payment.paymentId}`, waiter });
    return {};
  } catch (err) {
    if (err instanceof DossierActionFailed) return { refusal: err.failureMessage };
    if (err instanceof DossierNotRunning) return { refusal: 'the dossier has ended' };
    throw err;
  }
}

/** Tells the dossier workflow about a recorded payment; safe to repeat (same update id). */
export async function acknowledgeToWorkflow(db: Db, dossiers: DossierClient, payment: string | PaymentWithWorkflow, waiter?: 'callback'): Promise<void> {
  // Given by id (the callback, the reconciler) it is read; given as the row just written (the counter), it is not read again.
  const p = typeof payment === 'string' ? await findPaymentWithWorkflow(db, payment) : payment;
  if (!p || p.status !== 'paid' || p.workflow_acknowledged_at) return;
  const { refusal } = await recordPaymentInWorkflow(dossiers, { code: p.dossier_code, workflowId: p.workflow_id }, {
    paymentId: p.id,
    amountVnd: Number(p.amount_vnd),
    method: p.method,
    receiptCode: p.receipt_code!,
    paidAt: new Date(p.paid_at!).toISOString(),
    recordedBy: p.recorded_by ?? null,
  }, waiter);
  // Refused for good: keep it visible for a refund.
  if (refusal !== undefined) {
    await setPaymentRefusedByWorkflow(db, p.id, refusal);
    return;
  }
  await setPaymentAcknowledged(db, p.id);
}

/**
 * acknowledgeToWorkflow within a callback's deadline. The payment is recorded in PostgreSQL
 * already: a Temporal outage is left to the reconciler, the caller gets its answer.
 */
export async function acknowledgeSoon(db: Db, dossiers: DossierClient, payment: string | PaymentWithWorkflow): Promise<void> {
  await acknowledgeToWorkflow(db, dossiers, payment, 'callback').catch(() => undefined);
}

/** Applies a verified provider event to the payment it names. */
export async function applyPaymentEvent(db: Db, event: PaymentEvent): Promise<{ payment: PaymentRow | undefined; newlyPaid: boolean }> {
  const payment = await findPaymentByProviderRef(db, event.paymentId, event.providerRef);
  if (!payment) return { payment: undefined, newlyPaid: false };
  if (event.status === 'paid') {
    if (Number(payment.amount_vnd) !== event.amountVnd) {
      // Never recorded as paid, and never retried for ever: a 4xx to the gateway, an error line for the centre to reconcile by hand.
      process.stderr.write(`payments: payment ${payment.id} reported paid ${event.amountVnd} VND by the gateway, ${payment.amount_vnd} VND due; not recorded\n`);
      throw new DomainError('invalid', 'Amount mismatch', `Số tiền cổng thanh toán báo (${event.amountVnd} đồng) khác số tiền phải nộp (${Number(payment.amount_vnd)} đồng); giao dịch không được ghi nhận.`, {
        reason: 'AmountMismatch',
      });
    }
    return markPaid(db, payment.id, { paidAt: new Date(event.occurredAt), bankTransactionNo: event.bankTransactionNo ?? null });
  }
  await settlePendingPayment(db, payment.id, event.status);
  return { payment: { ...payment, status: payment.status === 'pending' ? event.status : payment.status }, newlyPaid: false };
}

export interface StartOnlinePaymentResult {
  paymentId: string;
  paymentUrl: string;
  amountVnd: number;
  expiresAt: string;
}

/** Opens (or returns the open) online payment of a dossier's fee. */
export async function startOnlinePayment(
  db: Db,
  provider: PaymentProvider,
  opts: { dossierId: number; publicBaseUrl: string; validityMinutes?: number },
): Promise<StartOnlinePaymentResult> {
  const d = (await findDossierById(db, opts.dossierId, ['code', 'fee_due_vnd', 'fee_status']))!;
  const open = await findOpenOnlinePayment(db, opts.dossierId, new Date(Date.now() + 60_000));
  if (open) return { paymentId: open.id, paymentUrl: open.payment_url!, amountVnd: Number(open.amount_vnd), expiresAt: toOffsetIso(new Date(open.expires_at!)) };
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + (opts.validityMinutes ?? 15) * 60_000);
  await insertOnlinePayment(db, { id, dossierId: opts.dossierId, amountVnd: Number(d.fee_due_vnd), provider: provider.name, expiresAt });
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  const created = await provider.createPayment({
    paymentId: id,
    amountVnd: Number(d.fee_due_vnd),
    description: `Nop phi, le phi ho so ${d.code}`,
    // The portal's page, never the JSON API; what the gateway appends there proves nothing (payments/return-page.ts).
    returnUrl: `${base}/thanh-toan/ket-qua?payment=${id}`,
    callbackUrl: `${base}/api/v1/payments/callback`,
    expiresAt,
  });
  await setPaymentProviderRef(db, id, created.providerRef, created.paymentUrl);
  return { paymentId: id, paymentUrl: created.paymentUrl, amountVnd: Number(d.fee_due_vnd), expiresAt: toOffsetIso(new Date(created.expiresAt)) };
}

/** Records cash or a bank transfer taken at the counter, with its receipt. */
export async function recordCounterPayment(
  db: Db,
  opts: { dossierId: number; amountVnd: number; method: 'cash' | 'transfer'; reference?: string; officerId: number },
): Promise<PaymentRow> {
  const id = randomUUID();
  // One transaction: the money was taken, so the row is paid with its receipt or not there at
  // all (a connection lost between two steps used to leave a pending row beside the retry's).
  return inTransaction(db, async (trx) => {
    await insertCounterPayment(trx, {
      id,
      dossierId: opts.dossierId,
      amountVnd: opts.amountVnd,
      method: opts.method,
      reference: opts.reference ?? null,
      recordedBy: opts.officerId,
    });
    return (await markPaidIn(trx, id, { paidAt: new Date() })).payment;
  });
}

/**
 * Reconciliation: asks the provider about online payments whose callback never came,
 * and tells workflows about paid payments they have not acknowledged.
 */
export async function reconcilePayments(
  db: Db,
  provider: PaymentProvider | undefined,
  dossiers: DossierClient,
  opts: { quietForMs: number },
): Promise<{ settled: number; acknowledged: number; failed: number }> {
  let settled = 0;
  let acknowledged = 0;
  let failed = 0;
  if (provider) {
    const stale = await stalePendingOnlinePayments(db, new Date(Date.now() - opts.quietForMs));
    for (const p of stale) {
      try {
        const q = await provider.queryPayment(p.provider_ref!);
        if (q.status === 'paid') {
          await markPaid(db, p.id, { paidAt: q.paidAt ? new Date(q.paidAt) : new Date() });
          settled += 1;
        } else if (q.status !== 'pending') {
          await settlePendingPayment(db, p.id, q.status);
          settled += 1;
        }
      } catch {
        failed += 1;
      }
    }
  }
  const unacknowledged = await unacknowledgedPaidPayments(db);
  for (const p of unacknowledged) {
    try {
      await acknowledgeToWorkflow(db, dossiers, p.id);
      acknowledged += 1;
    } catch {
      failed += 1;
    }
  }
  return { settled, acknowledged, failed };
}
