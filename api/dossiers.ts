import { randomUUID } from 'node:crypto';
import type { Router, Request, Response } from 'express';
import { apiRouter } from './router';
import type { UpdateDefinition } from '@temporalio/common';
import type { Db } from '../db/connection';
import { DomainError } from '../domain/errors';
import type { Actor, DeliveryMethod } from '../domain/types';
import type { DossierClient } from '../dossiers/client';
import { agencyOffersProcedure, claimSupplementDocuments, storeSubmission, submissionTargets } from '../dossiers/submission';
import { assignableSpecialist } from '../dossiers/specialists';
import { checkChecklistPositions, checkIntakeDocuments, type IntakeDocumentCheck } from '../dossiers/checklist';
import { dossierDetail, loadDossierView, dossierState, dossierSummary as summaryOf, hasEnded as dossierHasEnded, loadDossier as findDossier, processControl } from '../dossiers/views';
import { dossierWorkflowStart, markWorkflowStarted } from '../dossiers/starts';
import { citizenActionAnswer, findApplicantActionDossier, loadActionDossier, officerActionAnswer, wellFormedCode, type ActionDossierRow } from '../dossiers/action-answer';
import { checkVisitAttachments, visitException } from '../dossiers/verification';
import {
  acceptIntakeUpdate,
  assignUpdate,
  cancelUpdate,
  claimUpdate,
  decideUpdate,
  handOverResultUpdate,
  proposeDecisionUpdate,
  refuseIntakeUpdate,
  releaseUpdate,
  recordVerificationUpdate,
  requestIntakeSupplementUpdate,
  requestSupplementUpdate,
  scheduleVerificationUpdate,
  submitSupplementUpdate,
  withdrawUpdate,
  extendDeadlineUpdate,
  pauseClockUpdate,
  resumeClockUpdate,
  reappointUpdate,
  type DossierView,
  type ScheduleVerificationCommand,
} from '../workflows/contracts/dossier-v1';
import { requireCitizen, requireOfficer } from './auth';
import { noteAuditedDossier } from './audit';
import { citizenIdOf, officerDossier, officerFor, requireApplicant } from './identity';
import { HttpProblem, problemOf } from './problem';
import { claimWithActionDossier, idempotencyKey, takeIdempotencyKey } from './idempotency';
import { timed, timeSinceArrival } from './server-timing';
import { declareRoute, dossierCodeParam, FieldErrors, IDEMPOTENCY_HEADER, jsonBody, parse } from './contract';
import {
  acceptIntakeBody,
  assignmentBody,
  citizenSupplementBody,
  clockPauseBody,
  decisionBody,
  dossierSummaryResponse,
  extensionBody,
  handoverBody,
  intakeSupplementBody,
  noteBody,
  officerActionResponse,
  processingSupplementBody,
  proposalBody,
  reappointmentBody,
  reasonBody,
  refuseBody,
  submissionBody,
  verificationBody,
  verificationRecordBody,
  withdrawBody,
} from './dossier-schemas';
import type { z } from 'zod';
import { chaseLegBody, consultBody, forwardStepBody, issueResultBody, sendBackBody } from './leg-schemas';
import { chaseLegUpdate, consultUpdate, forwardStepUpdate, issueResultUpdate, sendBackUpdate } from '../workflows/contracts/interagency-v1';

export interface DossierRoutesDeps {
  db: Db;
  dossiers: DossierClient;
}

/** One Update and its command: what an action route sends to the dossier's workflow. */
interface Command<C = any> {
  update: UpdateDefinition<DossierView, [C]>;
  cmd: C;
}
const command = <C>(update: UpdateDefinition<DossierView, [C]>, cmd: C): Command<C> => ({ update, cmd });

/** Which result deliveries each online level allows (docs/domain.md §12). */
const DELIVERY_BY_LEVEL: Record<'full' | 'partial', DeliveryMethod[]> = {
  full: ['online', 'postal', 'counter'],
  partial: ['counter', 'postal'],
};

export function dossierRoutes(deps: DossierRoutesDeps): Router {
  const { db, dossiers } = deps;
  const router = apiRouter();

  const dossierSummary = (id: number) => summaryOf(db, id);

  /**
   * Stores a new dossier and starts its workflow: online by the citizen, or at the
   * counter by a one-stop officer entering it for the citizen (tiếp nhận trực tiếp).
   */
  async function submitDossier(req: Request, res: Response, channel: 'online' | 'counter'): Promise<void> {
    // Online: the signed-in citizen files their own dossier; at the counter: a one-stop officer.
    const citizen = channel === 'online' ? requireCitizen(req) : null;
    if (channel === 'counter') requireOfficer(req);
    const key = idempotencyKey(req, true)!;
    const body = parse(submissionBody, jsonBody(req));
    const v = new FieldErrors();
    if (channel === 'online' && body.acceptNow !== undefined) v.fail('acceptNow', 'chỉ dùng khi cán bộ tiếp nhận tại quầy');
    if (body.waivers !== undefined && !body.acceptNow) v.fail('waivers', 'chỉ dùng khi cán bộ tiếp nhận ngay tại quầy (acceptNow)');
    v.throwIfInvalid();
    const { procedureCode, agencyEid, deliveryMethod, acceptNow, documents } = body;
    const { fullName, idNumber, phone, email, address } = body.applicant;
    const postalAddress = deliveryMethod === 'postal' ? body.postalAddress! : null;

    const { procedure, agency } = await submissionTargets(db, procedureCode, agencyEid);
    if (!procedure) v.fail('procedureCode', `không có thủ tục "${procedureCode}" trong danh mục`);
    if (!agency) v.fail('agencyEid', `không có cơ quan có mã "${agencyEid}"`);
    v.throwIfInvalid();
    if (citizen && idNumber !== citizen.idNumber) {
      throw new HttpProblem(403, 'Forbidden', 'Ông/Bà chỉ nộp hồ sơ trực tuyến cho chính mình: số giấy tờ của người nộp phải là số của tài khoản đã đăng nhập.', { reason: 'ApplicantMismatch' });
    }
    const officer = channel === 'counter' ? await officerFor(db, req, agency!.id) : null;
    if (officer && !officer.roles.includes('one_stop_officer')) {
      throw new HttpProblem(403, 'Forbidden', `Chỉ cán bộ Bộ phận Một cửa của cơ quan ${agency!.eid} được nhập hồ sơ tại quầy; tài khoản ${officer.username} không có vai trò này.`, { reason: 'RoleRequired' });
    }
    await checkChecklistPositions(db, { procedureId: procedure!.id }, documents);
    const offered = await agencyOffersProcedure(db, procedure!.id, agency!.id);
    if (!offered) v.fail('agencyEid', `cơ quan ${agencyEid} không giải quyết thủ tục ${procedureCode}`);
    const allowed = DELIVERY_BY_LEVEL[procedure!.online_level as 'full' | 'partial'];
    if (!allowed.includes(deliveryMethod!)) {
      v.fail('deliveryMethod', `thủ tục này chỉ trả kết quả qua: ${allowed.join(', ')}`);
    }
    v.throwIfInvalid();

    const submittedAt = new Date();
    const outcome = await storeSubmission(db, {
      caller: citizen ? `citizen:${citizen.idNumber}` : `officer:${officer!.userId}`,
      key,
      request: body,
      channel,
      procedureId: procedure!.id,
      agency: agency!,
      deliveryMethod,
      applicant: { fullName, idNumber, phone, email, address },
      postalAddress,
      documents,
      submittedAt,
    });

    // Started after the commit (and again on any retry, or by the worker's reconciler),
    // so a crash or a Temporal outage in between loses nothing.
    let processing = true;
    let acceptance: DomainError | null = null;
    const deferred = (err: unknown) => {
      processing = false;
      process.stderr.write(`api: dossier ${outcome.dossierId} stored; workflow start deferred: ${(err as Error).message}\n`);
    };
    // Complete at the counter: received on the spot, the receipt shows the appointment.
    let acceptHere = officer && acceptNow ? { actor: officer, updateId: `counter-accept:${key}` } : null;
    let checked: IntakeDocumentCheck | undefined;
    if (acceptHere) {
      // The same checklist rule as at intake/accept: required documents supplied or waived with a reason.
      try {
        checked = await checkIntakeDocuments(db, outcome.dossierId, body.waivers ?? []);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        acceptance = err;
        acceptHere = null;
      }
    }
    const acceptCommand = acceptHere ? { actor: acceptHere.actor, waivers: body.waivers, documents: checked } : null;
    try {
      const { input, startedAt } = await dossierWorkflowStart(db, outcome.dossierId);
      if (!startedAt && acceptHere) {
        // Started and accepted in one request (update-with-start); the officer waits for both.
        const r = await dossiers.startAndAccept(input, acceptCommand!, acceptHere.updateId);
        if (!r.started) deferred(r.error);
        else {
          await markWorkflowStarted(db, outcome.dossierId);
          if (r.refused) acceptance = r.refused;
        }
      } else if (!startedAt) {
        // A citizen waits for this answer: past a few seconds, the reconciler takes over.
        await dossiers.start(input, 'start');
        // The submission was recorded with the dossier: nothing in the workflow marks its start.
        await markWorkflowStarted(db, outcome.dossierId);
      } else if (acceptHere) {
        // A retried submission whose workflow runs already: accept it unless that was done.
        const row = await dossierState(db, outcome.dossierId);
        if (row.status === 'SUBMITTED') {
          await dossiers
            .update({ code: row.code, workflowId: row.workflow_id }, acceptIntakeUpdate, acceptCommand!, { updateId: acceptHere.updateId })
            .catch((err: unknown) => {
              acceptance = err instanceof DomainError ? err : new DomainError('unavailable', 'Processing delayed', 'Hồ sơ đã được ghi nhận nhưng chưa tiếp nhận được ngay; vui lòng thử lại sau ít phút.', { reason: 'ProcessingDelayed', technicalDetail: (err as Error).message });
            });
        }
      }
    } catch (err) {
      deferred(err);
    }
    const summary = await dossierSummary(outcome.dossierId);
    res
      .status(!processing ? 202 : outcome.created ? 201 : 200)
      .location(`/api/v1/dossiers/${encodeURIComponent(summary.code)}`)
      .json({
        ...summary,
        ...(processing ? {} : { notice: 'Hồ sơ đã được ghi nhận với mã trên; hệ thống sẽ tự động chuyển xử lý trong ít phút.' }),
        ...(acceptance ? { acceptance: { status: problemOf(acceptance).status, detail: acceptance.detail, ...pick(acceptance.extra, ['reason', 'missing', 'errors']) } } : {}),
      });
  }

  /** Online submission by a citizen (nộp hồ sơ trực tuyến). */
  router.post('/dossiers', (req, res) => submitDossier(req, res, 'online'));
  /** Counter intake: a one-stop officer enters the dossier for the citizen, and may accept it at once. */
  router.post('/counter/dossiers', (req, res) => submitDossier(req, res, 'counter'));

  const hasEnded = (dossierId: number) => dossierHasEnded(db, dossierId);
  const loadDossier = (code: string) => findDossier(db, code);

  /**
   * The dossier an officer's action names and the officer with their roles in its agency, in one
   * statement (the roles are read off the token against the agency's EID loaded with it); loaded
   * once per request: a route's check before the action and the action itself share it, and the
   * request's audit entry names it without a second look-up.
   */
  async function actionDossier(req: Request, res: Response, path: string): Promise<{ actor: Actor; dossier: ActionDossierRow }> {
    const code = String(req.params.code);
    const loaded = res.locals.actionDossier as { actor: Actor; dossier: ActionDossierRow } | undefined;
    if (loaded && loaded.dossier.code === code) return loaded;
    // With an Idempotency-Key, the key is claimed in the same statement (api/idempotency.ts claimWithActionDossier).
    const found = await officerDossier(db, req, () =>
      claimWithActionDossier(
        db,
        req,
        res,
        { scope: `dossier-action:${path}`, policy: 'update', code: wellFormedCode(code), agencyEids: [...new Set(requireOfficer(req).roles.map((r) => r.agencyEid))] },
        () => loadActionDossier(db, code),
      ),
    );
    res.locals.actionDossier = found;
    noteAuditedDossier(req, found.dossier);
    return found;
  }

  router.get('/dossiers/:code', async (req, res) => {
    // The row with its agency's EID (the caller's roles read off the token against it) and all the view reads of it: one statement.
    const { actor, dossier } = await officerDossier(db, req, () => loadDossierView(db, req.params.code));
    res.json(await dossierDetail(db, dossier, actor));
  });

  /** Runs one officer action as a Temporal Update: answered once the workflow has applied it, or refused with a reason. */
  function officerAction<S extends z.ZodType>(
    path: string,
    summary: string,
    schema: S,
    build: (body: z.infer<S>, actor: Actor, locals: Record<string, unknown>) => Command,
  ) {
    declareRoute({
      method: 'post',
      path: `/api/v1${path}`,
      summary,
      tags: ['Officer actions'],
      access: 'officer',
      params: dossierCodeParam,
      body: schema,
      headers: [IDEMPOTENCY_HEADER(false)],
      responses: { 200: 'Applied; the dossier as it now stands, with what the caller may do next (allowedActions)', 401: 'No officer token', 403: 'No role for this in the dossier’s agency', 404: 'No such dossier', 409: 'Not possible in the dossier’s current state', 422: 'Invalid request', 503: 'Processing unavailable' },
      responseBodies: { 200: officerActionResponse },
    });
    router.post(path, async (req, res) => {
      const code = String(req.params.code);
      const { actor, dossier: d } = await actionDossier(req, res, path);
      const body = parse(schema, jsonBody(req));
      const action = build(body, actor, res.locals);
      // The key keeps the request's fingerprint (another body under it is a 422) and its answer,
      // and maps to the update id: Temporal applies the action once, however often it is sent.
      const taken = await takeIdempotencyKey(db, req, res, { scope: `dossier-action:${path}`, policy: 'update', auditWithAnswer: true });
      if (taken.kind === 'replayed') return;
      const updateId = taken.kind === 'run' ? `${path.split('/').slice(-2).join('.')}:${actor.userId}:${taken.key}` : randomUUID();
      timeSinceArrival(req, res, 'before');
      const view = await timed(res, 'update', () => dossiers.update({ code, workflowId: d.workflow_id }, action.update, action.cmd, { updateId, ended: () => hasEnded(d.id) }));
      // The answer is the Update's own view (and what the row loaded above says), with what the
      // officer may do next judged on the facts it returned: no read of the read model after it.
      res.json(await timed(res, 'answer', () => officerActionAnswer(db, d, view, actor)));
    });
  }

  /**
   * Thành phần hồ sơ: before the workflow hears of it, every required checklist item must be
   * supplied or waived with a reason (422 RequiredDocumentsMissing with the missing items).
   * Only the one-stop officer's acceptance of a dossier still at intake is checked here; others
   * are refused by the workflow as before (403, 409).
   */
  router.post('/dossiers/:code/intake/accept', async (req, res, next) => {
    const { actor, dossier: d } = await actionDossier(req, res, '/dossiers/:code/intake/accept');
    const body = parse(acceptIntakeBody, jsonBody(req));
    if (d.status === 'SUBMITTED' && actor.roles.includes('one_stop_officer')) {
      res.locals.documents = await checkIntakeDocuments(db, d.id, body.waivers ?? []);
    }
    next();
  });
  officerAction(
    '/dossiers/:code/intake/accept',
    'Accept at intake (tiếp nhận): every required document of the procedure’s checklist supplied or waived with a reason (else 422 RequiredDocumentsMissing); the clock ledger starts (at the fee’s payment where the limit counts from it), the appointment is computed, a specialist assigned',
    acceptIntakeBody,
    (b, actor, locals) => command(acceptIntakeUpdate, { actor, note: b.note, waivers: b.waivers, documents: locals.documents as IntakeDocumentCheck | undefined }),
  );

  officerAction('/dossiers/:code/intake/supplement-request', 'Request a supplement at intake, listing everything missing once (Form 02)', intakeSupplementBody, (b, actor) => command(requestIntakeSupplementUpdate, { actor, items: b.items, reason: b.reason, deadlineWorkingDays: b.deadlineWorkingDays, deadline: b.deadline ? new Date(b.deadline).toISOString() : undefined }));

  officerAction('/dossiers/:code/intake/refuse', 'Refuse at intake with concrete reasons (Form 03)', refuseBody, (b, actor) => command(refuseIntakeUpdate, { actor, reasons: b.reasons }));

  /** Phân công: a leader names the specialist (username or id), who must hold that role in the dossier's agency. */
  router.post('/dossiers/:code/assignment', async (req, res, next) => {
    const { dossier: d } = await actionDossier(req, res, '/dossiers/:code/assignment');
    const raw = parse(assignmentBody, jsonBody(req)).specialist;
    res.locals.specialist = await assignableSpecialist(db, d.agency_id, raw);
    next();
  });
  officerAction('/dossiers/:code/assignment', 'Leader assigns or reassigns a specialist of the agency', assignmentBody, (b, actor, locals) => {
    const specialist = locals.specialist as { userId: number; fullName: string };
    return command(assignUpdate, { actor, specialist, note: b.note });
  });

  officerAction('/dossiers/:code/claim', 'Specialist claims an unassigned dossier', noteBody, (b, actor) => command(claimUpdate, { actor, note: b.note }));

  officerAction('/dossiers/:code/release', 'Assigned specialist gives the dossier back', noteBody, (b, actor) => command(releaseUpdate, { actor, note: b.note }));

  officerAction(
    '/dossiers/:code/review/supplement-request',
    'Request one supplement during processing (the clock policy applies); a leader may ask again with overrideReason, and the dossier then counts late',
    processingSupplementBody,
    (b, actor) => command(requestSupplementUpdate, { actor, items: b.items, reason: b.reason, overrideReason: b.overrideReason, deadlineWorkingDays: b.deadlineWorkingDays, deadline: b.deadline ? new Date(b.deadline).toISOString() : undefined }),
  );

  /**
   * Xác minh, kiểm tra thực địa: schedule (or reschedule) the visit; the citizen is told. The
   * catalogue and the agency's calendar are checked first: a visit they do not allow needs a
   * leader's reason (dossiers/verification.ts).
   */
  router.post('/dossiers/:code/verification', async (req, res, next) => {
    const { actor, dossier: d } = await actionDossier(req, res, '/dossiers/:code/verification');
    res.locals.exception = await visitException(db, d.id, actor, parse(verificationBody, jsonBody(req)));
    next();
  });
  officerAction(
    '/dossiers/:code/verification',
    'Schedule or reschedule an on-site verification (the citizen is told): by the assigned specialist, in the agency’s working hours, not in the past; a visit the catalogue does not provide for, or outside working hours, by a leader with exceptionReason',
    verificationBody,
    (b, actor, locals) => command(scheduleVerificationUpdate, { actor, visit: b.visit, purpose: b.purpose, ...(locals.exception ? { exception: locals.exception as ScheduleVerificationCommand['exception'] } : {}) }),
  );

  /** Biên bản xác minh: the outcome, findings and attachments (files of the dossier); a missed visit waits to be rescheduled. */
  router.post('/dossiers/:code/verification/record', async (req, res, next) => {
    const { dossier: d } = await actionDossier(req, res, '/dossiers/:code/verification/record');
    await checkVisitAttachments(db, d.id, parse(verificationRecordBody, jsonBody(req)).attachments);
    next();
  });
  officerAction(
    '/dossiers/:code/verification/record',
    'Record the visit, from its start time: outcome, findings, minutes and photos (files already uploaded to the dossier)',
    verificationRecordBody,
    (b, actor) => command(recordVerificationUpdate, { actor, outcome: b.outcome, findings: b.findings, attachments: b.attachments }),
  );

  officerAction('/dossiers/:code/review/proposal', 'Specialist proposes approval or denial (with reasons)', proposalBody, (b, actor) => command(proposeDecisionUpdate, { actor, proposal: b.proposal, reasons: b.reasons, note: b.note }));

  officerAction('/dossiers/:code/decision', 'Leader approves (numbered result), denies (reasoned notice) or returns to the specialist', decisionBody, (b, actor) => command(decideUpdate, { actor, decision: b.decision, reasons: b.reasons, note: b.note }));

  officerAction('/dossiers/:code/cancel', 'Stop processing with a reason (stop notice)', reasonBody, (b, actor) => command(cancelUpdate, { actor, reason: b.reason }));

  officerAction('/dossiers/:code/result/handover', 'Record the result handed over at the counter, and to whom', handoverBody, (b, actor) => command(handOverResultUpdate, { actor, receivedBy: b.receivedBy, note: b.note }));

  /** Gia hạn: a leader grants more working time, with the reason and its legal basis. */
  officerAction('/dossiers/:code/deadline/extension', 'Leader extends the time limit before the due date (gia hạn), with reason and legal basis', extensionBody, (b, actor) => command(extendDeadlineUpdate, { actor, workingDays: b.workingDays, workingHours: b.workingHours, reason: b.reason, legalBasis: b.legalBasis }));

  /** A clock-excluded step (e.g. the citizen paying land obligations): the limit stops counting. */
  officerAction('/dossiers/:code/clock/pause', 'Stop the clock for a clock-excluded step (e.g. the citizen paying land obligations), with reason and legal basis', clockPauseBody, (b, actor) => command(pauseClockUpdate, { actor, reason: b.reason, legalBasis: b.legalBasis }));

  officerAction('/dossiers/:code/clock/resume', 'Restart the clock after a clock-excluded step', noteBody, (b, actor) => command(resumeClockUpdate, { actor, note: b.note }));

  /** Thư xin lỗi, hẹn lại ngày trả (Form 04): once, by the agency head, one working day before the due date at the latest. */
  officerAction(
    '/dossiers/:code/deadline/reappointment',
    'Agency head apologises with one new appointment (Form 04), at least one working day before the due date; the statistics keep the legal due date',
    reappointmentBody,
    (b, actor) => command(reappointUpdate, { actor, reason: b.reason, appointmentAt: b.appointmentAt ? new Date(b.appointmentAt).toISOString() : undefined, workingDaysAfterDue: b.workingDaysAfterDue }),
  );

  // ---- routed dossiers (issue 17): the steps of the pinned internal procedure ----

  officerAction('/dossiers/:code/steps/forward', 'Forward a routed dossier to the next step of its pinned internal procedure (chuyển bước); stepKey is the step the officer saw it at (409 StepChanged if it moved)', forwardStepBody, (b, actor) =>
    command(forwardStepUpdate, { actor, stepKey: b.stepKey, note: b.note }),
  );

  officerAction('/dossiers/:code/steps/send-back', 'Send a routed dossier back to an earlier step its version names (sendBackTo), with the reason', sendBackBody, (b, actor) =>
    command(sendBackUpdate, { actor, stepKey: b.stepKey, toStep: b.toStep, reason: b.reason }),
  );

  officerAction('/dossiers/:code/result/issue', 'Number and issue the result at the issuing step of a routed dossier (vào số, phát hành)', issueResultBody, (b, actor) => command(issueResultUpdate, { actor, stepKey: b.stepKey }));

  officerAction(
    '/dossiers/:code/consultations',
    'Consult other agencies at this step (xin ý kiến), in parallel, each answering by its own deadline; the step cannot end before they are collected',
    consultBody,
    (b, actor) => command(consultUpdate, { actor, stepKey: b.stepKey, requests: b.requests }),
  );

  officerAction('/dossiers/:code/legs/chase', 'Chase an inter-agency leg or consultation of the dossier (đôn đốc): its agency’s officers are alerted', chaseLegBody, (b, actor) =>
    command(chaseLegUpdate, { actor, workflowId: b.workflowId, note: b.note }),
  );

  /** Phiếu kiểm soát quá trình: every hand-off with giver, receiver, times and outcome. */
  router.get('/dossiers/:code/process-control', async (req, res) => {
    const { dossier } = await officerDossier(db, req, () => loadDossier(req.params.code));
    res.json(await processControl(db, dossier));
  });

  /** Citizen actions on their own dossier, signed in with their citizen token (VNeID in production). */
  function citizenAction<S extends z.ZodType>(
    path: string,
    summary: string,
    schema: S,
    build: (body: z.infer<S>) => Command,
    before?: (body: z.infer<S>, dossier: { id: number; agency_id: number }, idNumber: string) => Promise<void>,
  ) {
    declareRoute({
      method: 'post',
      path: `/api/v1${path}`,
      summary,
      tags: ['Citizen'],
      access: 'citizen',
      params: dossierCodeParam,
      body: schema,
      headers: [IDEMPOTENCY_HEADER(false)],
      responses: { 200: 'Applied', 401: 'Not signed in', 404: 'No such dossier of theirs', 409: 'Not possible now', 422: 'Invalid request' },
      responseBodies: { 200: dossierSummaryResponse },
    });
    router.post(path, async (req, res) => {
      const code = String(req.params.code);
      const idNumber = citizenIdOf(req);
      // Unknown and not-theirs read alike: a citizen cannot probe which codes exist.
      const d = await findApplicantActionDossier(db, code);
      requireApplicant(d, idNumber);
      noteAuditedDossier(req, d!);
      const body = parse(schema, jsonBody(req));
      // As for officers: the key's fingerprint is kept before anything is done (a supplement's files claimed).
      const taken = await takeIdempotencyKey(db, req, res, { scope: `dossier-action:${path}`, policy: 'update', auditWithAnswer: true });
      if (taken.kind === 'replayed') return;
      await before?.(body, d!, idNumber);
      const action = build(body);
      const updateId = taken.kind === 'run' ? `${path.split('/').slice(-1)[0]}:citizen:${idNumber}:${taken.key}` : randomUUID();
      let view: DossierView;
      try {
        view = await dossiers.update({ code, workflowId: d!.workflow_id }, action.update, action.cmd, { updateId, ended: () => hasEnded(d!.id) });
      } catch (err) {
        throw citizenProblem(err);
      }
      // From the Update's own view, as an officer's action is answered.
      res.json(await citizenActionAnswer(db, d!, view));
    });
  }

  citizenAction(
    '/citizen/dossiers/:code/supplement',
    'The applicant supplements the documents asked for (files uploaded first with POST /citizen/documents, named by fileId)',
    citizenSupplementBody,
    (b) => command(submitSupplementUpdate, { documents: b.documents, note: b.note }),
    // The files become the dossier's before the workflow hears of them; a retry claims nothing twice.
    async (b, d, idNumber) => {
      await checkChecklistPositions(db, { dossierId: d.id }, b.documents);
      await claimSupplementDocuments(db, { documents: b.documents, ownerIdNumber: idNumber, dossierId: d.id, agencyId: d.agency_id });
    },
  );

  citizenAction('/citizen/dossiers/:code/withdraw', 'The applicant withdraws before the decision (stop notice)', withdrawBody, (b) => command(withdrawUpdate, { reason: b.reason }));

  return router;
}

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

/** Citizens read Vietnamese: state conflicts are explained in their words. */
function citizenProblem(err: unknown): unknown {
  if (err instanceof DomainError && err.kind === 'conflict') {
    return new DomainError('conflict', err.title, 'Hồ sơ không còn ở bước cho phép thao tác này (đã có quyết định, đã kết thúc hoặc đang được xử lý). Vui lòng tra cứu lại tình trạng hồ sơ.', { reason: err.extra.reason, technicalDetail: err.detail });
  }
  return err;
}
