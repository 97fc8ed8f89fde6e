import { createHash, randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { allocateDossierCode } from '../db/dossier-codes';
import { dossierWorkflowId, parseDossierCode } from '../domain/dossier-code';
import { isDossierStatus, isTerminal, statusLabel } from '../domain/status';
import type { Actor, DeliveryMethod, DossierView, SiteVisit } from '../domain/types';
import { dossierWorkflowInput, startDossierWorkflow } from '../submission/start-dossier-workflow';
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
} from '../workflows/messages';
import { requireCitizen, requireOfficer } from './auth';
import { CITIZEN_ID, CITIZEN_ID_MESSAGE, citizenIdOf, officerFor, requireApplicant } from './identity';
import { HttpProblem } from './problem';
import { problemFromTemporal } from './temporal-errors';
import { bodyOf, Validator } from './validation';
import { vnLocalDate, vnTime } from './format';

export interface DossierRoutesDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
}

const SUBMISSION_SCOPE = 'dossier-submission';
/** An officer waits at most this long for an action; past it the same Idempotency-Key fetches the outcome. */
const ACTION_DEADLINE_MS = 30_000;
const START_DEADLINE_MS = 5_000;
const PHONE = /^(\+84|0)\d{9}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Which result deliveries each online level allows (DOMAIN.md §12). */
const DELIVERY_BY_LEVEL: Record<'full' | 'partial', DeliveryMethod[]> = {
  full: ['online', 'postal', 'counter'],
  partial: ['counter', 'postal'],
};

function canonicalHash(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(sort(value))).digest('hex');
}

function idempotencyKey(req: Request, required: boolean): string | undefined {
  const key = req.get('idempotency-key')?.trim();
  if (!key) {
    if (required) {
      throw new HttpProblem(400, 'Idempotency-Key required', 'Thiếu tiêu đề Idempotency-Key: mỗi lần nộp hồ sơ cần một khóa duy nhất để việc gửi lại không tạo hồ sơ trùng.');
    }
    return undefined;
  }
  if (key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new HttpProblem(400, 'Bad Idempotency-Key', 'Idempotency-Key phải gồm tối đa 200 ký tự ASCII in được.');
  }
  return key;
}

export function dossierRoutes(deps: DossierRoutesDeps): Router {
  const { db, temporal } = deps;
  const router = Router();

  async function dossierSummary(id: number) {
    const d = await db('dossiers as d')
      .join('procedures as p', 'p.id', 'd.procedure_id')
      .join('agencies as a', 'a.id', 'd.agency_id')
      .where('d.id', id)
      .first('d.*', 'p.code as procedure_code', 'p.name as procedure_name', 'a.eid as agency_eid', 'a.name as agency_name');
    return {
      code: d.code,
      procedure: { code: d.procedure_code, name: d.procedure_name },
      agency: { eid: d.agency_eid, name: d.agency_name },
      channel: d.channel,
      deliveryMethod: d.delivery_method,
      status: { code: d.status, label: isDossierStatus(d.status) ? statusLabel(d.status) : d.status },
      submittedAt: vnTime(d.submitted_at),
      receivedAt: vnTime(d.received_at),
      appointmentAt: vnTime(d.appointment_at),
      deadline: d.due_at
        ? {
            dueAt: vnTime(d.due_at),
            state: d.deadline_state,
            pausedSince: vnTime(d.clock_paused_at),
            reappointed: d.apology_issued_at !== null,
            escalationLevel: d.escalation_level,
            calendar: d.calendar_code ? { code: d.calendar_code, version: d.calendar_version } : null,
          }
        : null,
      links: { status: `/api/v1/status/${encodeURIComponent(d.code)}`, deadline: `/api/v1/dossiers/${encodeURIComponent(d.code)}/deadline` },
    };
  }

  /**
   * Stores a new dossier and starts its workflow: online by the citizen, or at the
   * counter by a one-stop officer entering it for the citizen (tiếp nhận trực tiếp).
   */
  async function submitDossier(req: Request, res: Response, channel: 'online' | 'counter'): Promise<void> {
    // Online: the signed-in citizen files their own dossier; at the counter: a one-stop officer.
    const citizen = channel === 'online' ? requireCitizen(req) : null;
    if (channel === 'counter') requireOfficer(req);
    const key = idempotencyKey(req, true)!;
    const body = bodyOf(req.body);
    const v = new Validator();
    const acceptNow = body.acceptNow;
    if (acceptNow !== undefined && typeof acceptNow !== 'boolean') v.fail('acceptNow', 'phải là true hoặc false');
    if (channel === 'online' && acceptNow !== undefined) v.fail('acceptNow', 'chỉ dùng khi cán bộ tiếp nhận tại quầy');
    const procedureCode = v.string(body, 'procedureCode', 'procedureCode', { required: true, max: 64 });
    const agencyEid = v.string(body, 'agencyEid', 'agencyEid', { required: true, max: 64 });
    const deliveryMethod = v.oneOf(body, 'deliveryMethod', 'deliveryMethod', ['online', 'counter', 'postal'] as const);
    const applicant = v.object(body, 'applicant', 'applicant');
    let fullName: string | undefined, idNumber: string | undefined, phone: string | undefined, email: string | undefined, address: string | undefined;
    if (applicant) {
      fullName = v.string(applicant, 'fullName', 'applicant.fullName', { required: true, min: 2, max: 200 });
      idNumber = v.string(applicant, 'idNumber', 'applicant.idNumber', {
        required: true,
        pattern: CITIZEN_ID,
        patternMessage: CITIZEN_ID_MESSAGE,
      });
      phone = v.string(applicant, 'phone', 'applicant.phone', { pattern: PHONE, patternMessage: 'số điện thoại Việt Nam, ví dụ 0912345678' });
      email = v.string(applicant, 'email', 'applicant.email', { max: 254, pattern: EMAIL, patternMessage: 'địa chỉ thư điện tử không hợp lệ' });
      address = v.string(applicant, 'address', 'applicant.address', { max: 500 });
    }
    // Where the post brings the result (QĐ 45/2016): a full address and a phone the postman can call.
    let postalAddress: { line: string; ward: string; province: string } | null = null;
    if (deliveryMethod === 'postal') {
      const pa = v.object(body, 'postalAddress', 'postalAddress');
      if (pa) {
        const line = v.string(pa, 'line', 'postalAddress.line', { required: true, max: 300 });
        const ward = v.string(pa, 'ward', 'postalAddress.ward', { required: true, max: 100 });
        const province = v.string(pa, 'province', 'postalAddress.province', { required: true, max: 100 });
        postalAddress = { line: line!, ward: ward!, province: province! };
      }
      if (applicant && !phone) v.fail('applicant.phone', 'bắt buộc khi nhận kết quả qua bưu chính');
    }
    const documents = body.documents ?? [];
    if (!Array.isArray(documents) || documents.some((d) => !d || typeof d !== 'object' || typeof (d as { name?: unknown }).name !== 'string')) {
      v.fail('documents', 'phải là danh sách các giấy tờ { name, fileId? }');
    }
    v.throwIfInvalid();

    const procedure = await db('procedures').where({ code: procedureCode, active: true }).first('id', 'code', 'online_level');
    const agency = await db('agencies').where({ eid: agencyEid }).first('id', 'eid');
    if (!procedure) v.fail('procedureCode', `không có thủ tục "${procedureCode}" trong danh mục`);
    if (!agency) v.fail('agencyEid', `không có cơ quan có mã "${agencyEid}"`);
    v.throwIfInvalid();
    if (citizen && idNumber !== citizen.idNumber) {
      throw new HttpProblem(403, 'Forbidden', 'Ông/Bà chỉ nộp hồ sơ trực tuyến cho chính mình: số giấy tờ của người nộp phải là số của tài khoản đã đăng nhập.');
    }
    const officer = channel === 'counter' ? await officerFor(db, req, agency.id) : null;
    if (officer && !officer.roles.includes('one_stop_officer')) {
      throw new HttpProblem(403, 'Forbidden', `${officer.username} is not a one-stop officer of agency ${agency.eid}.`);
    }
    const offered = await db('procedure_agencies').where({ procedure_id: procedure.id, agency_id: agency.id }).first();
    if (!offered) v.fail('agencyEid', `cơ quan ${agencyEid} không giải quyết thủ tục ${procedureCode}`);
    const allowed = DELIVERY_BY_LEVEL[procedure.online_level as 'full' | 'partial'];
    if (!allowed.includes(deliveryMethod!)) {
      v.fail('deliveryMethod', `thủ tục này chỉ trả kết quả qua: ${allowed.join(', ')}`);
    }
    v.throwIfInvalid();

    const requestHash = canonicalHash(body);
    const submittedAt = new Date();
    const outcome = await db.transaction(async (trx) => {
      const claimed = await trx('idempotency_keys')
        .insert({ scope: SUBMISSION_SCOPE, key, request_hash: requestHash })
        .onConflict(['scope', 'key'])
        .ignore()
        .returning('key');
      if (!claimed.length) {
        const prior = await trx('idempotency_keys').where({ scope: SUBMISSION_SCOPE, key }).first('request_hash', 'dossier_id');
        if (prior.request_hash !== requestHash) {
          throw new HttpProblem(422, 'Idempotency-Key reused', 'Khóa Idempotency-Key này đã được dùng cho một hồ sơ khác với nội dung khác.');
        }
        return { created: false, dossierId: Number(prior.dossier_id) };
      }
      const day = vnLocalDate(submittedAt);
      const code = await allocateDossierCode(trx, agency, day);
      const [{ id }] = await trx('dossiers')
        .insert({
          code,
          workflow_id: dossierWorkflowId(code),
          procedure_id: procedure.id,
          agency_id: agency.id,
          channel,
          delivery_method: deliveryMethod,
          status: 'SUBMITTED',
          applicant_full_name: fullName,
          applicant_id_number: idNumber,
          applicant_phone: phone ?? null,
          applicant_email: email ?? null,
          applicant_address: address ?? null,
          postal_address: postalAddress ? JSON.stringify(postalAddress) : null,
          documents: JSON.stringify(documents),
          submitted_at: submittedAt,
        })
        .returning('id');
      await trx('idempotency_keys').where({ scope: SUBMISSION_SCOPE, key }).update({ dossier_id: id });
      return { created: true, dossierId: Number(id) };
    });

    // Started after the commit (and again on any retry, or by the worker's reconciler),
    // so a crash or a Temporal outage in between loses nothing.
    let processing = true;
    try {
      const input = await dossierWorkflowInput(db, outcome.dossierId);
      const begun = await db('dossiers').where('id', outcome.dossierId).first('workflow_started_at');
      // A citizen waits for this answer: past a few seconds, the reconciler takes over.
      if (!begun.workflow_started_at) {
        await temporal.withDeadline(Date.now() + START_DEADLINE_MS, () => startDossierWorkflow(temporal, deps.taskQueue, input));
      }
    } catch (err) {
      processing = false;
      process.stderr.write(`api: dossier ${outcome.dossierId} stored; workflow start deferred: ${(err as Error).message}\n`);
    }
    let acceptance: HttpProblem | null = null;
    if (officer && acceptNow && processing) {
      // Complete at the counter: received on the spot, the receipt shows the appointment.
      const row = await db('dossiers').where('id', outcome.dossierId).first('code', 'workflow_id', 'status');
      if (row.status === 'SUBMITTED') {
        try {
          await temporal.withDeadline(Date.now() + ACTION_DEADLINE_MS, () =>
            temporal.workflow.getHandle(row.workflow_id).executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }], updateId: `counter-accept:${key}` }),
          );
        } catch (err) {
          acceptance = problemFromTemporal(err, row.code) ?? new HttpProblem(503, 'Processing delayed', (err as Error).message);
        }
      }
    }
    const summary = await dossierSummary(outcome.dossierId);
    res
      .status(!processing ? 202 : outcome.created ? 201 : 200)
      .location(`/api/v1/dossiers/${encodeURIComponent(summary.code)}`)
      .json({
        ...summary,
        ...(processing ? {} : { notice: 'Hồ sơ đã được ghi nhận với mã trên; hệ thống sẽ tự động chuyển xử lý trong ít phút.' }),
        ...(acceptance ? { acceptance: { status: acceptance.status, detail: acceptance.detail } } : {}),
      });
  }

  /** Online submission by a citizen (nộp hồ sơ trực tuyến). */
  router.post('/dossiers', (req, res) => submitDossier(req, res, 'online'));
  /** Counter intake: a one-stop officer enters the dossier for the citizen, and may accept it at once. */
  router.post('/counter/dossiers', (req, res) => submitDossier(req, res, 'counter'));

  async function hasEnded(dossierId: number): Promise<boolean> {
    const row = await db('dossiers').where('id', dossierId).first('status');
    return isDossierStatus(row.status) && isTerminal(row.status);
  }

  async function loadDossier(code: string) {
    if (!parseDossierCode(code)) throw new HttpProblem(400, 'Bad dossier code', `"${code}" is not a dossier code (<agency e-ID>-<YYMMDD>-<sequence>).`);
    const d = await db('dossiers').where({ code }).first('id', 'code', 'agency_id', 'workflow_id', 'status');
    if (!d) throw new HttpProblem(404, 'Not found', `No dossier ${code}.`);
    return d;
  }

  router.get('/dossiers/:code', async (req, res) => {
    const d = await loadDossier(req.params.code);
    await officerFor(db, req, d.agency_id);
    const summary = await dossierSummary(d.id);
    const full = await db('dossiers as d')
      .leftJoin('users as u', 'u.id', 'd.assignee_id')
      .where('d.id', d.id)
      .first('d.applicant_full_name', 'd.applicant_id_number', 'd.applicant_phone', 'd.applicant_email', 'd.applicant_address', 'd.documents', 'd.result_number', 'u.id as assignee_id', 'u.full_name as assignee_name');
    const events = await db('dossier_events as e')
      .leftJoin('users as u', 'u.id', 'e.actor_id')
      .where('e.dossier_id', d.id)
      .orderBy('e.seq')
      .select('e.seq', 'e.type', 'e.from_status', 'e.to_status', 'e.actor_role', 'u.full_name as actor_name', 'e.occurred_at', 'e.data');
    res.json({
      ...summary,
      applicant: {
        fullName: full.applicant_full_name,
        idNumber: full.applicant_id_number,
        phone: full.applicant_phone,
        email: full.applicant_email,
        address: full.applicant_address,
      },
      documents: full.documents,
      assignee: full.assignee_id ? { userId: full.assignee_id, fullName: full.assignee_name } : null,
      resultNumber: full.result_number,
      events: events.map((e) => ({
        seq: e.seq,
        type: e.type,
        from: e.from_status,
        to: e.to_status,
        actor: e.actor_name ? { fullName: e.actor_name, role: e.actor_role } : e.actor_role ? { role: e.actor_role } : null,
        at: vnTime(e.occurred_at),
        data: e.data,
      })),
    });
  });

  /** Runs one officer action as a Temporal Update: answered once the workflow has applied it, or refused with a reason. */
  function officerAction(
    path: string,
    build: (
      body: Record<string, unknown>,
      actor: Actor,
      v: Validator,
      locals: Record<string, unknown>,
    ) => { run: (handle: ReturnType<Client['workflow']['getHandle']>, updateId: string) => Promise<DossierView> },
  ) {
    router.post(path, async (req, res) => {
      const code = String(req.params.code);
      const d = await loadDossier(code);
      const actor = await officerFor(db, req, d.agency_id);
      const body = req.body === undefined ? {} : bodyOf(req.body);
      const v = new Validator();
      const action = build(body, actor, v, res.locals);
      v.throwIfInvalid();
      const key = idempotencyKey(req, false);
      // The same Idempotency-Key maps to the same update id: Temporal applies it once.
      const updateId = key ? `${path.split('/').slice(-2).join('.')}:${actor.userId}:${key}` : randomUUID();
      try {
        const view = await temporal.withDeadline(Date.now() + ACTION_DEADLINE_MS, () =>
          action.run(temporal.workflow.getHandle(d.workflow_id), updateId),
        );
        res.json({ ...(await dossierSummary(d.id)), assignee: view.assignee, resultNumber: view.resultNumber });
      } catch (err) {
        const problem = problemFromTemporal(err, code, await hasEnded(d.id));
        if (problem) throw problem;
        throw err;
      }
    });
  }

  officerAction('/dossiers/:code/intake/accept', (body, actor, v) => {
    const note = v.string(body, 'note', 'note', { max: 2000 });
    return { run: (h, updateId) => h.executeUpdate(acceptIntakeUpdate, { args: [{ actor, note }], updateId }) };
  });

  officerAction('/dossiers/:code/intake/supplement-request', (body, actor, v) => {
    const items = texts(v, body, 'items', true)!;
    const reason = v.string(body, 'reason', 'reason', { max: 2000 });
    const { deadlineWorkingDays, deadline } = supplementDeadline(v, body);
    return {
      run: (h, updateId) =>
        h.executeUpdate(requestIntakeSupplementUpdate, { args: [{ actor, items, reason, deadlineWorkingDays, deadline }], updateId }),
    };
  });

  officerAction('/dossiers/:code/intake/refuse', (body, actor, v) => {
    const reasons = texts(v, body, 'reasons', true)!;
    return { run: (h, updateId) => h.executeUpdate(refuseIntakeUpdate, { args: [{ actor, reasons }], updateId }) };
  });

  /** Phân công: a leader names the specialist (username or id), who must hold that role in the dossier's agency. */
  router.post('/dossiers/:code/assignment', async (req, res, next) => {
    const d = await loadDossier(String(req.params.code));
    const body = bodyOf(req.body);
    const raw = body.specialist;
    const v = new Validator();
    if (!(typeof raw === 'string' && raw.trim()) && !(typeof raw === 'number' && Number.isInteger(raw))) {
      v.fail('specialist', 'bắt buộc: tên đăng nhập hoặc mã của chuyên viên');
    }
    v.throwIfInvalid();
    const specialist = await db('users as u')
      .join('user_roles as r', 'r.user_id', 'u.id')
      .where({ 'r.agency_id': d.agency_id, 'r.role': 'specialist', 'u.active': true })
      .andWhere(typeof raw === 'number' || /^\d+$/.test(String(raw)) ? { 'u.id': Number(raw) } : { 'u.username': String(raw).trim() })
      .first('u.id', 'u.full_name');
    if (!specialist) {
      v.fail('specialist', `"${String(raw)}" không phải chuyên viên đang hoạt động của cơ quan giải quyết hồ sơ này`);
      v.throwIfInvalid();
    }
    res.locals.specialist = { userId: specialist.id, fullName: specialist.full_name };
    next();
  });
  officerAction('/dossiers/:code/assignment', (body, actor, v, locals) => {
    const note = v.string(body, 'note', 'note', { max: 2000 });
    const specialist = locals.specialist as { userId: number; fullName: string };
    return { run: (h, updateId) => h.executeUpdate(assignUpdate, { args: [{ actor, specialist, note }], updateId }) };
  });

  officerAction('/dossiers/:code/claim', (body, actor, v) => {
    const note = v.string(body, 'note', 'note', { max: 2000 });
    return { run: (h, updateId) => h.executeUpdate(claimUpdate, { args: [{ actor, note }], updateId }) };
  });

  officerAction('/dossiers/:code/release', (body, actor, v) => {
    const note = v.string(body, 'note', 'note', { max: 2000 });
    return { run: (h, updateId) => h.executeUpdate(releaseUpdate, { args: [{ actor, note }], updateId }) };
  });

  officerAction('/dossiers/:code/review/supplement-request', (body, actor, v) => {
    const items = texts(v, body, 'items', true)!;
    const reason = v.string(body, 'reason', 'reason', { required: true, max: 2000 });
    const overrideReason = v.string(body, 'overrideReason', 'overrideReason', { max: 2000 });
    const { deadlineWorkingDays, deadline } = supplementDeadline(v, body);
    return {
      run: (h, updateId) =>
        h.executeUpdate(requestSupplementUpdate, { args: [{ actor, items, reason: reason!, overrideReason, deadlineWorkingDays, deadline }], updateId }),
    };
  });

  /** Xác minh, kiểm tra thực địa: schedule (or reschedule) the visit; the citizen is told. */
  officerAction('/dossiers/:code/verification', (body, actor, v) => {
    const visit = v.object(body, 'visit', 'visit');
    const purpose = v.string(body, 'purpose', 'purpose', { required: true, max: 2000 });
    let parsed: SiteVisit | undefined;
    if (visit) {
      const date = v.string(visit, 'date', 'visit.date', { required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, patternMessage: 'định dạng YYYY-MM-DD' });
      const from = v.string(visit, 'from', 'visit.from', { required: true, pattern: /^\d{2}:\d{2}$/, patternMessage: 'định dạng HH:MM' });
      const to = v.string(visit, 'to', 'visit.to', { required: true, pattern: /^\d{2}:\d{2}$/, patternMessage: 'định dạng HH:MM' });
      const place = v.string(visit, 'place', 'visit.place', { required: true, max: 500 });
      const officers = texts(v, visit, 'officers', true);
      if (from && to && from >= to) v.fail('visit.to', 'phải sau giờ bắt đầu');
      if (date && Number.isNaN(Date.parse(`${date}T00:00:00Z`))) v.fail('visit.date', 'không phải ngày hợp lệ');
      parsed = { date: date!, from: from!, to: to!, place: place!, officers: officers! };
    }
    return { run: (h, updateId) => h.executeUpdate(scheduleVerificationUpdate, { args: [{ actor, visit: parsed!, purpose: purpose! }], updateId }) };
  });

  /** Biên bản xác minh: the outcome, findings and attachments; a missed visit waits to be rescheduled. */
  officerAction('/dossiers/:code/verification/record', (body, actor, v) => {
    const outcome = v.oneOf(body, 'outcome', 'outcome', ['confirmed', 'discrepancies', 'missed'] as const);
    const findings = v.string(body, 'findings', 'findings', { required: true, max: 10_000 });
    const raw = body.attachments ?? [];
    if (!Array.isArray(raw) || raw.length > 50 || raw.some((a) => !a || typeof a.name !== 'string' || typeof a.fileId !== 'string')) {
      v.fail('attachments', 'phải là danh sách { name, fileId } (biên bản, ảnh chụp)');
    }
    const attachments = Array.isArray(raw) ? raw.map((a: { name: string; fileId: string }) => ({ name: String(a.name), fileId: String(a.fileId) })) : [];
    return { run: (h, updateId) => h.executeUpdate(recordVerificationUpdate, { args: [{ actor, outcome: outcome!, findings: findings!, attachments }], updateId }) };
  });

  officerAction('/dossiers/:code/review/proposal', (body, actor, v) => {
    const proposal = v.oneOf(body, 'proposal', 'proposal', ['approve', 'deny'] as const);
    const reasons = texts(v, body, 'reasons', proposal === 'deny');
    const note = v.string(body, 'note', 'note', { max: 2000 });
    return { run: (h, updateId) => h.executeUpdate(proposeDecisionUpdate, { args: [{ actor, proposal: proposal!, reasons, note }], updateId }) };
  });

  officerAction('/dossiers/:code/decision', (body, actor, v) => {
    const decision = v.oneOf(body, 'decision', 'decision', ['approve', 'deny', 'return'] as const);
    const reasons = texts(v, body, 'reasons', decision === 'deny');
    const note = v.string(body, 'note', 'note', { max: 2000, required: decision === 'return' });
    return { run: (h, updateId) => h.executeUpdate(decideUpdate, { args: [{ actor, decision: decision!, reasons, note }], updateId }) };
  });

  officerAction('/dossiers/:code/cancel', (body, actor, v) => {
    const reason = v.string(body, 'reason', 'reason', { required: true, max: 2000 });
    return { run: (h, updateId) => h.executeUpdate(cancelUpdate, { args: [{ actor, reason: reason! }], updateId }) };
  });

  officerAction('/dossiers/:code/result/handover', (body, actor, v) => {
    const receivedBy = v.string(body, 'receivedBy', 'receivedBy', { required: true, max: 200 });
    const note = v.string(body, 'note', 'note', { max: 2000 });
    return { run: (h, updateId) => h.executeUpdate(handOverResultUpdate, { args: [{ actor, receivedBy: receivedBy!, note }], updateId }) };
  });

  /** Gia hạn: a leader grants more working time, with the reason and its legal basis. */
  officerAction('/dossiers/:code/deadline/extension', (body, actor, v) => {
    const workingDays = v.number(body, 'workingDays', 'workingDays', { min: 0.125, max: 60 });
    const workingHours = v.number(body, 'workingHours', 'workingHours', { min: 0.25, max: 480 });
    if ((workingDays === undefined) === (workingHours === undefined)) v.fail('workingDays', 'give exactly one of workingDays or workingHours');
    const reason = v.string(body, 'reason', 'reason', { required: true, max: 2000 });
    const legalBasis = v.string(body, 'legalBasis', 'legalBasis', { required: true, max: 500 });
    return {
      run: (h, updateId) => h.executeUpdate(extendDeadlineUpdate, { args: [{ actor, workingDays, workingHours, reason: reason!, legalBasis: legalBasis! }], updateId }),
    };
  });

  /** A clock-excluded step (e.g. the citizen paying land obligations): the limit stops counting. */
  officerAction('/dossiers/:code/clock/pause', (body, actor, v) => {
    const reason = v.string(body, 'reason', 'reason', { required: true, max: 2000 });
    const legalBasis = v.string(body, 'legalBasis', 'legalBasis', { required: true, max: 500 });
    return { run: (h, updateId) => h.executeUpdate(pauseClockUpdate, { args: [{ actor, reason: reason!, legalBasis: legalBasis! }], updateId }) };
  });

  officerAction('/dossiers/:code/clock/resume', (body, actor, v) => {
    const note = v.string(body, 'note', 'note', { max: 2000 });
    return { run: (h, updateId) => h.executeUpdate(resumeClockUpdate, { args: [{ actor, note }], updateId }) };
  });

  /** Thư xin lỗi, hẹn lại ngày trả (Form 04): once, by the agency head, one working day before the due date at the latest. */
  officerAction('/dossiers/:code/deadline/reappointment', (body, actor, v) => {
    const reason = v.string(body, 'reason', 'reason', { required: true, max: 2000 });
    const rawAt = v.string(body, 'appointmentAt', 'appointmentAt', { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, patternMessage: 'ISO 8601 date-time with offset, e.g. 2026-12-15T17:00:00+07:00' });
    const workingDaysAfterDue = v.number(body, 'workingDaysAfterDue', 'workingDaysAfterDue', { min: 1, max: 60, integer: true });
    if ((rawAt === undefined) === (workingDaysAfterDue === undefined)) v.fail('appointmentAt', 'give exactly one of appointmentAt or workingDaysAfterDue');
    const appointmentAt = rawAt && !Number.isNaN(Date.parse(rawAt)) ? new Date(Date.parse(rawAt)).toISOString() : undefined;
    return { run: (h, updateId) => h.executeUpdate(reappointUpdate, { args: [{ actor, reason: reason!, appointmentAt, workingDaysAfterDue }], updateId }) };
  });

  /** Phiếu kiểm soát quá trình: every hand-off with giver, receiver, times and outcome. */
  router.get('/dossiers/:code/process-control', async (req, res) => {
    const d = await loadDossier(req.params.code);
    await officerFor(db, req, d.agency_id);
    const rows = await db('dossier_handoffs as h')
      .leftJoin('users as g', 'g.id', 'h.giver_id')
      .leftJoin('users as r', 'r.id', 'h.receiver_id')
      .where('h.dossier_id', d.id)
      .orderBy('h.opened_seq')
      .select('h.*', 'g.full_name as giver_name', 'r.full_name as receiver_name');
    res.json({
      code: d.code,
      handoffs: rows.map((h) => ({
        step: h.step,
        giver: { userId: h.giver_id, name: h.giver_name ?? h.giver_unit, unit: h.giver_unit },
        receiver: { userId: h.receiver_id, name: h.receiver_name ?? h.receiver_unit, unit: h.receiver_unit },
        receivedAt: vnTime(h.received_at),
        dueAt: vnTime(h.due_at),
        doneAt: vnTime(h.done_at),
        outcome: h.outcome,
      })),
    });
  });

  /**
   * Citizen actions on their own dossier. Until citizen sign-in (VNeID) is wired, the
   * applicant proves ownership with the ID number given at submission.
   */
  function citizenAction(
    path: string,
    build: (body: Record<string, unknown>, v: Validator) => { run: (handle: ReturnType<Client['workflow']['getHandle']>, updateId: string) => Promise<DossierView> },
  ) {
    router.post(path, async (req, res) => {
      const code = String(req.params.code);
      const idNumber = citizenIdOf(req);
      // Unknown and not-theirs read alike: a citizen cannot probe which codes exist.
      const d = parseDossierCode(code) ? await db('dossiers').where({ code }).first('id', 'code', 'workflow_id', 'applicant_id_number') : undefined;
      requireApplicant(d, idNumber);
      const body = bodyOf(req.body);
      const v = new Validator();
      const action = build(body, v);
      v.throwIfInvalid();
      const key = idempotencyKey(req, false);
      const updateId = key ? `${path.split('/').slice(-1)[0]}:citizen:${idNumber}:${key}` : randomUUID();
      try {
        await temporal.withDeadline(Date.now() + ACTION_DEADLINE_MS, () => action.run(temporal.workflow.getHandle(d.workflow_id), updateId));
        res.json(await dossierSummary(d.id));
      } catch (err) {
        const problem = problemFromTemporal(err, code, await hasEnded(d.id));
        if (problem) throw citizenProblem(problem);
        throw err;
      }
    });
  }

  citizenAction('/citizen/dossiers/:code/supplement', (body, v) => {
    const documents = body.documents;
    if (!Array.isArray(documents) || documents.length === 0 || documents.length > 50 || documents.some((x) => !x || typeof x !== 'object' || typeof (x as { name?: unknown }).name !== 'string' || !(x as { name: string }).name.trim())) {
      v.fail('documents', 'phải liệt kê ít nhất một giấy tờ { name, fileId? }');
    }
    const note = v.string(body, 'note', 'note', { max: 2000 });
    const docs = Array.isArray(documents) ? (documents as Array<{ name: string; fileId?: string }>).map((x) => ({ name: String(x.name), fileId: x.fileId ? String(x.fileId) : undefined })) : [];
    return { run: (h, updateId) => h.executeUpdate(submitSupplementUpdate, { args: [{ documents: docs, note }], updateId }) };
  });

  citizenAction('/citizen/dossiers/:code/withdraw', (body, v) => {
    const reason = v.string(body, 'reason', 'reason', { required: true, max: 2000 });
    return { run: (h, updateId) => h.executeUpdate(withdrawUpdate, { args: [{ reason: reason! }], updateId }) };
  });

  return router;
}

/** The citizen's supplement deadline: a number of working days, or the date written on the slip. */
function supplementDeadline(v: Validator, body: Record<string, unknown>): { deadlineWorkingDays?: number; deadline?: string } {
  const days = body.deadlineWorkingDays;
  if (days !== undefined && !(Number.isInteger(days) && (days as number) >= 1 && (days as number) <= 60)) {
    v.fail('deadlineWorkingDays', 'phải là số ngày làm việc từ 1 đến 60');
  }
  const raw = body.deadline;
  let deadline: string | undefined;
  if (raw !== undefined) {
    const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    if (Number.isNaN(at) || !/T\d{2}:\d{2}/.test(String(raw)) || !/(Z|[+-]\d{2}:\d{2})$/.test(String(raw))) {
      v.fail('deadline', 'phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-12-15T17:00:00+07:00');
    } else if (at <= Date.now()) {
      v.fail('deadline', 'phải là thời điểm trong tương lai');
    } else deadline = new Date(at).toISOString();
    if (days !== undefined) v.fail('deadline', 'chỉ dùng một trong deadline hoặc deadlineWorkingDays');
  }
  return { deadlineWorkingDays: days as number | undefined, deadline };
}

/** Optional or required list of short texts (reasons, missing items). */
function texts(v: Validator, body: Record<string, unknown>, field: string, required: boolean): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) v.fail(field, 'bắt buộc: danh sách nội dung cụ thể');
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > 50 || value.some((x) => typeof x !== 'string' || !x.trim() || x.length > 1000)) {
    v.fail(field, 'phải là danh sách từ 1 đến 50 nội dung, mỗi nội dung tối đa 1000 ký tự');
    return undefined;
  }
  return value.map((x: string) => x.trim());
}

/** Citizens read Vietnamese: state conflicts are explained in their words. */
function citizenProblem(p: HttpProblem): HttpProblem {
  if (p.status === 409) {
    return new HttpProblem(409, p.title, 'Hồ sơ không còn ở bước cho phép thao tác này (đã có quyết định, đã kết thúc hoặc đang được xử lý). Vui lòng tra cứu lại tình trạng hồ sơ.', { reason: p.extra.reason, technicalDetail: p.detail });
  }
  return p;
}
