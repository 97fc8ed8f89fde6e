import { AWAITING_SUPPLEMENT, isTerminal, STOPPABLE, statusLabel, type DossierStatus } from './status';
import type { DeliveryMethod, OfficerRole } from './types';
import { visitWindowText, visitStart, type VisitWindow } from './site-visit';

/**
 * Who may do what to a dossier, and when: the one set of rules behind both the workflow's Update
 * validators (workflows/dossier/*.ts, on the workflow's own state) and the `allowedActions` of the
 * dossier views (dossiers/views.ts, on the read model the workflow projects). Pure, so both can
 * call it: a rule changed here changes what is refused and what the console offers together.
 *
 * A refusal carries a stable `reason` code (machines, the console) and a Vietnamese `detail`
 * (what the officer reads). The codes are listed in docs/problem-reasons.md.
 * Input checks (a missing reason, a bad date) are not here: they depend on what is sent, not on
 * who sends it or when, and stay beside each Update.
 */

/** The officers' Updates, by the names the workflow's contract gives them (workflows/contracts/dossier-v1.ts). */
export const OFFICER_ACTIONS = [
  'acceptIntake',
  'requestIntakeSupplement',
  'refuseIntake',
  'assign',
  'claim',
  'release',
  'requestSupplement',
  'scheduleVerification',
  'recordVerification',
  'recordPayment',
  'proposeDecision',
  'decide',
  'handOverResult',
  'cancel',
  'extendDeadline',
  'pauseClock',
  'resumeClock',
  'reappoint',
  // Routed dossiers (issue 17): the steps of the pinned internal procedure.
  'forwardStep',
  'sendBack',
  'issueResult',
  'consult',
  'chaseLeg',
] as const;
export type OfficerAction = (typeof OFFICER_ACTIONS)[number];

/** The applicant's Updates. */
export const CITIZEN_ACTIONS = ['submitSupplement', 'withdraw'] as const;
export type CitizenAction = (typeof CITIZEN_ACTIONS)[number];

export type DossierAction = OfficerAction | CitizenAction;

/** What the rules look at: the dossier as its workflow holds it, or as the read model shows it. */
export interface DossierFacts {
  code: string;
  status: DossierStatus;
  /** Another action is being applied right now (the workflow's lock; always false in the read model). */
  busy: boolean;
  deliveryMethod: DeliveryMethod;
  assignee: { userId: number; fullName: string | null } | null;
  /** Supplements asked for at intake and during processing. */
  intakeSupplements: number;
  processingSupplements: number;
  fee: { amountVnd: number; timing: string; paid: boolean };
  /** The result is with the post (a tracking number). */
  withPost: boolean;
  /** The on-site visit waiting to be recorded, if any. */
  pendingVisit: VisitWindow | null;
  /**
   * Whether the catalogue provides on-site verification for the procedure: without it only a
   * leader schedules a visit, with a reason. Unknown (undefined) to the workflow, whose
   * command says it (the API found it in the catalogue first: dossiers/verification.ts).
   */
  siteVerification?: boolean;
  /**
   * Routed dossiers (issue 17): the step of the pinned internal procedure the dossier is at,
   * what may be done there and where it may be sent back; absent or null on today's fixed path.
   */
  step?: { key: string; kind: string; role: OfficerRole; agencyEid: string; actions: readonly string[]; sendBackTo: readonly string[] } | null;
  /** Consultations sent and not yet answered or expired: the step cannot end before they are collected. */
  openConsultations?: number;
  /** The clock ledger; null for dossiers begun before it (their dates are as printed). */
  clock: {
    /** Received, but the limit counts from the fee's payment, not paid yet. */
    awaitingFee: boolean;
    /** The limit runs (a schedule exists): false before receipt. */
    running: boolean;
    /** Stopped for good at the decision or the stop. */
    stopped: boolean;
    paused: boolean;
    pausedFor: 'citizen_supplement' | 'clock_excluded' | null;
    dueAt: string | null;
    /** The last moment for the apology (Form 04); unknown (null) in the read model. */
    apologyBy: string | null;
    reappointed: boolean;
  } | null;
}

/** Who asks: an officer with their roles in the dossier's agency, or the applicant. */
export type Caller = { kind: 'officer'; userId: number; roles: readonly OfficerRole[] } | { kind: 'applicant' };

/** How an action is meant, where one Update covers two: a leader's further supplement, a leader's exceptional visit. */
export interface ActionVariant {
  /** requestSupplement with overrideReason: a leader asks again. */
  override?: boolean;
  /** scheduleVerification with an exception (a visit the rules allow only with a leader's reason). */
  exception?: boolean;
  /** recordPayment: the payment was already told to the dossier (a redelivered callback), nothing to refuse. */
  alreadyRecorded?: boolean;
  /** Routed dossiers: the step the officer saw the dossier at; another step now is refused (StepChanged). */
  stepKey?: string;
}

/** Why not: `state` is a 409, `forbidden` a 403, `invalid` a 422. */
export interface Refusal {
  kind: 'state' | 'forbidden' | 'invalid';
  reason: string;
  detail: string;
}

/** What each action is, in the officer's words (used in the refusals). */
export const ACTION_LABELS: Record<DossierAction, string> = {
  acceptIntake: 'tiếp nhận hồ sơ',
  requestIntakeSupplement: 'yêu cầu bổ sung hồ sơ khi tiếp nhận',
  refuseIntake: 'từ chối tiếp nhận hồ sơ',
  assign: 'phân công chuyên viên xử lý',
  claim: 'nhận xử lý hồ sơ',
  release: 'trả lại hồ sơ để phân công người khác',
  requestSupplement: 'yêu cầu bổ sung hồ sơ trong quá trình giải quyết',
  scheduleVerification: 'lên lịch xác minh, kiểm tra thực địa',
  recordVerification: 'ghi biên bản xác minh',
  recordPayment: 'ghi nhận nộp phí, lệ phí',
  proposeDecision: 'đề xuất kết quả giải quyết',
  decide: 'phê duyệt kết quả giải quyết',
  handOverResult: 'trả kết quả tại Bộ phận Một cửa',
  cancel: 'dừng giải quyết hồ sơ',
  extendDeadline: 'gia hạn thời gian giải quyết',
  pauseClock: 'tạm dừng tính thời gian giải quyết',
  resumeClock: 'tính tiếp thời gian giải quyết',
  reappoint: 'gửi thư xin lỗi và hẹn lại ngày trả kết quả',
  forwardStep: 'chuyển hồ sơ sang bước tiếp theo',
  sendBack: 'trả hồ sơ về bước trước',
  issueResult: 'vào số, phát hành kết quả',
  consult: 'xin ý kiến cơ quan khác',
  chaseLeg: 'đôn đốc cơ quan phối hợp',
  submitSupplement: 'bổ sung hồ sơ',
  withdraw: 'rút hồ sơ',
};

const ROLE_NAMES: Record<OfficerRole, string> = {
  one_stop_officer: 'cán bộ Bộ phận Một cửa',
  specialist: 'chuyên viên xử lý',
  leader: 'lãnh đạo cơ quan',
  supervisor: 'cán bộ giám sát',
  admin: 'quản trị hệ thống',
};

/** Statuses in which a leader may extend or re-appoint and a specialist may stop the clock. */
export const PROCESSING: readonly DossierStatus[] = ['RECEIVED', 'IN_REVIEW', 'SITE_VERIFICATION', 'AWAITING_DECISION'];
const CLOCK_STEPS: readonly DossierStatus[] = ['IN_REVIEW', 'SITE_VERIFICATION', 'AWAITING_DECISION'];

/** In which statuses each action can be done at all. */
export const ACTION_STATUSES: Record<DossierAction, readonly DossierStatus[]> = {
  acceptIntake: ['SUBMITTED'],
  requestIntakeSupplement: ['SUBMITTED'],
  refuseIntake: ['SUBMITTED'],
  assign: ['RECEIVED', 'IN_REVIEW'],
  claim: ['RECEIVED'],
  release: ['IN_REVIEW'],
  requestSupplement: ['IN_REVIEW'],
  scheduleVerification: ['IN_REVIEW', 'SITE_VERIFICATION'],
  recordVerification: ['SITE_VERIFICATION'],
  // Any live dossier: a fee may be paid before receipt, during processing or at the result.
  recordPayment: ['SUBMITTED', 'SUPPLEMENT_AT_INTAKE', 'RECEIVED', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', 'SITE_VERIFICATION', 'AWAITING_DECISION', 'APPROVED', 'RESULT_IN_TRANSIT', 'RESULT_RETURNED', 'RESULT_DELIVERED'],
  proposeDecision: ['IN_REVIEW'],
  decide: ['AWAITING_DECISION'],
  handOverResult: ['APPROVED', 'RESULT_RETURNED'],
  cancel: STOPPABLE,
  extendDeadline: PROCESSING,
  pauseClock: CLOCK_STEPS,
  resumeClock: CLOCK_STEPS,
  reappoint: [...PROCESSING, 'SUPPLEMENT_REQUESTED'],
  // Relays after the decision run while the result waits (APPROVED).
  forwardStep: [...PROCESSING, 'APPROVED'],
  sendBack: [...PROCESSING, 'APPROVED'],
  issueResult: ['APPROVED'],
  consult: PROCESSING,
  chaseLeg: [...PROCESSING, 'APPROVED'],
  submitSupplement: AWAITING_SUPPLEMENT,
  withdraw: STOPPABLE,
};

const state = (reason: string, detail: string): Refusal => ({ kind: 'state', reason, detail });
const forbidden = (reason: string, detail: string): Refusal => ({ kind: 'forbidden', reason, detail });

/** 50000 → "50.000 đồng" (no Intl: workflows call this too). */
const vnd = (n: number) => `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`;

/** The dossier is busy, or not in a status where the action can be done. */
function statusRefusal(action: DossierAction, f: DossierFacts): Refusal | null {
  if (f.busy) return state('DossierBusy', `Hồ sơ ${f.code} đang được thực hiện một thao tác khác; vui lòng tải lại hồ sơ và thử lại.`);
  const allowed = ACTION_STATUSES[action];
  if (allowed.includes(f.status)) return null;
  if (isTerminal(f.status)) {
    return state('DossierEnded', `Không thể ${ACTION_LABELS[action]}: hồ sơ ${f.code} đã kết thúc (${statusLabel(f.status)}).`);
  }
  return state(
    'DossierStatusNotAllowed',
    `Không thể ${ACTION_LABELS[action]}: hồ sơ ${f.code} đang ở trạng thái «${statusLabel(f.status)}», thao tác này chỉ thực hiện khi hồ sơ ở trạng thái ${allowed.map((s) => `«${statusLabel(s)}»`).join(' hoặc ')}.`,
  );
}

function roleRefusal(action: DossierAction, who: Caller, roles: OfficerRole[]): Refusal | null {
  if (who.kind === 'officer' && roles.some((r) => who.roles.includes(r))) return null;
  return forbidden(
    'RoleRequired',
    `Chỉ ${roles.map((r) => ROLE_NAMES[r]).join(' hoặc ')} của cơ quan giải quyết hồ sơ được ${ACTION_LABELS[action]}; tài khoản của bạn không có vai trò này tại cơ quan.`,
  );
}

/** The assigned specialist only (the specialist role first: a one-stop officer is forbidden, another specialist is too late). */
function assigneeRefusal(action: DossierAction, f: DossierFacts, who: Caller, needRole = true): Refusal | null {
  if (needRole) {
    const role = roleRefusal(action, who, ['specialist']);
    if (role) return role;
  }
  if (who.kind === 'officer' && f.assignee?.userId === who.userId) return null;
  const holder = f.assignee ? `đang được phân công cho ${f.assignee.fullName ?? 'chuyên viên khác'}` : 'chưa được phân công cho chuyên viên nào';
  return state('NotAssignee', `Không thể ${ACTION_LABELS[action]}: hồ sơ ${f.code} ${holder}, không phải cho bạn.`);
}

/** The clock ledger must run for deadline actions. */
function ledgerRefusal(action: DossierAction, f: DossierFacts): Refusal | null {
  const c = f.clock;
  const what = ACTION_LABELS[action];
  if (!c) return state('NoClockLedger', `Không thể ${what}: hồ sơ ${f.code} được tiếp nhận trước khi hệ thống theo dõi thời hạn theo sổ thời gian; ngày hẹn giữ như đã in trên phiếu.`);
  if (!c.running && c.awaitingFee) return state('ClockAwaitsFee', `Không thể ${what}: thời hạn giải quyết hồ sơ ${f.code} được tính từ khi nộp phí, lệ phí, mà phí chưa được nộp.`);
  if (!c.running) return state('ClockNotStarted', `Không thể ${what}: hồ sơ ${f.code} chưa được tiếp nhận nên chưa tính thời hạn giải quyết.`);
  if (c.stopped) return state('ClockStoppedAtDecision', `Không thể ${what}: thời hạn giải quyết hồ sơ ${f.code} đã dừng khi có quyết định.`);
  return null;
}

const STEP_ACTION_NAMES: Record<string, string> = {
  forward: 'chuyển bước tiếp theo',
  send_back: 'trả lại bước trước',
  request_supplement: 'yêu cầu bổ sung hồ sơ',
  schedule_verification: 'xác minh thực địa',
  consult: 'xin ý kiến cơ quan khác',
  propose: 'đề xuất kết quả',
  decide: 'phê duyệt kết quả',
  issue: 'vào số, phát hành kết quả',
};

/**
 * Routed dossiers (issue 17): the officer's screen showed the step held now, the step allows the
 * action (`allows`, a StepAction, or a test on the step), and no consultation is pending when
 * the action ends the step. Null (no refusal) on today's fixed path when `routedOnly` is false.
 */
function stepRefusal(
  action: DossierAction,
  f: DossierFacts,
  variant: ActionVariant,
  allows: string | ((step: NonNullable<DossierFacts['step']>) => boolean),
  opts: { routedOnly?: boolean; endsStep?: boolean } = {},
): Refusal | null {
  const step = f.step;
  if (!step) {
    return opts.routedOnly
      ? state('NotRouted', `Không thể ${ACTION_LABELS[action]}: hồ sơ ${f.code} được giải quyết theo quy trình mặc định, không theo các bước của một quy trình nội bộ.`)
      : null;
  }
  if (variant.stepKey !== undefined && variant.stepKey !== step.key) {
    return state('StepChanged', `Hồ sơ ${f.code} đã chuyển sang bước khác; vui lòng tải lại hồ sơ trước khi ${ACTION_LABELS[action]}.`);
  }
  const ok = typeof allows === 'string' ? step.actions.includes(allows) : allows(step);
  if (!ok) {
    const what = typeof allows === 'string' ? `thao tác «${STEP_ACTION_NAMES[allows] ?? allows}»` : `việc ${ACTION_LABELS[action]}`;
    return state('StepActionNotAllowed', `Không thể ${ACTION_LABELS[action]}: bước hiện tại của hồ sơ ${f.code} không có ${what} theo quy trình nội bộ.`);
  }
  if (opts.endsStep && (f.openConsultations ?? 0) > 0) {
    return state('ConsultationsPending', `Hồ sơ ${f.code} đang chờ ý kiến của ${f.openConsultations} cơ quan được xin ý kiến; bước này kết thúc khi đã nhận đủ ý kiến hoặc hết hạn trả lời.`);
  }
  return null;
}

const first = (...checks: Array<() => Refusal | null>): Refusal | null => {
  for (const c of checks) {
    const r = c();
    if (r) return r;
  }
  return null;
};

/**
 * Why `who` may not do `action` to the dossier now, or null when they may. The variant says how
 * an Update covering two ways is meant; `now` is the moment judged (ms since the epoch).
 */
export function actionRefusal(action: DossierAction, f: DossierFacts, who: Caller, variant: ActionVariant = {}, now: number = Date.now()): Refusal | null {
  if (action === 'recordPayment' && variant.alreadyRecorded) return null;
  const status = () => statusRefusal(action, f);
  const role = (...roles: OfficerRole[]) => () => roleRefusal(action, who, roles);
  const assignee = () => assigneeRefusal(action, f, who);
  const c = f.clock;
  switch (action) {
    case 'acceptIntake':
    case 'refuseIntake':
      return first(status, role('one_stop_officer'));
    case 'requestIntakeSupplement':
      return first(status, role('one_stop_officer'), () =>
        f.intakeSupplements >= 1
          ? state('IntakeSupplementAlreadyRequested', `Hồ sơ ${f.code} đã được yêu cầu bổ sung một lần khi tiếp nhận; nay chỉ có thể tiếp nhận hoặc từ chối tiếp nhận (nêu rõ lý do).`)
          : null,
      );
    case 'assign':
      return first(status, role('leader'), () => (f.status === 'RECEIVED' ? stepRefusal(action, f, variant, (st) => st.kind === 'assignment') : null));
    case 'claim':
      return first(status, role('specialist'), () => stepRefusal(action, f, variant, (st) => st.kind === 'assignment'));
    case 'release':
      return first(status, () => assigneeRefusal(action, f, who, false));
    case 'requestSupplement':
      return first(
        status,
        () => stepRefusal(action, f, variant, 'request_supplement'),
        ...(variant.override
          ? [
              role('leader'),
              () =>
                f.processingSupplements === 0
                  ? state('NoSupplementToRepeat', `Hồ sơ ${f.code} chưa được yêu cầu bổ sung lần nào trong quá trình giải quyết: chuyên viên thụ lý yêu cầu lần đầu, không cần lý do của lãnh đạo.`)
                  : null,
            ]
          : [
              assignee,
              () =>
                f.processingSupplements >= 1
                  ? state(
                      'SupplementAlreadyRequested',
                      `Hồ sơ ${f.code} đã được yêu cầu bổ sung một lần trong quá trình giải quyết; chỉ lãnh đạo cơ quan được yêu cầu thêm, có nêu lý do (overrideReason), và hồ sơ khi đó tính là trễ hạn.`,
                    )
                  : null,
            ]),
        () => (c?.paused ? state('ClockPaused', `Thời gian giải quyết hồ sơ ${f.code} đang tạm dừng cho một bước không tính thời gian; tính tiếp thời gian trước khi yêu cầu công dân bổ sung.`) : null),
        () =>
          c?.awaitingFee
            ? state('ClockAwaitsFee', `Thời hạn giải quyết hồ sơ ${f.code} được tính từ khi nộp phí, lệ phí, mà phí chưa được nộp: thu phí trước khi yêu cầu bổ sung.`)
            : null,
      );
    case 'scheduleVerification':
      return first(status, () => stepRefusal(action, f, variant, 'schedule_verification'), variant.exception ? role('leader') : assignee, () =>
        !variant.exception && f.siteVerification === false
          ? {
              kind: 'invalid',
              reason: 'ProcedureWithoutSiteVerification',
              detail: `Thủ tục của hồ sơ ${f.code} không quy định xác minh thực địa: chỉ lãnh đạo cơ quan lên lịch xác minh và ghi rõ lý do.`,
            }
          : null,
      );
    case 'recordVerification':
      return first(status, assignee, () => {
        const visit = f.pendingVisit;
        if (!visit) {
          return state('VisitNotScheduled', `Hồ sơ ${f.code} không có lịch xác minh đang chờ: lần xác minh trước đã ghi nhận không gặp được, vui lòng lên lịch lại trước khi ghi biên bản.`);
        }
        if (now < Date.parse(visitStart(visit))) {
          return state('VisitNotYetDue', `Chưa đến giờ xác minh (${visitWindowText(visit)}): chỉ ghi kết quả xác minh hoặc ghi nhận không gặp được từ thời điểm đó.`);
        }
        return null;
      });
    case 'recordPayment':
      return first(
        status,
        // Online payments come from the gateway (no officer); at the counter, a one-stop officer takes them.
        ...(who.kind === 'officer' ? [role('one_stop_officer')] : []),
        () => (f.fee.amountVnd === 0 ? state('NoFeeDue', `Hồ sơ ${f.code} không phải nộp phí, lệ phí.`) : null),
        () => (f.fee.paid ? state('FeeAlreadyPaid', `Phí, lệ phí của hồ sơ ${f.code} đã được nộp.`) : null),
      );
    case 'proposeDecision':
      return first(status, () => stepRefusal(action, f, variant, 'propose', { endsStep: true }), assignee, () =>
        !f.fee.paid && (f.fee.timing === 'at_submission' || f.fee.timing === 'before_processing')
          ? state('FeeUnpaid', `Phí, lệ phí ${vnd(f.fee.amountVnd)} của hồ sơ ${f.code} phải được nộp trước khi hồ sơ được giải quyết tiếp.`)
          : null,
      );
    case 'decide':
      return first(status, () => stepRefusal(action, f, variant, (st) => st.kind === 'decision'), role('leader'));
    case 'forwardStep':
      return first(status, () => stepRefusal(action, f, variant, 'forward', { routedOnly: true, endsStep: true }), () => role(f.step!.role as OfficerRole)());
    case 'sendBack':
      return first(status, () => stepRefusal(action, f, variant, 'send_back', { routedOnly: true }), () => role(f.step!.role as OfficerRole)());
    case 'issueResult':
      return first(status, () => stepRefusal(action, f, variant, (st) => st.kind === 'issue', { routedOnly: true }), () => role(f.step!.role as OfficerRole)());
    case 'consult':
      return first(status, () => stepRefusal(action, f, variant, 'consult', { routedOnly: true }), () => role(f.step!.role as OfficerRole)());
    case 'chaseLeg':
      return first(
        status,
        () => stepRefusal(action, f, variant, (st) => st.kind === 'leg' || (f.openConsultations ?? 0) > 0, { routedOnly: true }),
        role('leader', 'one_stop_officer', 'specialist'),
      );
    case 'handOverResult':
      return first(
        status,
        role('one_stop_officer'),
        // Routed dossiers: the result is handed back at the version's last step only.
        () => stepRefusal(action, f, variant, (st) => st.kind === 'result'),
        () => (f.status === 'APPROVED' && f.withPost ? state('ResultWithPost', `Kết quả của hồ sơ ${f.code} đã được chuyển qua bưu chính.`) : null),
        () =>
          f.deliveryMethod === 'online'
            ? state('ResultDeliveredOnline', `Hồ sơ ${f.code} nhận kết quả trực tuyến; không trả kết quả tại Bộ phận Một cửa.`)
            : null,
        () => (!f.fee.paid ? state('FeeUnpaid', `Phí, lệ phí ${vnd(f.fee.amountVnd)} của hồ sơ ${f.code} chưa được nộp: chưa trả kết quả khi chưa nộp phí.`) : null),
      );
    case 'cancel':
      return first(status, role('leader', 'one_stop_officer'));
    case 'extendDeadline':
      return first(status, role('leader'), () => ledgerRefusal(action, f), () => {
        if (c!.paused) return state('ClockPaused', `Thời gian giải quyết hồ sơ ${f.code} đang tạm dừng; chỉ gia hạn khi thời gian được tính tiếp.`);
        if (c!.dueAt && now >= Date.parse(c!.dueAt)) {
          return state('PastDueDate', `Hồ sơ ${f.code} đã quá hạn giải quyết; việc gia hạn phải thực hiện trước hạn, nay chỉ có thể gửi thư xin lỗi và hẹn lại ngày trả kết quả.`);
        }
        return null;
      });
    case 'pauseClock':
      return first(status, ...(who.kind === 'officer' && who.roles.includes('leader') ? [] : [assignee]), () => ledgerRefusal(action, f), () =>
        c!.paused ? state('ClockAlreadyPaused', `Thời gian giải quyết hồ sơ ${f.code} đã đang tạm dừng.`) : null,
      );
    case 'resumeClock':
      return first(status, ...(who.kind === 'officer' && who.roles.includes('leader') ? [] : [assignee]), () => ledgerRefusal(action, f), () =>
        c!.pausedFor !== 'clock_excluded' ? state('ClockNotPaused', `Thời gian giải quyết hồ sơ ${f.code} không tạm dừng cho bước không tính thời gian nào.`) : null,
      );
    case 'reappoint':
      return first(status, role('leader'), () => ledgerRefusal(action, f), () => {
        if (c!.reappointed) return state('AlreadyReappointed', `Hồ sơ ${f.code} đã được hẹn lại ngày trả kết quả một lần; không được hẹn lại lần thứ hai.`);
        if (c!.apologyBy && now > Date.parse(c!.apologyBy)) {
          return state('ApologyTooLate', `Thư xin lỗi và hẹn lại phải gửi chậm nhất 01 ngày làm việc trước hạn giải quyết; hạn gửi của hồ sơ ${f.code} đã qua.`);
        }
        return null;
      });
    case 'submitSupplement':
    case 'withdraw':
      return first(status, () => (who.kind === 'applicant' ? null : forbidden('ApplicantOnly', `Chỉ người nộp hồ sơ được ${ACTION_LABELS[action]}.`)));
  }
}

/** The variants an action can be meant in: allowed when any of them is. */
const VARIANTS: Partial<Record<DossierAction, ActionVariant[]>> = {
  requestSupplement: [{}, { override: true }],
  scheduleVerification: [{}, { exception: true }],
};

/** What `who` may do to the dossier now, in the order of the contract. */
export function allowedActions(f: DossierFacts, who: Caller, now: number = Date.now()): DossierAction[] {
  const candidates: readonly DossierAction[] = who.kind === 'officer' ? OFFICER_ACTIONS : CITIZEN_ACTIONS;
  return candidates.filter((a) => (VARIANTS[a] ?? [{}]).some((v) => actionRefusal(a, f, who, v, now) === null));
}

/**
 * What each action means, for the API's readers (the OpenAPI document's AllowedAction schema):
 * the Update, its route, who may take it and when. The rules above are what decides.
 */
export const ACTION_MEANINGS: Record<DossierAction, string> = {
  acceptIntake: 'Accept at intake (tiếp nhận), POST /dossiers/{code}/intake/accept: one-stop officer, dossier SUBMITTED.',
  requestIntakeSupplement: 'Ask for a supplement at intake (Form 02), POST /dossiers/{code}/intake/supplement-request: one-stop officer, dossier SUBMITTED, once per dossier.',
  refuseIntake: 'Refuse at intake with reasons (Form 03), POST /dossiers/{code}/intake/refuse: one-stop officer, dossier SUBMITTED.',
  assign: 'Assign or reassign a specialist, POST /dossiers/{code}/assignment: leader, dossier RECEIVED or IN_REVIEW.',
  claim: 'Take an unassigned dossier, POST /dossiers/{code}/claim: specialist, dossier RECEIVED.',
  release: 'Give the dossier back for assignment, POST /dossiers/{code}/release: its assignee, dossier IN_REVIEW.',
  requestSupplement:
    'Ask the citizen for a supplement during processing, POST /dossiers/{code}/review/supplement-request: the assigned specialist for the first request, a leader (with overrideReason) for a further one; dossier IN_REVIEW, clock running.',
  scheduleVerification:
    'Schedule or reschedule an on-site visit, POST /dossiers/{code}/verification: the assigned specialist; a leader only for a visit that needs a leader’s reason (exceptionReason); dossier IN_REVIEW or SITE_VERIFICATION.',
  recordVerification: 'Record the visit (minutes, outcome), POST /dossiers/{code}/verification/record: the assigned specialist, a visit scheduled and its start time come.',
  recordPayment: 'Record a fee paid at the counter, POST /dossiers/{code}/payments: one-stop officer, a fee due and unpaid, dossier not ended.',
  proposeDecision: 'Propose approval or denial to the leader, POST /dossiers/{code}/review/proposal: the assigned specialist, dossier IN_REVIEW, any fee due before processing paid.',
  decide: 'Approve, deny or return to the specialist, POST /dossiers/{code}/decision: leader, dossier AWAITING_DECISION.',
  handOverResult:
    'Hand the result over at the counter, POST /dossiers/{code}/result/handover: one-stop officer, dossier APPROVED (not with the post) or RESULT_RETURNED, result not delivered online, fee paid.',
  cancel: 'Stop processing with a reason (stop notice), POST /dossiers/{code}/cancel: leader or one-stop officer, before the decision.',
  extendDeadline: 'Extend the time limit, POST /dossiers/{code}/deadline/extension: leader, clock running and not paused, before the due date.',
  pauseClock: 'Stop the clock for a clock-excluded step, POST /dossiers/{code}/clock/pause: leader or the assigned specialist, clock running.',
  resumeClock: 'Restart the clock after a clock-excluded step, POST /dossiers/{code}/clock/resume: leader or the assigned specialist, clock paused for such a step.',
  reappoint: 'Apologise with a new appointment (Form 04), POST /dossiers/{code}/deadline/reappointment: leader, once, no later than one working day before the due date.',
  forwardStep: 'Forward to the next step of the internal procedure, POST /dossiers/{code}/steps/forward: the role of the step held, at a step that allows it, no consultation pending.',
  sendBack: 'Send back to an earlier step the internal procedure names, with a reason, POST /dossiers/{code}/steps/send-back: the role of the step held, at a step that allows it.',
  issueResult: 'Number and issue the approved result, POST /dossiers/{code}/result/issue: the role of the issue step, at that step.',
  consult: 'Ask other agencies for their opinion, each by its deadline, POST /dossiers/{code}/consultations: the role of the step held, at a step that allows it.',
  chaseLeg: 'Chase an inter-agency leg or consultation, POST /dossiers/{code}/legs/chase: leader, one-stop officer or specialist of the lead agency, a leg or consultation open.',
  submitSupplement: 'Supplement the documents asked for, POST /citizen/dossiers/{code}/supplement: the applicant, a supplement requested.',
  withdraw: 'Withdraw the dossier, POST /citizen/dossiers/{code}/withdraw: the applicant, before the decision.',
};
