import type { TimeLimit } from './calendar';
import type { OfficerRole } from './types';

/**
 * Quy trình nội bộ (docs/domain.md §2.2, §3.8): how one procedure is processed, step by step,
 * as published data. A published version is immutable; a dossier pins the version in force at
 * its receipt and finishes under it, whatever is published later (the rule calendars follow).
 * Pure: the API validates drafts with it, the workflows interpret the steps it describes.
 *
 * The step budgets count in working time of the agency that does the step (a working day is
 * WORKING_DAY_HOURS working hours). The intake step counts from submission, before the legal
 * clock starts; every other step shares the procedure's legal time limit, so their sum must fit it.
 */

/** A working day in step budgets: 07:30–11:30 and 13:00–17:00 (docs/domain.md §12). */
export const WORKING_DAY_HOURS = 8;

/** What an officer may do at a step. */
export const STEP_ACTIONS = [
  /** chuyển bước tiếp theo */
  'forward',
  /** trả lại bước trước (to a step the version names, with a reason) */
  'send_back',
  /** yêu cầu bổ sung hồ sơ */
  'request_supplement',
  /** xác minh, kiểm tra thực địa */
  'schedule_verification',
  /** xin ý kiến cơ quan khác (in parallel, each with its deadline) */
  'consult',
  /** đề xuất kết quả giải quyết */
  'propose',
  /** phê duyệt: approve, deny (or return, which is a send-back) */
  'decide',
  /** vào số, phát hành kết quả */
  'issue',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/**
 * What the step is in the dossier's lifecycle: the status the dossier is in while it holds the
 * step, and what ends the step.
 * - intake: the one-stop officer receives (acceptance ends it). Always the first step.
 * - relay: someone looks at the dossier and forwards it (trình, chuyển): `forward` ends it.
 * - assignment: a leader gives the dossier to a specialist (or the least loaded is chosen): the assignment ends it.
 * - review: the assigned specialist appraises (thẩm định): `propose` ends it, or `forward` where a later step proposes.
 * - verification: the assigned specialist visits on site: the recorded visit (confirmed or with discrepancies) ends it.
 * - approval: a reviewer initials and forwards the proposal (ký nháy, trình): `forward` ends it.
 * - decision: the leader approves or denies: the decision ends it (return = send back).
 * - issue: the result is numbered and issued (vào số, phát hành): `issue` ends it.
 * - leg: another agency's part (liên thông): a child workflow of that agency runs `steps`; its result or refusal ends it.
 * - result: the one-stop hands the result back (online, counter, post): delivery ends it. Always the last step.
 */
export const STEP_KINDS = ['intake', 'relay', 'assignment', 'review', 'verification', 'approval', 'decision', 'issue', 'leg', 'result'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface StepBudget {
  unit: 'working_days' | 'working_hours';
  /** Fractions allowed (0.5 day); 0 for a step that takes no time of its own (the return of a result). */
  value: number;
}

export interface ProcedureStep {
  /** Stable within the version (a-z, 0-9, _): hand-offs, send-backs and statistics name it. */
  key: string;
  /** What is done, in Vietnamese ("Chuyên viên thẩm định hồ sơ"). */
  name: string;
  /** Who does it, as printed on the process-control sheet ("Phòng Tôn giáo", "Văn phòng UBND Thành phố"). */
  unit: string;
  kind: StepKind;
  /** The role that acts, in the agency that does the step. */
  role: OfficerRole;
  budget: StepBudget;
  /** What may be done there; each kind requires its ending action (see requiredActions). */
  actions: StepAction[];
  /** The earlier steps `send_back` may return the dossier to. */
  sendBackTo?: string[];
  /** leg: the agency doing it (its own officers, worklists and calendar). */
  agencyEid?: string;
  /** leg: that agency's own steps (no intake, no result, no nested legs); their budgets fit the leg's. */
  steps?: ProcedureStep[];
  /** leg: the leg's result is the dossier's decision (the other agency decides and issues). */
  decides?: boolean;
}

/** A consultation (xin ý kiến) the version provides for: which agency, and its deadline. */
export interface ConsultationRule {
  agencyEid: string;
  /** What the agency is asked about, in Vietnamese. */
  subject: string;
  budget: StepBudget;
}

export interface InternalProcedureDocument {
  /** The internal procedure's own title and legal basis ("Quyết định 1594/QĐ-TTPVHCC ngày 20/11/2025"). */
  title: string;
  basis: string;
  steps: ProcedureStep[];
  /** Consultations a step with `consult` may send, in parallel. */
  consultations?: ConsultationRule[];
}

export interface InternalProcedureVersion extends InternalProcedureDocument {
  procedureCode: string;
  version: number;
  status: 'draft' | 'published';
  /** In force from this moment (published versions); a dossier received at or after it pins it. */
  effectiveFrom: string | null;
  /** Today's fixed path, derived from the procedure's step budgets (never drafted by hand). */
  isDefault: boolean;
}

/** The steps of a version as a dossier workflow holds them: what it needs to run, nothing more. */
export interface PinnedProcedure {
  procedureCode: string;
  version: number;
  isDefault: boolean;
  steps: ProcedureStep[];
  consultations: ConsultationRule[];
}

export function budgetHours(b: StepBudget): number {
  return b.unit === 'working_days' ? b.value * WORKING_DAY_HOURS : b.value;
}

/** The legal limit in working hours, or null when it is not counted in working time (calendar days). */
export function limitHours(limit: TimeLimit): number | null {
  switch (limit.unit) {
    case 'working_days':
      return limit.value * WORKING_DAY_HOURS;
    case 'working_hours':
      return limit.value;
    case 'same_day':
      return WORKING_DAY_HOURS;
    case 'calendar_days':
      return null;
  }
}

/** The budgets that share the legal limit: every step but intake. */
export function sharedBudgetHours(steps: readonly ProcedureStep[]): number {
  return steps.filter((s) => s.kind !== 'intake').reduce((sum, s) => sum + budgetHours(s.budget), 0);
}

/** The action that ends each kind of step: a version whose step cannot end is refused. */
export function requiredActions(kind: StepKind): StepAction[] {
  switch (kind) {
    case 'relay':
    case 'approval':
      return ['forward'];
    case 'review':
      return [];
    case 'verification':
      return ['schedule_verification'];
    case 'decision':
      return ['decide'];
    case 'issue':
      return ['issue'];
    default:
      return [];
  }
}

/** One problem of a draft, with where it is (`steps[3].budget`) and what is wrong, in Vietnamese. */
export interface VersionProblem {
  field: string;
  reason: string;
  message: string;
}

const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const ROLES: readonly OfficerRole[] = ['one_stop_officer', 'specialist', 'leader'];
const fmtHours = (h: number) => (h % WORKING_DAY_HOURS === 0 ? `${h / WORKING_DAY_HOURS} ngày làm việc` : `${Math.round((h / WORKING_DAY_HOURS) * 100) / 100} ngày làm việc (${h} giờ)`);

function checkSteps(steps: readonly ProcedureStep[], path: string, inLeg: boolean, problems: VersionProblem[], knownAgencies?: ReadonlySet<string>): void {
  const add = (field: string, reason: string, message: string) => problems.push({ field, reason, message });
  if (!Array.isArray(steps) || steps.length === 0) {
    add(path, 'NoSteps', 'Quy trình phải có ít nhất một bước.');
    return;
  }
  const seen = new Map<string, number>();
  steps.forEach((s, i) => {
    const at = `${path}[${i}]`;
    if (typeof s?.key !== 'string' || !KEY.test(s.key)) add(`${at}.key`, 'InvalidStepKey', `Mã bước "${String(s?.key)}" chỉ gồm chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng chữ.`);
    else if (seen.has(s.key)) add(`${at}.key`, 'DuplicateStepKey', `Mã bước "${s.key}" bị trùng với bước ${seen.get(s.key)! + 1}.`);
    else seen.set(s.key, i);
    if (typeof s?.name !== 'string' || !s.name.trim()) add(`${at}.name`, 'StepNameRequired', `Bước ${i + 1} cần có tên công việc.`);
    if (typeof s?.unit !== 'string' || !s.unit.trim()) add(`${at}.unit`, 'StepUnitRequired', `Bước ${i + 1} cần ghi đơn vị thực hiện.`);
    if (!STEP_KINDS.includes(s?.kind)) {
      add(`${at}.kind`, 'InvalidStepKind', `Loại bước "${String(s?.kind)}" không hợp lệ.`);
      return;
    }
    if (!ROLES.includes(s.role)) add(`${at}.role`, 'InvalidStepRole', `Vai trò "${String(s.role)}" không thực hiện được bước xử lý hồ sơ.`);
    const b = s.budget;
    if (!b || (b.unit !== 'working_days' && b.unit !== 'working_hours') || typeof b.value !== 'number' || !Number.isFinite(b.value) || b.value < 0 || b.value > 2000) {
      add(`${at}.budget`, 'InvalidStepBudget', `Thời gian của bước ${i + 1} phải là số ngày hoặc giờ làm việc không âm (được dùng số lẻ, ví dụ 0,5 ngày).`);
    } else if (b.value === 0 && s.kind !== 'result' && s.kind !== 'issue' && s.kind !== 'relay') {
      add(`${at}.budget`, 'InvalidStepBudget', `Bước ${i + 1} (${s.name}) cần có thời gian thực hiện lớn hơn 0.`);
    }
    if (!Array.isArray(s.actions) || s.actions.some((a: StepAction) => !STEP_ACTIONS.includes(a))) {
      add(`${at}.actions`, 'InvalidStepAction', `Các thao tác của bước ${i + 1} phải thuộc: ${STEP_ACTIONS.join(', ')}.`);
    } else {
      for (const need of requiredActions(s.kind)) {
        if (!s.actions.includes(need)) add(`${at}.actions`, 'StepCannotEnd', `Bước ${i + 1} (${s.name}) cần thao tác "${need}" để kết thúc bước.`);
      }
      if (s.kind === 'review' && !s.actions.includes('propose') && !s.actions.includes('forward')) {
        add(`${at}.actions`, 'StepCannotEnd', `Bước thẩm định ${i + 1} (${s.name}) cần thao tác "propose" hoặc "forward" để kết thúc bước.`);
      }
      if (s.actions.includes('send_back') !== (Array.isArray(s.sendBackTo) && s.sendBackTo.length > 0)) {
        add(`${at}.sendBackTo`, 'SendBackTargetRequired', `Bước ${i + 1} có thao tác "send_back" thì phải nêu bước được trả lại (sendBackTo), và ngược lại.`);
      }
    }
    for (const [j, target] of (s.sendBackTo ?? []).entries()) {
      const k = seen.get(target);
      if (k === undefined || k >= i) add(`${at}.sendBackTo[${j}]`, 'SendBackNotEarlier', `Bước ${i + 1} chỉ được trả lại một bước đứng trước nó; "${target}" không phải.`);
      else if (steps[k].kind === 'intake') add(`${at}.sendBackTo[${j}]`, 'SendBackToIntake', `Không trả hồ sơ đã tiếp nhận về bước tiếp nhận; yêu cầu công dân bổ sung thay vào đó.`);
    }
    if (s.kind === 'leg') {
      if (inLeg) add(`${at}.kind`, 'NestedLeg', 'Một bước liên thông không chứa bước liên thông khác.');
      if (typeof s.agencyEid !== 'string' || !s.agencyEid) add(`${at}.agencyEid`, 'LegAgencyRequired', `Bước liên thông ${i + 1} cần nêu cơ quan phối hợp (agencyEid).`);
      else if (knownAgencies && !knownAgencies.has(s.agencyEid)) add(`${at}.agencyEid`, 'UnknownAgency', `Không có cơ quan mã ${s.agencyEid}.`);
      checkSteps(s.steps ?? [], `${at}.steps`, true, problems, knownAgencies);
      const inner = (s.steps ?? []).reduce((sum: number, x: ProcedureStep) => sum + (x?.budget ? budgetHours(x.budget) : 0), 0);
      if (b && inner > budgetHours(b) + 1e-9) {
        add(`${at}.steps`, 'LegBudgetExceeded', `Các bước của cơ quan phối hợp cộng lại ${fmtHours(inner)}, vượt thời gian của bước liên thông (${fmtHours(budgetHours(b))}).`);
      }
      if ((s.steps ?? []).some((x: ProcedureStep) => x?.kind === 'intake' || x?.kind === 'result' || x?.kind === 'leg')) {
        add(`${at}.steps`, 'InvalidLegStep', 'Bước của cơ quan phối hợp không gồm tiếp nhận, trả kết quả hay liên thông lồng nhau.');
      }
      if (s.decides && !(s.steps ?? []).some((x: ProcedureStep) => x?.kind === 'decision')) add(`${at}.steps`, 'LegCannotDecide', `Bước liên thông ${i + 1} quyết định thay cơ quan chủ trì thì phải có bước phê duyệt.`);
    } else if (s.agencyEid !== undefined || s.steps !== undefined) {
      add(`${at}.agencyEid`, 'NotALeg', `Chỉ bước liên thông (kind "leg") mới nêu cơ quan phối hợp và các bước riêng.`);
    }
  });
  if (inLeg) return;
  if (steps[0]?.kind !== 'intake' || steps[0].role !== 'one_stop_officer') add(`${path}[0]`, 'FirstStepIntake', 'Bước đầu tiên là tiếp nhận hồ sơ tại Bộ phận Một cửa (kind "intake", vai trò one_stop_officer).');
  const last = steps[steps.length - 1];
  if (last?.kind !== 'result' || last.role !== 'one_stop_officer') add(`${path}[${steps.length - 1}]`, 'LastStepResult', 'Bước cuối cùng là trả kết quả tại Bộ phận Một cửa (kind "result", vai trò one_stop_officer).');
  if (steps.filter((s) => s?.kind === 'intake').length > 1 || steps.filter((s) => s?.kind === 'result').length > 1) add(path, 'OneIntakeOneResult', 'Quy trình có đúng một bước tiếp nhận và một bước trả kết quả.');
  const deciders = steps.filter((s) => s?.kind === 'decision' || (s?.kind === 'leg' && s.decides));
  if (deciders.length !== 1) add(path, 'OneDecision', 'Quy trình có đúng một bước phê duyệt kết quả (bước "decision", hoặc một bước liên thông có "decides").');
  const proposeAt = steps.findIndex((s) => s?.actions?.includes?.('propose'));
  const decideAt = steps.findIndex((s) => s?.kind === 'decision' || (s?.kind === 'leg' && s.decides));
  if (proposeAt < 0) add(path, 'NoProposal', 'Quy trình cần một bước thẩm định có thao tác đề xuất kết quả ("propose").');
  else if (decideAt >= 0 && proposeAt > decideAt) add(path, 'ProposalAfterDecision', 'Bước đề xuất kết quả phải đứng trước bước phê duyệt.');
  const assignAt = steps.findIndex((s) => s?.kind === 'assignment');
  const firstSpecialistWork = steps.findIndex((s) => s?.kind === 'review' || s?.kind === 'verification');
  if (assignAt < 0 || (firstSpecialistWork >= 0 && assignAt > firstSpecialistWork)) add(path, 'AssignmentBeforeReview', 'Quy trình cần bước phân công chuyên viên trước bước thẩm định.');
  // No send-back across the decision: a decided dossier is not reopened.
  steps.forEach((s, i) => {
    if (decideAt >= 0 && i > decideAt && (s.sendBackTo ?? []).some((t: string) => steps.findIndex((x) => x.key === t) <= decideAt)) {
      add(`${path}[${i}].sendBackTo`, 'SendBackAcrossDecision', `Bước ${i + 1} đứng sau bước phê duyệt: không trả hồ sơ về trước khi đã có quyết định.`);
    }
  });
}

/**
 * Every problem of a draft: its steps, their budgets against each other and against the
 * procedure's legal time limit. Empty when the version may be published.
 */
export function validateInternalProcedure(doc: InternalProcedureDocument, legalLimit: TimeLimit, knownAgencies?: ReadonlySet<string>): VersionProblem[] {
  const problems: VersionProblem[] = [];
  if (typeof doc?.title !== 'string' || !doc.title.trim()) problems.push({ field: 'title', reason: 'TitleRequired', message: 'Cần ghi tên quy trình nội bộ.' });
  if (typeof doc?.basis !== 'string' || !doc.basis.trim()) problems.push({ field: 'basis', reason: 'BasisRequired', message: 'Cần ghi căn cứ ban hành quy trình (số, ngày quyết định).' });
  checkSteps(doc?.steps, 'steps', false, problems, knownAgencies);
  const limit = limitHours(legalLimit);
  // Summed whenever every budget is a number, so one answer lists this problem with the others.
  const wellFormed = (b: StepBudget | undefined) => !!b && (b.unit === 'working_days' || b.unit === 'working_hours') && typeof b.value === 'number' && Number.isFinite(b.value) && b.value >= 0;
  if (limit !== null && Array.isArray(doc?.steps) && doc.steps.length > 0 && doc.steps.every((s) => wellFormed(s?.budget))) {
    const total = sharedBudgetHours(doc.steps);
    if (total > limit + 1e-9) {
      problems.push({
        field: 'steps',
        reason: 'BudgetExceedsTimeLimit',
        message: `Tổng thời gian các bước sau tiếp nhận là ${fmtHours(total)}, vượt thời hạn giải quyết theo quy định (${fmtHours(limit)}).`,
      });
    }
  }
  for (const [i, c] of (doc?.consultations ?? []).entries()) {
    if (typeof c?.agencyEid !== 'string' || !c.agencyEid) problems.push({ field: `consultations[${i}].agencyEid`, reason: 'LegAgencyRequired', message: 'Cần nêu cơ quan được xin ý kiến.' });
    else if (knownAgencies && !knownAgencies.has(c.agencyEid)) problems.push({ field: `consultations[${i}].agencyEid`, reason: 'UnknownAgency', message: `Không có cơ quan mã ${c.agencyEid}.` });
    if (typeof c?.subject !== 'string' || !c.subject.trim()) problems.push({ field: `consultations[${i}].subject`, reason: 'ConsultationSubjectRequired', message: 'Cần nêu nội dung xin ý kiến.' });
    if (!c?.budget || typeof c.budget.value !== 'number' || !(c.budget.value > 0)) problems.push({ field: `consultations[${i}].budget`, reason: 'InvalidStepBudget', message: 'Thời hạn trả lời ý kiến phải lớn hơn 0.' });
  }
  if ((doc?.consultations ?? []).length > 0 && !doc.steps?.some((s) => s?.actions?.includes?.('consult'))) {
    problems.push({ field: 'consultations', reason: 'NoConsultingStep', message: 'Quy trình có danh sách xin ý kiến nhưng không bước nào có thao tác "consult".' });
  }
  return problems;
}

/**
 * Today's fixed path as a version: intake → assignment → review → decision → result, with the
 * procedure's step budgets (working hours; the verification budget, if any, is spent inside the
 * review). Dossiers on it run exactly as before internal procedures were data.
 */
export function defaultSteps(stepBudgets: Partial<Record<string, number>> | null): ProcedureStep[] {
  const h = (k: string): StepBudget => ({ unit: 'working_hours', value: stepBudgets?.[k] ?? 0 });
  return [
    { key: 'intake', name: 'Tiếp nhận, kiểm tra hồ sơ', unit: 'Bộ phận Một cửa', kind: 'intake', role: 'one_stop_officer', budget: h('intake'), actions: [] },
    { key: 'assignment', name: 'Phân công chuyên viên xử lý', unit: 'Lãnh đạo cơ quan', kind: 'assignment', role: 'leader', budget: h('assignment'), actions: [] },
    {
      key: 'review',
      name: 'Thẩm định hồ sơ, đề xuất kết quả',
      unit: 'Chuyên viên xử lý',
      kind: 'review',
      role: 'specialist',
      budget: { unit: 'working_hours', value: (stepBudgets?.review ?? 0) + (stepBudgets?.verification ?? 0) },
      actions: ['request_supplement', 'schedule_verification', 'propose'],
    },
    { key: 'decision', name: 'Phê duyệt kết quả', unit: 'Lãnh đạo cơ quan', kind: 'decision', role: 'leader', budget: h('decision'), actions: ['decide', 'send_back'], sendBackTo: ['review'] },
    { key: 'result', name: 'Trả kết quả', unit: 'Bộ phận Một cửa', kind: 'result', role: 'one_stop_officer', budget: h('result'), actions: [] },
  ];
}

/** Liên thông điện tử (ND 297/2025): one submission, several agencies' procedures in turn, each with its limit. */
export interface ProcedureChain {
  code: string;
  name: string;
  basis: string;
  /** The whole chain's limit (ND 297: 16 working days). */
  totalLimit: StepBudget;
  stages: Array<{ procedureCode: string; agencyEid: string; limit: StepBudget }>;
}

export function validateChain(chain: ProcedureChain): VersionProblem[] {
  const problems: VersionProblem[] = [];
  if (!Array.isArray(chain.stages) || chain.stages.length < 2) problems.push({ field: 'stages', reason: 'ChainTooShort', message: 'Chuỗi liên thông có ít nhất hai thủ tục.' });
  const sum = (chain.stages ?? []).reduce((s, x) => s + budgetHours(x.limit), 0);
  if (sum > budgetHours(chain.totalLimit) + 1e-9) {
    problems.push({ field: 'stages', reason: 'BudgetExceedsTimeLimit', message: `Thời hạn các thủ tục cộng lại ${fmtHours(sum)}, vượt thời hạn của cả chuỗi (${fmtHours(budgetHours(chain.totalLimit))}).` });
  }
  return problems;
}
