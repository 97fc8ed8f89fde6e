import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { toOffsetIso } from '../domain/calendar';
import type { PaymentEvent, PaymentProvider } from '../integrations/payment/provider';
import { recordPaymentUpdate } from '../workflows/messages';

/**
 * Fee payments (phí, lệ phí): online through a payment provider, or cash / transfer at
 * the counter. PostgreSQL is the record; the dossier workflow is told afterwards, and a
 * reconciler makes sure it always is (lost callbacks, Temporal outages).
 */

export interface PaymentRow {
  id: string;
  dossier_id: number;
  amount_vnd: number;
  method: 'online' | 'cash' | 'transfer';
  status: 'pending' | 'paid' | 'failed' | 'expired';
  provider_ref: string | null;
  payment_url: string | null;
  expires_at: Date | null;
  paid_at: Date | null;
  receipt_code: string | null;
  recorded_by: number | null;
}

/** Biên lai điện tử: series of letters + the year's last two digits, numbers up to 7 digits restarting each year. */
async function allocateReceipt(trx: Knex.Transaction, agencyId: number, paidAt: Date): Promise<{ series: string; number: number; code: string }> {
  const year = Number(toOffsetIso(paidAt).slice(0, 4));
  const [row] = await trx('receipt_number_sequences')
    .insert({ agency_id: agencyId, year, last_value: 1 })
    .onConflict(['agency_id', 'year'])
    .merge({ last_value: trx.raw('receipt_number_sequences.last_value + 1') })
    .returning('last_value');
  const series = `BL${String(year).slice(2)}`;
  return { series, number: row.last_value, code: `${series}-${String(row.last_value).padStart(7, '0')}` };
}

/**
 * Marks a payment paid and issues its receipt, once: a second call (a callback delivered
 * twice, the reconciler) finds it paid and changes nothing.
 */
export async function markPaid(
  db: Knex,
  paymentId: string,
  detail: { paidAt: Date; bankTransactionNo?: string | null },
): Promise<{ payment: PaymentRow; newlyPaid: boolean }> {
  return db.transaction(async (trx) => {
    const payment: PaymentRow | undefined = await trx('dossier_payments').where('id', paymentId).forUpdate().first();
    if (!payment) throw new Error(`payment ${paymentId} not found`);
    if (payment.status === 'paid') return { payment, newlyPaid: false };
    const dossier = await trx('dossiers').where('id', payment.dossier_id).first('agency_id');
    const receipt = await allocateReceipt(trx, dossier.agency_id, detail.paidAt);
    const [updated] = await trx('dossier_payments')
      .where('id', paymentId)
      .update({
        status: 'paid',
        paid_at: detail.paidAt,
        bank_transaction_no: detail.bankTransactionNo ?? null,
        receipt_agency_id: dossier.agency_id,
        receipt_series: receipt.series,
        receipt_number: receipt.number,
        receipt_code: receipt.code,
      })
      .returning('*');
    await trx('dossiers').where('id', payment.dossier_id).update({ fee_status: 'paid' });
    return { payment: updated, newlyPaid: true };
  });
}

/** Tells the dossier workflow about a recorded payment; safe to repeat (same update id). */
export async function acknowledgeToWorkflow(db: Knex, temporal: Client, paymentId: string): Promise<void> {
  const p = await db('dossier_payments as p').join('dossiers as d', 'd.id', 'p.dossier_id').where('p.id', paymentId).first('p.*', 'd.workflow_id');
  if (!p || p.status !== 'paid' || p.workflow_acknowledged_at) return;
  try {
    await temporal.workflow.getHandle(p.workflow_id).executeUpdate(recordPaymentUpdate, {
    args: [
      {
        paymentId: p.id,
        amountVnd: Number(p.amount_vnd),
        method: p.method,
        receiptCode: p.receipt_code,
        paidAt: new Date(p.paid_at).toISOString(),
        recordedBy: p.recorded_by ?? null,
      },
    ],
    updateId: `payment:${p.id}`,
    });
  } catch (err) {
    // The dossier refused it for good (ended, already paid by another payment): keep it visible for a refund.
    if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
      const reason = err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : 'the dossier has ended';
      await db('dossier_payments').where('id', paymentId).update({ workflow_acknowledged_at: db.fn.now(), workflow_refusal: reason });
      return;
    }
    throw err;
  }
  await db('dossier_payments').where('id', paymentId).update({ workflow_acknowledged_at: db.fn.now() });
}

/** Applies a verified provider event to the payment it names. */
export async function applyPaymentEvent(db: Knex, event: PaymentEvent): Promise<{ payment: PaymentRow | undefined; newlyPaid: boolean }> {
  const payment: PaymentRow | undefined = await db('dossier_payments').where({ id: event.paymentId, provider_ref: event.providerRef }).first();
  if (!payment) return { payment: undefined, newlyPaid: false };
  if (event.status === 'paid') {
    if (Number(payment.amount_vnd) !== event.amountVnd) throw new Error(`payment ${payment.id}: gateway amount ${event.amountVnd} differs from ${payment.amount_vnd}`);
    return markPaid(db, payment.id, { paidAt: new Date(event.occurredAt), bankTransactionNo: event.bankTransactionNo ?? null });
  }
  await db('dossier_payments').where({ id: payment.id, status: 'pending' }).update({ status: event.status });
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
  db: Knex,
  provider: PaymentProvider,
  opts: { dossierId: number; publicBaseUrl: string; validityMinutes?: number },
): Promise<StartOnlinePaymentResult> {
  const d = await db('dossiers').where('id', opts.dossierId).first('code', 'fee_due_vnd', 'fee_status');
  const open: PaymentRow | undefined = await db('dossier_payments')
    .where({ dossier_id: opts.dossierId, method: 'online', status: 'pending' })
    .andWhere('expires_at', '>', new Date(Date.now() + 60_000))
    .first();
  if (open) return { paymentId: open.id, paymentUrl: open.payment_url!, amountVnd: Number(open.amount_vnd), expiresAt: toOffsetIso(new Date(open.expires_at!)) };
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + (opts.validityMinutes ?? 15) * 60_000);
  await db('dossier_payments').insert({ id, dossier_id: opts.dossierId, amount_vnd: d.fee_due_vnd, method: 'online', status: 'pending', provider: provider.name, expires_at: expiresAt });
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  const created = await provider.createPayment({
    paymentId: id,
    amountVnd: Number(d.fee_due_vnd),
    description: `Nop phi, le phi ho so ${d.code}`,
    returnUrl: `${base}/api/v1/status/${encodeURIComponent(d.code)}`,
    callbackUrl: `${base}/api/v1/payments/callback`,
    expiresAt,
  });
  await db('dossier_payments').where('id', id).update({ provider_ref: created.providerRef, payment_url: created.paymentUrl });
  return { paymentId: id, paymentUrl: created.paymentUrl, amountVnd: Number(d.fee_due_vnd), expiresAt: toOffsetIso(new Date(created.expiresAt)) };
}

/** Records cash or a bank transfer taken at the counter, with its receipt. */
export async function recordCounterPayment(
  db: Knex,
  opts: { dossierId: number; amountVnd: number; method: 'cash' | 'transfer'; reference?: string; officerId: number },
): Promise<PaymentRow> {
  const id = randomUUID();
  await db('dossier_payments').insert({
    id,
    dossier_id: opts.dossierId,
    amount_vnd: opts.amountVnd,
    method: opts.method,
    status: 'pending',
    reference: opts.reference ?? null,
    recorded_by: opts.officerId,
  });
  try {
    return (await markPaid(db, id, { paidAt: new Date() })).payment;
  } catch (err) {
    await db('dossier_payments').where({ id, status: 'pending' }).del();
    throw err;
  }
}

/**
 * Reconciliation: asks the provider about online payments whose callback never came,
 * and tells workflows about paid payments they have not acknowledged.
 */
export async function reconcilePayments(
  db: Knex,
  provider: PaymentProvider | undefined,
  temporal: Client,
  opts: { quietForMs: number },
): Promise<{ settled: number; acknowledged: number; failed: number }> {
  let settled = 0;
  let acknowledged = 0;
  let failed = 0;
  if (provider) {
    const stale: PaymentRow[] = await db('dossier_payments')
      .where({ status: 'pending', method: 'online' })
      .whereNotNull('provider_ref')
      .andWhere('created_at', '<', new Date(Date.now() - opts.quietForMs))
      .limit(100);
    for (const p of stale) {
      try {
        const q = await provider.queryPayment(p.provider_ref!);
        if (q.status === 'paid') {
          await markPaid(db, p.id, { paidAt: q.paidAt ? new Date(q.paidAt) : new Date() });
          settled += 1;
        } else if (q.status !== 'pending') {
          await db('dossier_payments').where({ id: p.id, status: 'pending' }).update({ status: q.status });
          settled += 1;
        }
      } catch {
        failed += 1;
      }
    }
  }
  const unacknowledged: Array<{ id: string }> = await db('dossier_payments').where('status', 'paid').whereNull('workflow_acknowledged_at').limit(100).select('id');
  for (const p of unacknowledged) {
    try {
      await acknowledgeToWorkflow(db, temporal, p.id);
      acknowledged += 1;
    } catch {
      failed += 1;
    }
  }
  return { settled, acknowledged, failed };
}
