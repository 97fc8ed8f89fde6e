import { z } from 'zod';
import { chainLookup, chainRef } from './chain-lookup-schemas';
import { agencyRef, CITIZEN_ID, isoInstant, shortText, textList, vnInstant } from './contract';
import { ACTION_MEANINGS, CITIZEN_ACTIONS, OFFICER_ACTIONS } from '../domain/dossier-actions';
import { DOSSIER_STATUSES } from '../domain/status';
import { HANDOFF_STEPS } from '../supervision/reports';

/** Request bodies of the dossier endpoints: what the handlers parse and what the OpenAPI document shows. */
const PHONE = /^(\+84|0)\d{9}$/;
const note = z.string().trim().max(2000).optional();

export const documentRef = z.strictObject({
  name: shortText(300).describe('Tên giấy tờ, ví dụ "Tờ khai CT01"'),
  fileId: z.string().trim().min(1).max(100).optional().describe('Id of a document uploaded with POST /citizen/documents'),
  checklistItem: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('Which item of the procedure’s document checklist this is (its position in GET /procedures/{code} documents, from 1); without it the document counts for the item whose name it bears'),
});

/** The one-stop officer waives a required checklist item that was not supplied, with the reason (recorded in the event and the audit trail). */
export const checklistWaiver = z.strictObject({
  item: z.number().int().min(1).max(100).describe('Position of the checklist item waived, from 1'),
  reason: shortText(1000).describe('Lý do miễn, ví dụ "Đã đối chiếu bản chính tại quầy"'),
});
const waivers = z.array(checklistWaiver).max(50).optional().describe('Required checklist items not supplied, each waived with a reason; without them a dossier missing a required item is not received (422 RequiredDocumentsMissing)');

export const submissionBody = z
  .strictObject({
    procedureCode: z.string().trim().min(1).max(64),
    agencyEid: z.string().trim().min(1).max(64),
    deliveryMethod: z.enum(['online', 'counter', 'postal']),
    acceptNow: z.boolean().optional().describe('Counter intake only: accept the dossier on the spot'),
    waivers,
    applicant: z.strictObject({
      fullName: z.string().trim().min(2).max(200),
      idNumber: z.string().trim().regex(CITIZEN_ID, { error: 'số CCCD gồm 12 chữ số hoặc CMND gồm 9 chữ số' }),
      phone: z.string().trim().regex(PHONE, { error: 'số điện thoại Việt Nam, ví dụ 0912345678' }).optional(),
      email: z.email({ error: 'địa chỉ thư điện tử không hợp lệ' }).max(254).optional(),
      address: z.string().trim().max(500).optional(),
    }),
    // Where the post brings the result (QĐ 45/2016): a full address and a phone the postman can call.
    postalAddress: z
      .strictObject({ line: shortText(300), ward: shortText(100), province: shortText(100) })
      .optional(),
    documents: z.array(documentRef).max(50).default([]),
  })
  .superRefine((b, ctx) => {
    if (b.deliveryMethod === 'postal') {
      if (!b.postalAddress) ctx.addIssue({ code: 'custom', path: ['postalAddress'], message: 'bắt buộc khi nhận kết quả qua bưu chính' });
      if (!b.applicant.phone) ctx.addIssue({ code: 'custom', path: ['applicant', 'phone'], message: 'bắt buộc khi nhận kết quả qua bưu chính' });
    }
  });
export type SubmissionBody = z.infer<typeof submissionBody>;

/** The citizen's supplement deadline: working days, or the date written on the slip (not both). */
const supplementDeadline = {
  deadlineWorkingDays: z.number().int().min(1).max(60).optional(),
  deadline: isoInstant.optional(),
};
const oneDeadline = <T extends { deadline?: string; deadlineWorkingDays?: number }>(b: T, ctx: z.RefinementCtx) => {
  if (b.deadline !== undefined && b.deadlineWorkingDays !== undefined) ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'chỉ dùng một trong deadline hoặc deadlineWorkingDays' });
  if (b.deadline !== undefined && Date.parse(b.deadline) <= Date.now()) ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'phải là thời điểm trong tương lai' });
};

export const noteBody = z.strictObject({ note });

/** Tiếp nhận: a note, and the waiver (with a reason) of every required document not supplied. */
export const acceptIntakeBody = z
  .strictObject({ note, waivers })
  .superRefine((b, ctx) => {
    const seen = new Set<number>();
    b.waivers?.forEach((w, i) => {
      if (seen.has(w.item)) ctx.addIssue({ code: 'custom', path: ['waivers', i, 'item'], message: 'mỗi giấy tờ chỉ miễn một lần' });
      seen.add(w.item);
    });
  });
export const intakeSupplementBody = z.strictObject({ items: textList(), reason: z.string().trim().max(2000).optional(), ...supplementDeadline }).superRefine(oneDeadline);
export const refuseBody = z.strictObject({ reasons: textList() });
export const assignmentBody = z.strictObject({
  specialist: z.union([z.string().trim().min(1).max(100), z.number().int().positive()]).describe('Username or id of a specialist of the agency'),
  note,
});
export const processingSupplementBody = z
  .strictObject({
    items: textList(),
    reason: shortText(),
    overrideReason: z.string().trim().min(1).max(2000).optional().describe('A leader asking a second time: why (the dossier then counts late)'),
    ...supplementDeadline,
  })
  .superRefine(oneDeadline);
const hm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'định dạng HH:MM' });
export const verificationBody = z.strictObject({
  visit: z
    .strictObject({
      date: z.iso.date({ error: 'định dạng YYYY-MM-DD' }),
      from: hm,
      to: hm,
      place: shortText(500),
      officers: textList(10),
    })
    .refine((v) => v.from < v.to, { path: ['to'], error: 'phải sau giờ bắt đầu' }),
  purpose: shortText(),
  exceptionReason: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .optional()
    .describe('A leader scheduling a visit the rules allow only with a reason (the catalogue has no on-site verification for the procedure, or the visit is outside the agency’s working hours): why'),
});
export const verificationRecordBody = z.strictObject({
  outcome: z.enum(['confirmed', 'discrepancies', 'missed']),
  findings: shortText(10_000),
  attachments: z.array(z.strictObject({ name: shortText(300), fileId: z.string().trim().min(1).max(100) })).max(50).default([]),
});
export const proposalBody = z
  .strictObject({ proposal: z.enum(['approve', 'deny']), reasons: textList().optional(), note })
  .refine((b) => b.proposal !== 'deny' || !!b.reasons, { path: ['reasons'], error: 'bắt buộc khi đề xuất từ chối: các lý do cụ thể' });
export const decisionBody = z
  .strictObject({ decision: z.enum(['approve', 'deny', 'return']), reasons: textList().optional(), note })
  .superRefine((b, ctx) => {
    if (b.decision === 'deny' && !b.reasons) ctx.addIssue({ code: 'custom', path: ['reasons'], message: 'bắt buộc khi từ chối: các lý do cụ thể' });
    if (b.decision === 'return' && !b.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'bắt buộc khi trả lại: ý kiến cho chuyên viên' });
  });
export const reasonBody = z.strictObject({ reason: shortText() });
export const handoverBody = z.strictObject({ receivedBy: shortText(200), note });
export const extensionBody = z
  .strictObject({
    workingDays: z.number().min(0.125).max(60).optional(),
    workingHours: z.number().min(0.25).max(480).optional(),
    reason: shortText(),
    legalBasis: shortText(500),
  })
  .refine((b) => (b.workingDays === undefined) !== (b.workingHours === undefined), { path: ['workingDays'], error: 'give exactly one of workingDays or workingHours' });
export const clockPauseBody = z.strictObject({ reason: shortText(), legalBasis: shortText(500) });
export const reappointmentBody = z
  .strictObject({ reason: shortText(), appointmentAt: isoInstant.optional(), workingDaysAfterDue: z.number().int().min(1).max(60).optional() })
  .refine((b) => (b.appointmentAt === undefined) !== (b.workingDaysAfterDue === undefined), { path: ['appointmentAt'], error: 'give exactly one of appointmentAt or workingDaysAfterDue' });

export const citizenSupplementBody = z.strictObject({ documents: z.array(documentRef).min(1, { error: 'phải liệt kê ít nhất một giấy tờ' }).max(50), note });
export const withdrawBody = z.strictObject({ reason: shortText() });

// ---------------------------------------------------------------- answers

const STATUS_CODES = Object.keys(DOSSIER_STATUSES) as [keyof typeof DOSSIER_STATUSES, ...Array<keyof typeof DOSSIER_STATUSES>];
/** A dossier status with its Vietnamese label (domain/status.ts). */
export const dossierStatusRef = z.strictObject({ code: z.enum(STATUS_CODES), label: z.string() }).meta({ id: 'DossierStatusRef' });
const channel = z.enum(['counter', 'online', 'postal']);
const deliveryMethod = z.enum(['online', 'counter', 'postal']);
const calendarRef = z.strictObject({ code: z.string(), version: z.number().int() });

/** What every answer about a dossier starts with (dossiers/views.ts `dossierSummary`). */
const dossierSummaryShape = {
  code: z.string(),
  procedure: z.strictObject({ code: z.string(), name: z.string() }),
  agency: agencyRef,
  channel,
  deliveryMethod,
  status: dossierStatusRef,
  submittedAt: vnInstant,
  receivedAt: vnInstant.nullable(),
  appointmentAt: vnInstant.nullable().describe('What the citizen is promised (the apology’s new appointment once reappointed)'),
  deadline: z
    .strictObject({
      dueAt: vnInstant.describe('The legal due date'),
      state: z.string().nullable().describe('running, at_risk, overdue, paused, stopped, awaiting_fee'),
      pausedSince: vnInstant.nullable(),
      reappointed: z.boolean(),
      escalationLevel: z.number().int(),
      calendar: calendarRef.nullable(),
    })
    .nullable()
    .describe('Null until the time limit starts'),
  links: z.strictObject({ status: z.string(), deadline: z.string() }),
};
export const dossierSummaryResponse = z.strictObject(dossierSummaryShape).meta({ id: 'DossierSummary' });

/** A submission's answer: the summary, and what was not done yet (processing deferred, or the acceptance at the counter refused). */
export const submissionResponse = z.strictObject({
  ...dossierSummaryShape,
  notice: z.string().optional().describe('Stored; processing starts shortly (202)'),
  acceptance: z
    .strictObject({
      status: z.number().int(),
      detail: z.string(),
      reason: z.string().optional(),
      missing: z.array(z.strictObject({ item: z.number().int(), name: z.string() })).optional(),
      errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
    })
    .optional()
    .describe('Counter intake with acceptNow: why the dossier was stored but not accepted on the spot (the problem it would have had)'),
}).meta({ id: 'SubmittedDossier' });

/** An action name of `allowedActions` (the dossier workflow's Update), described with its meaning. */
export const allowedAction = z.enum([...OFFICER_ACTIONS, ...CITIZEN_ACTIONS]).meta({
  id: 'AllowedAction',
  description: `An action the caller may take on the dossier now (\`allowedActions\` of the officer's view GET /api/v1/dossiers/{code} and of the answers of the officer actions; of the applicant's own lookup and list), named as the dossier workflow's Update. Computed for the caller (their roles in the dossier's agency, whether they are its assignee) from the same rules the workflow's validators apply (domain/dossier-actions.ts): an action listed is not refused for the dossier's state or the caller's role, one not listed is; the request itself may still be invalid (422).\n\n${Object.entries(ACTION_MEANINGS)
    .map(([a, m]) => `- \`${a}\`: ${m}`)
    .join('\n')}`,
});
const allowedActions = z.array(allowedAction).describe('What the caller may do now (see AllowedAction)');

const requestedBy = z.strictObject({ fullName: z.string().nullable(), role: z.string().nullable() }).nullable();
/** What the citizen was asked for (dossiers/actions.ts `citizenRequests`). */
const citizenRequests = z
  .strictObject({
    supplement: z
      .strictObject({
        stage: z.enum(['intake', 'processing']),
        requestedAt: vnInstant.nullable(),
        requestedBy,
        items: z.array(z.string()),
        reason: z.string().nullable(),
        deadline: vnInstant.nullable(),
        state: z.enum(['open', 'answered', 'closed']),
        answeredAt: vnInstant.nullable(),
        supplied: z.strictObject({ documents: z.array(z.unknown()), note: z.string().nullable() }).nullable(),
      })
      .nullable(),
    visit: z
      .strictObject({
        scheduledAt: vnInstant.nullable(),
        scheduledBy: requestedBy,
        date: z.string(),
        from: z.string(),
        to: z.string(),
        place: z.string().nullable(),
        officers: z.array(z.string()),
        purpose: z.string().nullable(),
        state: z.enum(['scheduled', 'missed', 'recorded', 'closed']),
        outcome: z.string().nullable(),
        findings: z.string().nullable(),
        recordedAt: vnInstant.nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'CitizenRequests', description: 'What the citizen was asked for: the last supplement request with its answer, the last on-site visit with its outcome' });

const assigneeRef = z.strictObject({ userId: z.number().int(), fullName: z.string() });

/**
 * An officer action's answer: the summary, the assignee and the result number. Not strict:
 * the view grows (allowed actions, what the citizen was asked) without breaking older clients.
 */
export const officerActionResponse = z.looseObject({
  ...dossierSummaryShape,
  allowedActions,
  assignee: assigneeRef.nullable(),
  resultNumber: z.string().nullable(),
}).meta({ id: 'OfficerActionResult' });

const checklistLine = z.strictObject({
  item: z.number().int(),
  name: z.string(),
  required: z.boolean(),
  copies: z.number().int(),
  status: z.enum(['supplied', 'waived', 'missing', 'not_supplied']),
  documents: z.array(
    z.strictObject({ documentId: z.string().nullable(), name: z.string().nullable(), form: z.enum(['file', 'paper']), source: z.enum(['submission', 'supplement', 'upload']) }),
  ),
  waiver: z.strictObject({ reason: z.string() }).nullable(),
}).meta({ id: 'ChecklistLine' });

/** Where a routed dossier stands (StepView of workflows/contracts/interagency-v1.ts). */
const routedStep = z.strictObject({
  key: z.string(),
  name: z.string(),
  unit: z.string(),
  kind: z.string(),
  role: z.string(),
  agencyEid: z.string(),
  enteredAt: vnInstant,
  dueAt: vnInstant.nullable(),
}).meta({ id: 'RoutedStep' });

/** An inter-agency leg or consultation as the lead agency's view shows it (LegView). */
const legView = z.strictObject({
  workflowId: z.string(),
  kind: z.enum(['leg', 'consultation']),
  stepKey: z.string(),
  agencyEid: z.string(),
  startedAt: vnInstant,
  dueAt: vnInstant.nullable(),
  status: z.enum(['open', 'result', 'denied', 'refused', 'answered', 'unanswered', 'cancelled']),
  late: z.boolean(),
  finishedAt: vnInstant.nullable(),
  resultNumber: z.string().nullable().optional(),
  reasons: z.array(z.string()).nullable().optional(),
  opinion: z.string().nullable().optional(),
  agrees: z.boolean().nullable().optional(),
  step: z.strictObject({ key: z.string(), name: z.string(), unit: z.string() }).nullable().optional(),
  chasedAt: vnInstant.nullable().optional(),
}).meta({ id: 'DossierLeg' });

/**
 * The officers' view of a dossier (dossiers/views.ts `dossierDetail`): the summary, the
 * applicant, documents, checklist, assignee and the event log. Not strict (see officerActionResponse).
 */
export const officerDossierResponse = z.looseObject({
  ...dossierSummaryShape,
  allowedActions,
  requests: citizenRequests,
  applicant: z.strictObject({ fullName: z.string(), idNumber: z.string(), phone: z.string().nullable(), email: z.string().nullable(), address: z.string().nullable() }),
  documents: z.array(z.looseObject({ name: z.string().nullable().optional() })).describe('As submitted and supplemented: name, fileId, checklistItem, …'),
  checklist: z
    .strictObject({
      items: z.array(checklistLine),
      complete: z.boolean(),
      missing: z.array(z.strictObject({ item: z.number().int(), name: z.string() })),
      unmatched: z.array(z.strictObject({ documentId: z.string().nullable(), name: z.string().nullable() })),
    })
    .describe('Thành phần hồ sơ: each item of the procedure’s checklist, supplied, waived or missing'),
  assignee: assigneeRef.nullable(),
  resultNumber: z.string().nullable(),
  // Routed dossiers (issue 17): null and empty on today's fixed path.
  procedureVersion: z
    .strictObject({ procedureCode: z.string(), version: z.number().int(), isDefault: z.boolean() })
    .nullable()
    .optional()
    .describe('The internal procedure version the dossier pinned at receipt'),
  step: routedStep.nullable().optional().describe('The step of the pinned version the dossier is at, who holds it (unit, role, agency) and its due time'),
  legs: z.array(legView).optional().describe('Inter-agency legs and consultations of the dossier'),
  faultAgencyEid: z.string().nullable().optional().describe('The agency whose delay made the dossier late'),
  events: z.array(
    z.strictObject({
      seq: z.number().int(),
      type: z.string(),
      from: z.string().nullable(),
      to: z.string().nullable(),
      actor: z.strictObject({ fullName: z.string().optional(), role: z.string().nullable() }).nullable(),
      at: vnInstant,
      data: z.record(z.string(), z.unknown()).nullable().describe('What the event records (items, reasons, the visit, …), by its type'),
    }),
  ),
}).meta({ id: 'OfficerDossier' });

const handoffParty = z.strictObject({ userId: z.number().int().nullable(), name: z.string().nullable(), unit: z.string().nullable() });
/** Phiếu kiểm soát quá trình (dossiers/views.ts `processControl`). */
export const processControlResponse = z.strictObject({
  code: z.string(),
  handoffs: z.array(
    z.strictObject({
      step: z.enum(HANDOFF_STEPS),
      giver: handoffParty,
      receiver: handoffParty,
      receivedAt: vnInstant,
      dueAt: vnInstant.nullable().describe('The step’s budget'),
      doneAt: vnInstant.nullable(),
      outcome: z.string().nullable().describe('early, on_time or late, once done'),
      stepKey: z.string().optional().describe('Routed dossiers: the step of the pinned internal procedure'),
      stepName: z.string().nullable().optional(),
      agencyEid: z.string().optional().describe('The agency receiving the row, when not the dossier’s own (an inter-agency leg or consultation)'),
      legWorkflowId: z.string().optional().describe('The inter-agency leg or consultation the row belongs to (its own steps)'),
    }),
  ),
}).meta({ id: 'ProcessControlSheet' });

/** The citizen’s next step in the status lookup: the items, reason and place only for the signed-in applicant. */
const pendingStep = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('supplement'), items: z.array(z.unknown()).optional(), reason: z.string().nullable().optional(), itemCount: z.number().int(), deadline: vnInstant.nullable() }),
  z.strictObject({ kind: z.literal('site_visit'), visit: z.strictObject({ date: z.string(), from: z.string(), to: z.string(), place: z.string().optional() }) }),
]);

/** Public status lookup (dossiers/lookup.ts): personal data masked; what officers wrote only for the signed-in applicant. */
export const statusLookupResponse = z.strictObject({
  code: z.string(),
  procedure: z.strictObject({ code: z.string(), nationalCode: z.string().nullable(), name: z.string() }),
  agency: agencyRef,
  applicant: z.strictObject({ fullName: z.string().describe('Masked: N*** V*** A***') }),
  channel,
  submittedAt: vnInstant,
  receivedAt: vnInstant.nullable(),
  appointmentAt: vnInstant.nullable(),
  status: dossierStatusRef,
  pending: pendingStep.nullable(),
  closingReason: z.string().nullable().describe('Signed-in applicant only'),
  shipment: z.strictObject({ trackingNumber: z.string(), status: z.string() }).nullable(),
  fee: z.strictObject({ amountVnd: z.number().int(), status: z.string() }).nullable(),
  receipts: z.array(z.strictObject({ series: z.string(), number: z.number().int(), code: z.string().nullable(), amountVnd: z.number().int(), method: z.string(), paidAt: vnInstant.nullable() })),
  reappointment: z
    .strictObject({ at: vnInstant, originalAppointmentAt: vnInstant.nullable(), appointmentAt: vnInstant, reason: z.string().nullable().describe('Signed-in applicant only') })
    .nullable(),
  history: z.array(z.strictObject({ at: vnInstant, status: dossierStatusRef })),
  allowedActions: allowedActions.optional().describe('Signed-in applicant only: what they may do now (submitSupplement, withdraw)'),
  chain: chainLookup.optional().describe('A stage of an inter-agency chain (liên thông): every stage of it, the total due date'),
}).meta({ id: 'StatusLookup' });

/** Tra cứu theo số CCCD: the dossiers of one ID number, names masked. */
export const applicantDossiersResponse = z.strictObject({
  dossiers: z.array(
    z.strictObject({
      code: z.string(),
      procedure: z.strictObject({ code: z.string(), name: z.string() }),
      agency: agencyRef,
      applicant: z.strictObject({ fullName: z.string() }),
      submittedAt: vnInstant,
      receivedAt: vnInstant.nullable(),
      appointmentAt: vnInstant.nullable(),
      reappointed: z.strictObject({ at: vnInstant, originalAppointmentAt: vnInstant.nullable() }).nullable(),
      status: dossierStatusRef,
      allowedActions: allowedActions.optional().describe('The signed-in applicant’s own list only'),
      chain: chainRef.optional().describe('A stage of an inter-agency chain: the chain’s lookup code and the stage'),
    }),
  ),
}).meta({ id: 'ApplicantDossiers' });

/** Step 1 of the lookup by ID number: said the same of every ID number. */
export const idLookupSentResponse = z.strictObject({ message: z.string(), expiresInSeconds: z.number().int(), next: z.string() }).meta({ id: 'IdLookupCodeSent' });

/** Form 01 as data (Accept: application/json), what the printed receipt says. */
export const receiptDataResponse = z.strictObject({
  form: z.string(),
  agency: z.string(),
  code: z.string(),
  procedure: z.string(),
  applicant: z.strictObject({ fullName: z.string(), idNumber: z.string(), phone: z.string().nullable(), email: z.string().nullable(), address: z.string().nullable() }),
  documents: z.array(z.string()),
  sets: z.number().int(),
  processingTime: z.string(),
  channel: z.string(),
  deliveryMethod: z.string(),
  receivedAt: vnInstant.nullable(),
  appointmentAt: vnInstant.nullable(),
  originalAppointmentAt: vnInstant.nullable().describe('The appointment before the apology (Form 04), when reappointed'),
  receivedBy: z.string().nullable(),
  trackingBook: z.strictObject({ volume: z.number().int(), number: z.number().int() }).nullable(),
  lookup: z.string(),
  timeLimitNote: z.string().nullable().optional().describe('Where the limit counts from a complete dossier and the fee paid: that rule, and no appointment until paid'),
}).meta({ id: 'IntakeReceipt' });
