import { z } from 'zod';
import { agencyRef } from './contract';
import { budget, procedureRef } from './chain-lookup-schemas';
import { chainLookup } from './chain-lookup-schemas';
import { documentRef, dossierSummaryResponse, submissionBody } from './dossier-schemas';

/** Request and response bodies of the inter-agency chain endpoints (liên thông điện tử, ND 297/2025). */


export const procedureChainResponse = z
  .strictObject({
    code: z.string(),
    name: z.string(),
    basis: z.string(),
    totalLimit: budget.describe('The whole chain’s limit'),
    stages: z.array(z.strictObject({ stage: z.number().int(), procedure: procedureRef, agency: agencyRef, limit: budget.describe('The stage’s own limit (its procedure’s)') })),
  })
  .meta({ id: 'ProcedureChain' });
export const procedureChainListResponse = z.strictObject({ items: z.array(procedureChainResponse) }).meta({ id: 'ProcedureChainList' });

/** One submission for the whole chain: the applicant, the documents of every stage, how the last result comes back. */
export const chainSubmissionBody = z
  .strictObject({
    deliveryMethod: z.enum(['online', 'counter', 'postal']).describe('How the last stage’s result reaches the citizen; the earlier results go online to the next agency'),
    applicant: submissionBody.shape.applicant,
    postalAddress: submissionBody.shape.postalAddress,
    documents: z
      .array(documentRef.extend({ stage: z.number().int().min(1).max(10).default(1).describe('The stage the document is for (1 = the first); checklistItem is a position in that stage’s procedure') }))
      .max(100)
      .default([]),
  })
  .superRefine((b, ctx) => {
    if (b.deliveryMethod === 'postal') {
      if (!b.postalAddress) ctx.addIssue({ code: 'custom', path: ['postalAddress'], message: 'bắt buộc khi nhận kết quả qua bưu chính' });
      if (!b.applicant.phone) ctx.addIssue({ code: 'custom', path: ['applicant', 'phone'], message: 'bắt buộc khi nhận kết quả qua bưu chính' });
    }
  });

export const chainSubmissionResponse = z
  .strictObject({
    code: z.string().describe('The lookup code of the whole chain'),
    chain: chainLookup,
    dossier: dossierSummaryResponse.describe('The first stage’s dossier'),
    notice: z.string().optional().describe('Stored; processing starts shortly (202)'),
  })
  .meta({ id: 'SubmittedChain' });
