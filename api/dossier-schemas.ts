import { z } from 'zod';
import { CITIZEN_ID, isoInstant, shortText, textList } from './contract';

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
