import type { DossierClient } from '../dossiers/client';
import type { Db } from '../db/connection';
import { FEE_COLUMNS, findDossierByCode, PAYABLE_COLUMNS, type DossierFeesRow, type PayableDossierRow } from '../db/repositories/dossiers';
import { paymentsOfDossier } from '../db/repositories/payments';
import { DomainError } from '../domain/errors';
import { unknownDossier } from '../domain/principal';
import { isUuid } from '../domain/uuid';
import { isDossierStatus, isTerminal } from '../domain/status';
import type { Actor } from '../domain/types';
import { PaymentSignatureError, type CallbackHeaders, type PaymentProvider } from '../integrations/payment/provider';
import { verifiedCallback } from '../integrations/signed-callback';
import { acknowledgeSoon, applyPaymentEvent, recordCounterPayment, startOnlinePayment, type PaymentRow, type StartOnlinePaymentResult } from './payments';

/**
 * The fee of a dossier as the HTTP layer asks for it: who may pay it when, the online
 * payment a citizen opens, the counter payment an officer records, the gateway's callback.
 * Who the caller is (citizen token, officer roles) is settled by the caller first.
 */

export type { PayableDossierRow, DossierFeesRow };

/** The dossier whose fee is about to be paid, as stored (undefined for an unknown code). */
export function dossierToPay(db: Db, code: string): Promise<PayableDossierRow | undefined> {
  return findDossierByCode(db, code, PAYABLE_COLUMNS);
}

/** The dossier, refused unless its fee can be paid now. */
export function payable(d: PayableDossierRow | undefined, code: string): PayableDossierRow {
  if (!d) throw new DomainError('not_found', 'Not found', `Không tìm thấy hồ sơ ${code}.`, { reason: 'DossierNotFound' });
  if (isDossierStatus(d.status) && isTerminal(d.status)) throw new DomainError('conflict', 'Conflict', 'Hồ sơ đã kết thúc, không thể nộp phí.', { reason: 'DossierEnded' });
  if (d.fee_status === 'paid') throw new DomainError('conflict', 'Conflict', 'Phí, lệ phí của hồ sơ này đã được nộp.', { reason: 'FeeAlreadyPaid' });
  if (d.fee_status !== 'unpaid') throw new DomainError('conflict', 'Conflict', 'Hồ sơ này không phải nộp phí, lệ phí.', { reason: 'NoFeeDue' });
  return d;
}

/** The citizen opens (or gets back) the online payment of a payable dossier's fee. */
export async function openOnlinePayment(
  db: Db,
  provider: PaymentProvider,
  d: PayableDossierRow,
  opts: { publicBaseUrl: string; validityMinutes: number },
): Promise<StartOnlinePaymentResult> {
  try {
    return await startOnlinePayment(db, provider, { dossierId: d.id, publicBaseUrl: opts.publicBaseUrl, validityMinutes: opts.validityMinutes });
  } catch (err) {
    throw new DomainError('unavailable', 'Payment gateway unavailable', `Cổng thanh toán tạm thời không phản hồi, vui lòng thử lại sau. (${(err as Error).message})`);
  }
}

/** The agency handling a dossier, which the officer must belong to. */
export async function agencyOfDossier(db: Db, code: string): Promise<{ agency_id: number }> {
  const d = await findDossierByCode(db, code, ['agency_id']);
  if (!d) throw unknownDossier();
  return { agency_id: d.agency_id };
}

/** Only one-stop officers take fees at the counter. */
export function requireOneStopOfficer(officer: Actor): void {
  if (!officer.roles.includes('one_stop_officer')) throw new DomainError('forbidden', 'Forbidden', `Chỉ cán bộ Bộ phận Một cửa của cơ quan được thu phí, lệ phí tại quầy; tài khoản ${officer.username} không có vai trò này.`, { reason: 'RoleRequired' });
}

/**
 * Cash or transfer taken at the counter by a one-stop officer: the payment recorded with its
 * e-receipt, at once. The dossier is told next (tellDossierOfPayment); the caller times the two apart.
 */
export async function recordPaymentAtCounter(
  db: Db,
  code: string,
  payment: { method: 'cash' | 'transfer'; amountVnd: number; reference?: string; officerId: number },
): Promise<CounterPayment> {
  const d = payable(await dossierToPay(db, code), code);
  if (payment.amountVnd !== Number(d.fee_due_vnd)) {
    throw new DomainError('invalid', 'Wrong amount', `Số phí, lệ phí phải nộp là ${d.fee_due_vnd} đồng, không phải ${payment.amountVnd} đồng.`, { reason: 'WrongFeeAmount' });
  }
  try {
    const recorded = await recordCounterPayment(db, { dossierId: d.id, amountVnd: Number(d.fee_due_vnd), method: payment.method, reference: payment.reference, officerId: payment.officerId });
    return { recorded, dossier: d };
  } catch (err) {
    // Only the one-paid-payment-per-dossier index can collide here: someone recorded it first.
    if ((err as { code?: string; constraint?: string }).constraint === 'dossier_payments_one_paid') {
      throw new DomainError('conflict', 'Conflict', 'Phí, lệ phí của hồ sơ này đã được nộp.', { reason: 'FeeAlreadyPaid' });
    }
    throw err;
  }
}

export interface CounterPayment {
  recorded: PaymentRow;
  dossier: PayableDossierRow;
}

/**
 * The dossier told of a payment just taken at the counter, its workflow known from the dossier
 * read before the payment (no second read); a Temporal outage is left to the reconciler.
 */
export async function tellDossierOfPayment(db: Db, dossiers: DossierClient, { recorded, dossier }: CounterPayment): Promise<void> {
  await acknowledgeSoon(db, dossiers, { ...recorded, dossier_code: dossier.code, workflow_id: dossier.workflow_id, workflow_acknowledged_at: null });
}

/** A dossier's fee as stored, for the officers of its agency. */
export async function dossierFees(db: Db, code: string): Promise<DossierFeesRow> {
  const d = await findDossierByCode(db, code, FEE_COLUMNS);
  if (!d) throw unknownDossier();
  return d;
}

/** The payments of a dossier, oldest first. */
export function paymentsOf(db: Db, dossierId: number): Promise<PaymentRow[]> {
  return paymentsOfDossier(db, dossierId);
}

/**
 * The gateway's signed callback (IPN): verified on its exact raw body, recorded once; a paid
 * payment is told to its dossier (a Temporal outage is left to the reconciler).
 */
export async function receivePaymentCallback(deps: { db: Db; dossiers: DossierClient; provider: PaymentProvider }, rawBody: string, headers: CallbackHeaders): Promise<void> {
  const event = verifiedCallback(() => deps.provider.verifyCallback(rawBody, headers), PaymentSignatureError);
  // Not ours however often it is sent: a 4xx, so the gateway stops retrying.
  if (!isUuid(event.paymentId)) throw new DomainError('not_found', 'Unknown payment', `No payment ${event.paymentId}: payment ids are UUIDs.`, { reason: 'MalformedPaymentId' });
  const { payment } = await applyPaymentEvent(deps.db, event);
  if (!payment) throw new DomainError('not_found', 'Unknown payment', `No payment ${event.paymentId} with reference ${event.providerRef}.`, { reason: 'UnknownPayment' });
  if (event.status === 'paid') {
    // Recorded in PostgreSQL: the gateway gets its 200 even if Temporal is down; the reconciler finishes.
    await acknowledgeSoon(deps.db, deps.dossiers, payment.id);
  }
}
