import type { Db } from '../db/connection';
import { findPaymentOutcome, type PaymentOutcomeRow } from '../db/repositories/payments';
import { DomainError } from '../domain/errors';
import { vnTime } from '../domain/vn-time';
import { isUuid } from '../domain/uuid';
import { isDossierStatus, isTerminal } from '../domain/status';
import type { PaymentProvider } from '../integrations/payment/provider';
import { dossierToPay, openOnlinePayment, payable } from './fees';
import type { StartOnlinePaymentResult } from './payments';

/**
 * What the portal's payment return page (`/thanh-toan/ket-qua?payment=<id>`) may learn of an
 * online payment: its state as recorded from the gateway's signed callback (or the
 * reconciler's signed status query), never from the query parameters the gateway appends to
 * the citizen's way back. Keyed by the payment id, a random UUID (122 bits) handed only to the
 * citizen who opened the payment: the holder of it learns the state, the amount, the e-receipt
 * number and the dossier code, and nothing of the applicant. The dossier code alone opens
 * nothing (the public lookup also needs the last 4 ID digits, and is locked out after failed
 * checks), and the page links to the dossier with it.
 *
 * A public endpoint rather than the citizen's own: the way back from the gateway is a full-page
 * navigation, and the portal keeps its tokens in memory only, so the citizen returns signed out.
 */
export interface PaymentOutcome {
  paymentId: string;
  status: 'pending' | 'paid' | 'failed' | 'expired';
  amountVnd: number;
  paidAt: string | null;
  receiptCode: string | null;
  expiresAt: string | null;
  dossierCode: string;
  /** A new online payment of this dossier's fee can be opened from the page ("Thanh toán lại"). */
  canRetry: boolean;
}

/** One answer for a malformed, unknown or counter payment id: the page cannot tell them apart. */
export const unknownPayment = () =>
  new DomainError('not_found', 'Unknown payment', 'Không tìm thấy giao dịch thanh toán này. Vui lòng kiểm tra lại đường dẫn, hoặc tra cứu hồ sơ bằng mã hồ sơ.', {
    reason: 'PaymentNotFound',
  });

async function onlinePayment(db: Db, paymentId: string): Promise<PaymentOutcomeRow> {
  const row = isUuid(paymentId) ? await findPaymentOutcome(db, paymentId) : undefined;
  // Counter payments have no return page: their ids are refused like unknown ones.
  if (!row || row.method !== 'online') throw unknownPayment();
  return row;
}

export async function paymentOutcome(db: Db, paymentId: string): Promise<PaymentOutcome> {
  const p = await onlinePayment(db, paymentId);
  return {
    paymentId: p.id,
    status: p.status,
    amountVnd: Number(p.amount_vnd),
    paidAt: vnTime(p.paid_at),
    receiptCode: p.receipt_code,
    expiresAt: vnTime(p.expires_at),
    dossierCode: p.dossier_code,
    canRetry: p.status !== 'paid' && p.fee_status === 'unpaid' && !(isDossierStatus(p.dossier_status) && isTerminal(p.dossier_status)),
  };
}

/**
 * "Thanh toán lại" from the return page: the dossier's open online payment (or a new one) for
 * the holder of one of its payment ids. Paying a fee is all it allows, and only while one is due.
 */
export async function retryOnlinePayment(
  db: Db,
  provider: PaymentProvider,
  paymentId: string,
  opts: { publicBaseUrl: string; validityMinutes: number },
): Promise<StartOnlinePaymentResult> {
  const p = await onlinePayment(db, paymentId);
  if (p.status === 'paid') throw new DomainError('conflict', 'Already paid', 'Giao dịch này đã được thanh toán.', { reason: 'PaymentAlreadyPaid' });
  const d = payable(await dossierToPay(db, p.dossier_code), p.dossier_code);
  return openOnlinePayment(db, provider, d, opts);
}
