import type { Tx } from '../connection';

/** Fee payments (dossier_payments) and the yearly e-receipt numbers (receipt_number_sequences). */

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

/** A payment with the workflow of its dossier and whether that workflow was told. */
export type PaymentWithWorkflow = PaymentRow & { dossier_code: string; workflow_id: string; workflow_acknowledged_at: Date | null };

/** A receipt (biên lai điện tử) of an agency's yearly series. */
export interface Receipt {
  agencyId: number;
  series: string;
  number: number;
  code: string;
}

/** Takes the next receipt number of an agency's year (1 for the year's first). */
export async function nextReceiptNumber(trx: Tx, agencyId: number, year: number): Promise<number> {
  const [row] = await trx('receipt_number_sequences')
    .insert({ agency_id: agencyId, year, last_value: 1 })
    .onConflict(['agency_id', 'year'])
    .merge({ last_value: trx.raw('receipt_number_sequences.last_value + 1') })
    .returning('last_value');
  return row.last_value;
}

/** The payment, locked until the end of the transaction. */
export async function lockPayment(trx: Tx, paymentId: string): Promise<PaymentRow | undefined> {
  return trx('dossier_payments').where('id', paymentId).forUpdate().first();
}

export async function setPaymentPaid(
  trx: Tx,
  paymentId: string,
  detail: { paidAt: Date; bankTransactionNo: string | null; receipt: Receipt },
): Promise<PaymentRow> {
  const { paidAt, bankTransactionNo, receipt } = detail;
  const [updated] = await trx('dossier_payments')
    .where('id', paymentId)
    .update({
      status: 'paid',
      paid_at: paidAt,
      bank_transaction_no: bankTransactionNo,
      receipt_agency_id: receipt.agencyId,
      receipt_series: receipt.series,
      receipt_number: receipt.number,
      receipt_code: receipt.code,
    })
    .returning('*');
  return updated;
}

export async function findPaymentWithWorkflow(db: Tx, paymentId: string): Promise<PaymentWithWorkflow | undefined> {
  return db('dossier_payments as p').join('dossiers as d', 'd.id', 'p.dossier_id').where('p.id', paymentId).first('p.*', 'd.code as dossier_code', 'd.workflow_id');
}

/** The dossier's workflow refused the payment for good: told, with the reason, for a refund. */
export async function setPaymentRefusedByWorkflow(db: Tx, paymentId: string, reason: string): Promise<void> {
  await db('dossier_payments').where('id', paymentId).update({ workflow_acknowledged_at: db.fn.now(), workflow_refusal: reason });
}

export async function setPaymentAcknowledged(db: Tx, paymentId: string): Promise<void> {
  await db('dossier_payments').where('id', paymentId).update({ workflow_acknowledged_at: db.fn.now() });
}

export async function findPaymentByProviderRef(db: Tx, paymentId: string, providerRef: string): Promise<PaymentRow | undefined> {
  return db('dossier_payments').where({ id: paymentId, provider_ref: providerRef }).first();
}

/** A pending payment becomes failed or expired; one already settled keeps its status. */
export async function settlePendingPayment(db: Tx, paymentId: string, status: 'failed' | 'expired'): Promise<void> {
  await db('dossier_payments').where({ id: paymentId, status: 'pending' }).update({ status });
}

/** The dossier's pending online payment still valid after `validAfter`, if any. */
export async function findOpenOnlinePayment(db: Tx, dossierId: number, validAfter: Date): Promise<PaymentRow | undefined> {
  return db('dossier_payments')
    .where({ dossier_id: dossierId, method: 'online', status: 'pending' })
    .andWhere('expires_at', '>', validAfter)
    .first();
}

/** An online payment, pending until the provider's callback. */
export async function insertOnlinePayment(
  db: Tx,
  p: { id: string; dossierId: number; amountVnd: number; provider: string; expiresAt: Date },
): Promise<void> {
  await db('dossier_payments').insert({ id: p.id, dossier_id: p.dossierId, amount_vnd: p.amountVnd, method: 'online', status: 'pending', provider: p.provider, expires_at: p.expiresAt });
}

/** Cash or a transfer taken at the counter: inserted pending and marked paid with its receipt in the same transaction. */
export async function insertCounterPayment(
  db: Tx,
  p: { id: string; dossierId: number; amountVnd: number; method: 'cash' | 'transfer'; reference: string | null; recordedBy: number },
): Promise<void> {
  await db('dossier_payments').insert({
    id: p.id,
    dossier_id: p.dossierId,
    amount_vnd: p.amountVnd,
    method: p.method,
    status: 'pending',
    reference: p.reference,
    recorded_by: p.recordedBy,
  });
}

export async function setPaymentProviderRef(db: Tx, paymentId: string, providerRef: string, paymentUrl: string): Promise<void> {
  await db('dossier_payments').where('id', paymentId).update({ provider_ref: providerRef, payment_url: paymentUrl });
}

/** Online payments created before `createdBefore` still pending at the provider's reference: their callback never came. */
export async function stalePendingOnlinePayments(db: Tx, createdBefore: Date): Promise<PaymentRow[]> {
  return db('dossier_payments')
    .where({ status: 'pending', method: 'online' })
    .whereNotNull('provider_ref')
    .andWhere('created_at', '<', createdBefore)
    .limit(100);
}

/** Paid payments whose dossier workflow has not acknowledged them yet. */
export async function unacknowledgedPaidPayments(db: Tx): Promise<Array<{ id: string }>> {
  return db('dossier_payments').where('status', 'paid').whereNull('workflow_acknowledged_at').limit(100).select('id');
}

export async function paymentsOfDossier(db: Tx, dossierId: number): Promise<PaymentRow[]> {
  return db('dossier_payments').where('dossier_id', dossierId).orderBy('created_at');
}

/** A payment with its dossier's code, fee status and end: what the portal's return page may say of it. */
export type PaymentOutcomeRow = Pick<PaymentRow, 'id' | 'dossier_id' | 'amount_vnd' | 'method' | 'status' | 'expires_at' | 'paid_at' | 'receipt_code'> & {
  dossier_code: string;
  dossier_status: string;
  fee_status: string | null;
};

export async function findPaymentOutcome(db: Tx, paymentId: string): Promise<PaymentOutcomeRow | undefined> {
  return db('dossier_payments as p')
    .join('dossiers as d', 'd.id', 'p.dossier_id')
    .where('p.id', paymentId)
    .first('p.id', 'p.dossier_id', 'p.amount_vnd', 'p.method', 'p.status', 'p.expires_at', 'p.paid_at', 'p.receipt_code', 'd.code as dossier_code', 'd.status as dossier_status', 'd.fee_status');
}
