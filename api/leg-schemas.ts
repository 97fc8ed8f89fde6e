import { z } from 'zod';
import { agencyRef, shortText, textList, vnInstant } from './contract';

/**
 * Internal procedures as data and inter-agency legs (issue 17): the bodies of the step actions
 * on a routed dossier, and the bodies and answers of the leg routes (an inter-agency leg or a
 * consultation, as its agency's officers work it).
 */

const note = z.string().trim().max(2000).optional();
const stepKey = z.string().trim().min(1).max(64).describe('The step the officer saw the dossier (or leg) at: a stale screen is refused (409 StepChanged)');

// ---- the lead dossier's step actions ----

export const forwardStepBody = z.strictObject({ stepKey, note });
export const sendBackBody = z.strictObject({
  stepKey,
  toStep: z.string().trim().min(1).max(64).describe('One of the step’s sendBackTo in the pinned version'),
  reason: shortText(2000),
});
export const issueResultBody = z.strictObject({ stepKey });
export const consultBody = z.strictObject({
  stepKey,
  requests: z
    .array(z.strictObject({ agencyEid: z.string().trim().min(1).max(64), question: shortText(4000) }))
    .min(1, { error: 'phải có ít nhất một cơ quan được xin ý kiến' })
    .max(20)
    .refine((rs) => new Set(rs.map((r) => r.agencyEid)).size === rs.length, { error: 'mỗi cơ quan chỉ được xin ý kiến một lần trong một yêu cầu' }),
});
export const chaseLegBody = z.strictObject({
  workflowId: z.string().trim().min(1).max(300).describe('The leg’s or consultation’s workflowId (legs[].workflowId of the dossier view)'),
  note,
});

// ---- the leg's own actions ----

export const legIdParam = z.strictObject({ id: z.string().regex(/^\d{1,15}$/, { error: 'mã phần việc liên thông là một số' }) });
export const legForwardBody = forwardStepBody;
export const legSendBackBody = sendBackBody;
export const legAssignmentBody = z.strictObject({
  specialist: z.union([z.string().trim().min(1).max(100), z.number().int().positive()]).describe('Username or id of a specialist of the leg’s agency'),
  note,
});
export const legFinishBody = z.strictObject({
  stepKey,
  outcome: z.enum(['approve', 'deny', 'refuse']).describe('approve: the leg’s result (numbered by the leg’s agency); deny: a reasoned denial; refuse: handed back to the lead agency'),
  reasons: textList(20).optional(),
  note,
});
export const answerBody = z.strictObject({ opinion: shortText(4000), agrees: z.boolean() });

export const legListQuery = z.strictObject({
  agency: z.string().trim().min(1).max(64).optional().describe('Only this agency’s legs (one where the caller holds a role)'),
  kind: z.enum(['leg', 'consultation']).optional(),
});

// ---- answers ----

const legStatus = z.enum(['open', 'result', 'denied', 'refused', 'answered', 'unanswered', 'cancelled']);
const legStep = z.strictObject({ key: z.string(), name: z.string(), unit: z.string(), kind: z.string().optional(), role: z.string().optional(), dueAt: vnInstant.nullable().optional() });

/** One leg or consultation as its agency's worklist shows it (dossiers/legs.ts `legItem`). */
const legItemShape = {
  id: z.number().int(),
  workflowId: z.string(),
  kind: z.enum(['leg', 'consultation']),
  agency: agencyRef,
  dossier: z.strictObject({ code: z.string(), leadAgency: agencyRef }),
  procedure: z.strictObject({ code: z.string(), name: z.string() }),
  stepKey: z.string().describe('The lead dossier’s step the leg or consultation belongs to'),
  step: legStep.nullable().describe('The leg’s own current step'),
  status: legStatus,
  question: z.string().nullable(),
  assignee: z.strictObject({ userId: z.number().int(), fullName: z.string().nullable() }).nullable(),
  startedAt: vnInstant,
  dueAt: vnInstant.nullable(),
  late: z.boolean().describe('Past its due time (open), or finished after it'),
  finishedAt: vnInstant.nullable(),
  chasedAt: vnInstant.nullable(),
};

export const legListResponse = z
  .strictObject({ legs: z.array(z.strictObject(legItemShape)) })
  .meta({ id: 'LegWorklist', description: 'Open inter-agency legs and consultations of the caller’s agencies, the most urgent first' });

export const legDetailResponse = z
  .strictObject({
    ...legItemShape,
    opinion: z.string().nullable(),
    agrees: z.boolean().nullable(),
    reasons: z.array(z.string()).nullable(),
    resultNumber: z.string().nullable(),
    events: z.array(
      z.strictObject({
        seq: z.number().int(),
        type: z.string(),
        actor: z.strictObject({ fullName: z.string().nullable(), role: z.string().nullable() }).nullable(),
        at: vnInstant,
        data: z.record(z.string(), z.unknown()),
      }),
    ),
    handoffs: z.array(
      z.strictObject({
        stepKey: z.string().nullable(),
        stepName: z.string().nullable(),
        receiver: z.strictObject({ userId: z.number().int().nullable(), name: z.string().nullable(), unit: z.string().nullable() }),
        receivedAt: vnInstant,
        dueAt: vnInstant.nullable(),
        doneAt: vnInstant.nullable(),
        outcome: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'LegDetail', description: 'An inter-agency leg or consultation: its row, its own event log and its rows of the lead dossier’s process-control sheet' });

/** A leg action's answer: the leg as the read model now has it, and as its workflow answered. */
export const legActionResponse = legDetailResponse
  .extend({
    workflow: z
      .looseObject({ workflowId: z.string(), status: legStatus, lastSeq: z.number().int() })
      .describe('The child workflow’s own view of the leg (LegStateView) right after the action'),
  })
  .meta({ id: 'LegActionResult' });

/** Per step, unit and officer: early / on time / late hand-offs (GET /supervision/steps). */
const counts = { early: z.number().int(), onTime: z.number().int(), late: z.number().int(), total: z.number().int() };
export const stepCountsResponse = z
  .strictObject({
    from: vnInstant,
    to: vnInstant,
    asOf: vnInstant,
    agencies: z.array(agencyRef),
    steps: z.array(z.strictObject({ stepKey: z.string(), stepName: z.string().nullable(), agencyEid: z.string().nullable(), ...counts })),
    units: z.array(z.strictObject({ unit: z.string(), agencyEid: z.string().nullable(), ...counts })),
    officers: z.array(z.strictObject({ userId: z.number().int(), fullName: z.string().nullable(), agencyEid: z.string().nullable(), ...counts })),
  })
  .meta({ id: 'StepCounts', description: 'Hand-offs of routed dossiers closed in the period (the lead’s and the legs’), early / on time / late, per step, unit and officer' });
