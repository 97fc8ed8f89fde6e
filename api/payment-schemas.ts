import { z } from 'zod';

/** Request bodies of the payment endpoints: what the handlers parse and what the OpenAPI document shows. */
const AMOUNT = 'số tiền (đồng) phải là số nguyên dương';

/** Cash or a transfer taken at the counter; the amount must be the fee due (checked by the handler). */
export const counterPaymentBody = z
  .strictObject({
    method: z.enum(['cash', 'transfer']),
    amountVnd: z.number({ error: AMOUNT }).int({ error: AMOUNT, abort: true }).positive({ error: AMOUNT }).describe('The fee due, in đồng'),
    reference: z.string().trim().min(1, { error: 'bắt buộc nhập' }).max(200).optional().describe('Bank transfer reference (required for a transfer)'),
  })
  .superRefine((b, ctx) => {
    if (b.method === 'transfer' && b.reference === undefined) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'bắt buộc nhập khi nộp bằng chuyển khoản' });
  });

export const noPaymentQuery = z.strictObject({});

/** The payment id in the return page's API (any string: a malformed id is answered like an unknown one). */
export const paymentIdParam = z.strictObject({ paymentId: z.string().max(100).describe('The payment id handed out when the payment was opened (a UUID)') });

/** What the portal's return page learns of an online payment: its state as recorded from the gateway's signed callback. */
export const paymentOutcomeResponse = z.strictObject({
  paymentId: z.string(),
  status: z.enum(['pending', 'paid', 'failed', 'expired']).describe('pending until the gateway’s signed callback (or the reconciler) settles it'),
  amountVnd: z.number().int(),
  paidAt: z.string().nullable(),
  receiptCode: z.string().nullable().describe('E-receipt number (biên lai điện tử) once paid'),
  expiresAt: z.string().nullable(),
  dossierCode: z.string(),
  canRetry: z.boolean().describe('A new online payment of the dossier’s fee can be opened (POST …/retry)'),
}).meta({ id: 'PaymentOutcome' });

/** An online payment opened (or the open one returned): the gateway's page to send the citizen to. */
export const startedPaymentResponse = z.strictObject({
  paymentId: z.string(),
  paymentUrl: z.string(),
  amountVnd: z.number().int(),
  expiresAt: z.string(),
}).meta({ id: 'StartedPayment' });

/** A payment as officers read it (cash or transfer at the counter, or online). */
export const paymentView = z.strictObject({
  paymentId: z.string(),
  amountVnd: z.number().int(),
  method: z.string().describe('cash, transfer or online'),
  status: z.enum(['pending', 'paid', 'failed', 'expired']),
  paidAt: z.string().nullable(),
  receiptCode: z.string().nullable().describe('E-receipt number (biên lai điện tử) once paid'),
}).meta({ id: 'Payment' });

/** The fee due of a dossier and its payments. */
export const dossierPaymentsResponse = z.strictObject({
  feeDueVnd: z.number().int().nullable(),
  feeStatus: z.enum(['none', 'unpaid', 'paid']).nullable(),
  feeTiming: z.enum(['none', 'at_submission', 'before_processing', 'at_result']).nullable(),
  payments: z.array(paymentView),
}).meta({ id: 'DossierPayments' });

/** What a signed callback (payment gateway, post) is answered with once recorded. */
export const callbackReceivedResponse = z.strictObject({ received: z.literal(true) }).meta({ id: 'CallbackReceived' });
