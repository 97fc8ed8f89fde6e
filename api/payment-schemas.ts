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
