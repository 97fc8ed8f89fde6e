import type { Request, Router } from 'express';
import type { Db } from '../db/connection';
import { agenciesByEid } from '../db/repositories/agencies';
import { findActiveProcedureByCode, findProcedureByCode } from '../db/repositories/procedures';
import {
  createInternalProcedureDraft,
  getInternalProcedureVersion,
  internalProcedureInForce,
  internalProcedureProblems,
  listInternalProcedureVersions,
  procedureNotFound,
  publishInternalProcedureVersion,
  updateInternalProcedureDraft,
  type StoredInternalProcedureVersion,
} from '../db/repositories/internal-procedures';
import { toOffsetIso, type TimeLimit } from '../domain/calendar';
import { DomainError } from '../domain/errors';
import type { InternalProcedureDocument, StepBudget } from '../domain/internal-procedure';
import { isAdmin, type Caller } from '../domain/officer';
import { callerFor } from './caller';
import { declareRoute, jsonBody, parse } from './contract';
import {
  internalProcedureDocumentBody,
  internalProcedureListResponse,
  internalProcedureVersionResponse,
  noQuery,
  procedureCodeParam,
  procedureVersionParam,
  publicationBody,
  publicInternalProcedureResponse,
  validationResponse,
} from './internal-procedure-schemas';
import { apiRouter } from './router';

/**
 * Internal procedures as data (quy trình nội bộ, issue 17): administrators draft, validate and
 * publish versions of a procedure's internal procedure; anyone reads the version in force.
 * A published version never changes; a dossier pins the version in force at its receipt
 * (db/repositories/internal-procedures.ts). Writes are audited by the audit trail like every
 * other administrator's write.
 */
const P = { 401: 'Not signed in', 403: 'Not an administrator (reason AdminOnly)', 404: 'Unknown procedure or version', 422: 'Invalid request' } as const;
const BASE = '/api/v1/admin/procedures/:code/internal-procedures';
const TAGS = ['Internal procedures'];

declareRoute({ method: 'get', path: BASE, summary: 'Versions of a procedure’s internal procedure, newest first, with the one in force now (admin)', tags: TAGS, access: 'admin', params: procedureCodeParam, query: noQuery, responses: { 200: 'Versions', ...P }, responseBodies: { 200: internalProcedureListResponse } });
declareRoute({
  method: 'post',
  path: BASE,
  summary: 'A new draft version (numbered after the highest); saved even when not yet publishable, with its `problems` (admin)',
  tags: TAGS,
  access: 'admin',
  params: procedureCodeParam,
  query: noQuery,
  body: internalProcedureDocumentBody,
  responses: { 201: 'Draft created (Location: the version)', ...P },
  responseBodies: { 201: internalProcedureVersionResponse },
});
declareRoute({ method: 'get', path: `${BASE}/:version`, summary: 'One version with its steps, consultations and problems (admin)', tags: TAGS, access: 'admin', params: procedureVersionParam, query: noQuery, responses: { 200: 'Version', ...P }, responseBodies: { 200: internalProcedureVersionResponse } });
declareRoute({
  method: 'put',
  path: `${BASE}/:version`,
  summary: 'Replace a draft’s document (admin); a published version never changes',
  tags: TAGS,
  access: 'admin',
  params: procedureVersionParam,
  query: noQuery,
  body: internalProcedureDocumentBody,
  responses: { 200: 'Draft updated, with its problems', 409: 'Published (reason InternalProcedurePublished)', ...P },
  responseBodies: { 200: internalProcedureVersionResponse },
});
declareRoute({
  method: 'post',
  path: `${BASE}/:version/validation`,
  summary: 'What stands in the way of publishing the version: steps, send-backs, legs, consultations, budgets against the legal time limit (admin)',
  tags: TAGS,
  access: 'admin',
  params: procedureVersionParam,
  query: noQuery,
  body: noQuery,
  responses: { 200: 'Problems (empty: publishable)', ...P },
  responseBodies: { 200: validationResponse },
});
declareRoute({
  method: 'post',
  path: `${BASE}/:version/publication`,
  summary: 'Publish a draft, in force from effectiveFrom (default now, never in the past); dossiers received from then on pin it (admin)',
  tags: TAGS,
  access: 'admin',
  params: procedureVersionParam,
  query: noQuery,
  body: publicationBody,
  responses: { 200: 'Published', 409: 'Already published (reason InternalProcedurePublished)', 401: P[401], 403: P[403], 404: P[404], 422: 'Not publishable: reason InternalProcedureInvalid with every problem in `errors` [{field, reason, message}]; or EffectiveFromInPast' },
  responseBodies: { 200: internalProcedureVersionResponse },
});
declareRoute({
  method: 'get',
  path: '/api/v1/procedures/:code/internal-procedure',
  summary: 'The internal procedure in force now: each step with its unit, role and budget, legs at other agencies and consultations (public)',
  tags: ['Catalogue'],
  access: 'public',
  params: procedureCodeParam,
  query: noQuery,
  responses: { 200: 'Internal procedure in force', 404: 'Unknown procedure' },
  responseBodies: { 200: publicInternalProcedureResponse },
});

const iso = (d: Date | string | null): string | null => (d === null ? null : toOffsetIso(typeof d === 'string' ? new Date(d) : d));

/** "0,5 ngày làm việc", "4 giờ làm việc". */
export function budgetText(b: StepBudget): string {
  return `${String(b.value).replace('.', ',')} ${b.unit === 'working_days' ? 'ngày làm việc' : 'giờ làm việc'}`;
}

export function internalProcedureRoutes(deps: { db: Db }): Router {
  const { db } = deps;
  const router = apiRouter();

  async function admin(req: Request): Promise<Caller> {
    const caller = await callerFor(db, req);
    if (!isAdmin(caller)) {
      throw new DomainError('forbidden', 'Forbidden', `Chỉ quản trị hệ thống được quản lý quy trình nội bộ; tài khoản ${caller.username} không có vai trò quản trị tại cơ quan nào.`, { reason: 'AdminOnly' });
    }
    return caller;
  }

  async function versionView(code: string, v: StoredInternalProcedureVersion, inForce?: number) {
    const current = inForce ?? (await internalProcedureInForce(db, code, new Date())).version;
    return {
      procedureCode: v.procedureCode,
      version: v.version,
      status: v.status,
      title: v.title,
      basis: v.basis,
      isDefault: v.isDefault,
      effectiveFrom: iso(v.effectiveFrom),
      inForce: v.status === 'published' && v.version === current,
      createdBy: v.createdBy,
      createdAt: iso(v.createdAt),
      publishedBy: v.publishedBy,
      publishedAt: iso(v.publishedAt),
      steps: v.steps,
      consultations: v.consultations,
      problems: await internalProcedureProblems(db, code, v),
    };
  }

  router.get('/admin/procedures/:code/internal-procedures', async (req, res) => {
    await admin(req);
    const { code } = parse(procedureCodeParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const procedure = await findProcedureByCode(db, code, ['code', 'name', 'time_limit']);
    if (!procedure) throw procedureNotFound(code);
    const inForce = (await internalProcedureInForce(db, code, new Date())).version;
    const versions = await listInternalProcedureVersions(db, code);
    res.json({
      procedure: { code: procedure.code, name: procedure.name, timeLimit: procedure.time_limit },
      inForce,
      items: versions.map((v) => ({
        procedureCode: v.procedureCode,
        version: v.version,
        status: v.status,
        title: v.title,
        basis: v.basis,
        isDefault: v.isDefault,
        effectiveFrom: iso(v.effectiveFrom),
        inForce: v.status === 'published' && v.version === inForce,
        createdBy: v.createdBy,
        createdAt: iso(v.createdAt),
        publishedBy: v.publishedBy,
        publishedAt: iso(v.publishedAt),
        stepCount: v.steps.length,
      })),
    });
  });

  router.post('/admin/procedures/:code/internal-procedures', async (req, res) => {
    const caller = await admin(req);
    const { code } = parse(procedureCodeParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const doc: InternalProcedureDocument = parse(internalProcedureDocumentBody, jsonBody(req));
    const created = await createInternalProcedureDraft(db, code, doc, caller.userId);
    res
      .status(201)
      .location(`/api/v1/admin/procedures/${encodeURIComponent(code)}/internal-procedures/${created.version}`)
      .json(await versionView(code, created));
  });

  router.get('/admin/procedures/:code/internal-procedures/:version', async (req, res) => {
    await admin(req);
    const { code, version } = parse(procedureVersionParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    res.json(await versionView(code, await getInternalProcedureVersion(db, code, version)));
  });

  router.put('/admin/procedures/:code/internal-procedures/:version', async (req, res) => {
    await admin(req);
    const { code, version } = parse(procedureVersionParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const doc: InternalProcedureDocument = parse(internalProcedureDocumentBody, jsonBody(req));
    res.json(await versionView(code, await updateInternalProcedureDraft(db, code, version, doc)));
  });

  router.post('/admin/procedures/:code/internal-procedures/:version/validation', async (req, res) => {
    await admin(req);
    const { code, version } = parse(procedureVersionParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    parse(noQuery, jsonBody(req));
    const v = await getInternalProcedureVersion(db, code, version);
    res.json({ version: v.version, problems: await internalProcedureProblems(db, code, v) });
  });

  router.post('/admin/procedures/:code/internal-procedures/:version/publication', async (req, res) => {
    const caller = await admin(req);
    const { code, version } = parse(procedureVersionParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const { effectiveFrom } = parse(publicationBody, jsonBody(req));
    const published = await publishInternalProcedureVersion(db, code, version, { effectiveFrom: effectiveFrom ? new Date(effectiveFrom) : undefined, userId: caller.userId });
    res.json(await versionView(code, published));
  });

  router.get('/procedures/:code/internal-procedure', async (req, res) => {
    const { code } = parse(procedureCodeParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const procedure = await findActiveProcedureByCode(db, code, ['code', 'name', 'time_limit']);
    if (!procedure) throw procedureNotFound(code);
    const v = await internalProcedureInForce(db, code, new Date());
    const eids = [...new Set([...v.steps.map((s) => s.agencyEid), ...v.consultations.map((c) => c.agencyEid)].filter((x): x is string => typeof x === 'string'))];
    const names = new Map((eids.length ? await agenciesByEid(db, eids) : []).map((a) => [a.eid, a.name]));
    const agency = (eid: string) => ({ eid, name: names.get(eid) ?? eid });
    const budget = (b: StepBudget) => ({ unit: b.unit, value: b.value, text: budgetText(b) });
    const stepOut = (s: StoredInternalProcedureVersion['steps'][number]) => ({ key: s.key, name: s.name, unit: s.unit, kind: s.kind, role: s.role, budget: budget(s.budget), actions: s.actions, ...(s.sendBackTo?.length ? { sendBackTo: s.sendBackTo } : {}) });
    res.json({
      procedure: { code: procedure.code, name: procedure.name, timeLimit: procedure.time_limit as TimeLimit },
      version: v.version,
      isDefault: v.isDefault,
      title: v.title,
      basis: v.basis,
      effectiveFrom: iso(v.effectiveFrom),
      steps: v.steps.map((s) =>
        s.kind === 'leg'
          ? { ...stepOut(s), ...(s.agencyEid ? { agency: agency(s.agencyEid) } : {}), decides: s.decides === true, steps: (s.steps ?? []).map(stepOut) }
          : stepOut(s),
      ),
      consultations: v.consultations.map((c) => ({ agency: agency(c.agencyEid), subject: c.subject, budget: budget(c.budget) })),
    });
  });

  return router;
}
