import { z } from 'zod';
import { agencyRef } from './contract';
import { timeLimitOutput } from './sla-preview-schemas';

/** Answers of the public procedure catalogue (calendars/catalogue.ts): what can be filed, where, how long it takes and what it costs. */
export const procedureResponse = z.strictObject({
  code: z.string(),
  nationalCode: z.string().nullable().describe('Code in the national TTHC database, when known'),
  name: z.string(),
  field: z.string().describe('Lĩnh vực'),
  legalBasis: z.string(),
  timeLimit: timeLimitOutput,
  onlineLevel: z.enum(['full', 'partial']),
  onSiteVerification: z.boolean(),
  feeTiming: z.enum(['none', 'at_submission', 'before_processing', 'at_result']),
  clockPolicy: z.enum(['PAUSE', 'RESTART', 'CONTINUE']).describe('What a supplement during processing does to the clock'),
  clockFromFee: z.boolean().describe('The limit counts from a complete dossier and the fee paid (ND 297/2025 art. 6(2))'),
  result: z.string(),
  notes: z.string().nullable(),
  fees: z.array(z.strictObject({ channel: z.enum(['counter', 'online', 'postal']), name: z.string(), amountVnd: z.number().int(), note: z.string().nullable() })),
  documents: z
    .array(z.strictObject({ item: z.number().int().describe('Position, from 1: what checklistItem names'), name: z.string(), required: z.boolean(), copies: z.number().int() }))
    .describe('Thành phần hồ sơ'),
  agencies: z.array(agencyRef).describe('Agencies that handle it'),
}).meta({ id: 'Procedure' });

export const procedureListResponse = z.strictObject({ items: z.array(procedureResponse) }).meta({ id: 'ProcedureList' });
