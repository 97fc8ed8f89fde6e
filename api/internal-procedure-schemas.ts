import { z } from 'zod';
import { STEP_ACTIONS, STEP_KINDS } from '../domain/internal-procedure';
import { agencyRef, isoInstant, vnInstant } from './contract';
import { timeLimitOutput } from './sla-preview-schemas';

/**
 * Internal procedure versions (quy trình nội bộ, issue 17): the requests administrators send
 * and the answers. A draft's body is checked for its shape only (types and lists); what makes it
 * publishable (steps that end, send-backs, legs, budgets within the legal limit) is checked by
 * domain/internal-procedure.ts and answered as `problems`, so an unfinished draft can be saved.
 */
const ROLES = ['one_stop_officer', 'specialist', 'leader'] as const;

export const procedureCodeParam = z.strictObject({ code: z.string().min(1).max(64).describe('Procedure code, e.g. TG-DOITRUSO') });
export const procedureVersionParam = z.strictObject({
  code: z.string().min(1).max(64),
  version: z
    .string({ error: 'phải là số nguyên dương' })
    .regex(/^0*[1-9]\d{0,8}$/, { error: 'phải là số nguyên dương' })
    .transform(Number)
    .describe('Version number'),
});
export const noQuery = z.strictObject({});

const text = (max: number) => z.string({ error: 'phải là chuỗi ký tự' }).max(max, { error: `tối đa ${max} ký tự` });

const stepBudget = z
  .strictObject({
    unit: z.enum(['working_days', 'working_hours']),
    value: z.number({ error: 'phải là số' }).describe('Fractions allowed (0.5 day)'),
  });

const stepFields = {
  key: text(40).describe('Stable within the version: a-z, 0-9, _'),
  name: text(500).describe('What is done, in Vietnamese'),
  unit: text(300).describe('Who does it, as printed on the process-control sheet'),
  kind: z.enum(STEP_KINDS),
  role: z.enum(ROLES).describe('The role that acts, in the agency doing the step'),
  budget: stepBudget,
  actions: z.array(z.enum(STEP_ACTIONS)).max(STEP_ACTIONS.length),
  sendBackTo: z.array(text(40)).max(20).optional().describe('Earlier steps `send_back` may return the dossier to'),
};

/** A step of another agency inside a leg (no nested legs). Request schemas stay unnamed (named schemas are answers'). */
const legStep = z.strictObject(stepFields);

export const procedureStep = z
  .strictObject({
    ...stepFields,
    agencyEid: text(64).optional().describe('leg: the agency doing it'),
    steps: z.array(legStep).max(50).optional().describe("leg: that agency's own steps"),
    decides: z.boolean().optional().describe("leg: the leg's result is the dossier's decision"),
  });

export const consultationRule = z
  .strictObject({
    agencyEid: text(64),
    subject: text(500).describe('What the agency is asked about, in Vietnamese'),
    budget: stepBudget,
  });

/** The body of a draft (POST create, PUT update): the document of docs/internal-procedure-example.json. */
export const internalProcedureDocumentBody = z
  .strictObject({
    title: text(500),
    basis: text(1000).describe('Legal basis: decision number and date'),
    steps: z.array(procedureStep).max(60),
    consultations: z.array(consultationRule).max(20).optional(),
  });

export const publicationBody = z.strictObject({
  effectiveFrom: isoInstant.optional().describe('In force from (default now; never in the past)'),
});

// ---------------------------------------------------------------- answers

export const versionProblem = z.strictObject({ field: z.string(), reason: z.string(), message: z.string().describe('Vietnamese') }).meta({ id: 'InternalProcedureProblem' });
const problems = z.array(versionProblem).describe('What stands in the way of publishing (empty: publishable)');

const versionShape = {
  procedureCode: z.string(),
  version: z.number().int(),
  status: z.enum(['draft', 'published']),
  title: z.string(),
  basis: z.string(),
  isDefault: z.boolean().describe("Today's fixed path derived from the procedure's step budgets"),
  effectiveFrom: vnInstant.nullable().describe('Published: in force from this moment'),
  inForce: z.boolean().describe('The version a dossier received now would pin'),
  createdBy: z.string().nullable(),
  createdAt: vnInstant.nullable(),
  publishedBy: z.string().nullable(),
  publishedAt: vnInstant.nullable(),
};

export const internalProcedureVersionResponse = z
  .strictObject({
    ...versionShape,
    steps: z.array(procedureStep),
    consultations: z.array(consultationRule),
    problems,
  })
  .meta({ id: 'InternalProcedureVersion' });

export const internalProcedureListResponse = z
  .strictObject({
    procedure: z.strictObject({ code: z.string(), name: z.string(), timeLimit: timeLimitOutput }),
    inForce: z.number().int().describe('The version in force now (0: the default derived from step budgets, no version written)'),
    items: z.array(z.strictObject({ ...versionShape, stepCount: z.number().int() })),
  })
  .meta({ id: 'InternalProcedureVersionList' });

export const validationResponse = z.strictObject({ version: z.number().int(), problems }).meta({ id: 'InternalProcedureValidation' });

const budgetOut = z.strictObject({ unit: z.enum(['working_days', 'working_hours']), value: z.number(), text: z.string().describe('"0,5 ngày làm việc"') });
const publicStepFields = {
  key: z.string(),
  name: z.string(),
  unit: z.string(),
  kind: z.enum(STEP_KINDS),
  role: z.enum(ROLES),
  budget: budgetOut,
  actions: z.array(z.enum(STEP_ACTIONS)).describe('What may be done at the step (forward, send_back, consult, …)'),
  sendBackTo: z.array(z.string()).optional().describe('The earlier steps (keys) send_back may return the dossier to'),
};
export const publicInternalProcedureResponse = z
  .strictObject({
    procedure: z.strictObject({ code: z.string(), name: z.string(), timeLimit: timeLimitOutput }),
    version: z.number().int(),
    isDefault: z.boolean(),
    title: z.string(),
    basis: z.string(),
    effectiveFrom: vnInstant.nullable(),
    steps: z.array(
      z.strictObject({
        ...publicStepFields,
        agency: agencyRef.optional().describe('leg: the agency doing it'),
        decides: z.boolean().optional(),
        steps: z.array(z.strictObject(publicStepFields)).optional(),
      }),
    ),
    consultations: z.array(z.strictObject({ agency: agencyRef, subject: z.string(), budget: budgetOut })),
  })
  .meta({ id: 'PublicInternalProcedure' });
