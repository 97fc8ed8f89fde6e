import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { findProcedureChain } from '../db/repositories/chains';
import { checkChecklistPositions } from '../dossiers/checklist';
import { chainTargets, chainView, describeChains, startChainWorkflow, storeChainSubmission, unknownChain } from '../dossiers/chains';
import { dossierSummary } from '../dossiers/views';
import { requireCitizen } from './auth';
import { chainSubmissionBody, chainSubmissionResponse, procedureChainListResponse, procedureChainResponse } from './chain-schemas';
import { declareRoute, FieldErrors, IDEMPOTENCY_HEADER, jsonBody, parse } from './contract';
import { idempotencyKey } from './idempotency';
import { HttpProblem } from './problem';
import { apiRouter } from './router';

const chainCode = z.strictObject({ chainCode: z.string() });

declareRoute({ method: 'get', path: '/api/v1/procedure-chains', summary: 'Inter-agency chains (liên thông điện tử, ND 297/2025): procedures of several agencies filed once, each stage with its limit inside the total', tags: ['Catalogue'], access: 'public', responses: { 200: 'Chains' }, responseBodies: { 200: procedureChainListResponse } });
declareRoute({ method: 'get', path: '/api/v1/procedure-chains/:chainCode', summary: 'One inter-agency chain', tags: ['Catalogue'], access: 'public', params: chainCode, responses: { 200: 'Chain', 404: 'Unknown (reason UnknownChain)' }, responseBodies: { 200: procedureChainResponse } });
declareRoute({
  method: 'post',
  path: '/api/v1/citizen/chains/:chainCode/submissions',
  summary: 'Submit an inter-agency chain once (liên thông): the first stage’s dossier is created at its agency; each later stage is created, with the earlier results among its documents, when the stage before it is completed. The first stage’s code is the lookup code of the whole chain (GET /status/{code} shows every stage)',
  tags: ['Citizen'],
  access: 'citizen',
  params: chainCode,
  body: chainSubmissionBody,
  headers: [IDEMPOTENCY_HEADER(true)],
  responses: { 201: 'Created, processing started', 200: 'Same Idempotency-Key: the chain created earlier', 202: 'Stored; processing starts shortly', 400: 'Missing Idempotency-Key', 401: 'Not signed in', 403: 'Not the signed-in citizen (ApplicantMismatch)', 404: 'Unknown chain (UnknownChain)', 422: 'Invalid request' },
  responseBodies: { 200: chainSubmissionResponse, 201: chainSubmissionResponse, 202: chainSubmissionResponse },
});

export interface ChainRoutesDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

/** Inter-agency chains: the published chains, and the citizen's one submission of a chain. */
export function chainRoutes(deps: ChainRoutesDeps): Router {
  const { db, temporal, taskQueue } = deps;
  const router = apiRouter();

  router.get('/procedure-chains', async (_req, res) => {
    res.json({ items: await describeChains(db) });
  });
  router.get('/procedure-chains/:chainCode', async (req, res) => {
    res.json((await describeChains(db, String(req.params.chainCode)))[0]);
  });

  router.post('/citizen/chains/:chainCode/submissions', async (req, res) => {
    const citizen = requireCitizen(req);
    const key = idempotencyKey(req, true)!;
    const body = parse(chainSubmissionBody, jsonBody(req));
    const code = String(req.params.chainCode);
    const chain = await findProcedureChain(db, code);
    if (!chain) throw unknownChain(code);
    if (body.applicant.idNumber !== citizen.idNumber) {
      throw new HttpProblem(403, 'Forbidden', 'Ông/Bà chỉ nộp hồ sơ trực tuyến cho chính mình: số giấy tờ của người nộp phải là số của tài khoản đã đăng nhập.', { reason: 'ApplicantMismatch' });
    }
    const targets = await chainTargets(db, chain);
    const v = new FieldErrors();
    body.documents.forEach((d, i) => {
      if (d.stage > chain.stages.length) v.fail(`documents[${i}].stage`, `nhóm liên thông chỉ có ${chain.stages.length} thủ tục`);
    });
    v.throwIfInvalid();
    // Each document's checklist position is one of its stage's procedure.
    for (const [i, t] of targets.entries()) {
      await checkChecklistPositions(db, { procedureId: t.procedure.id }, body.documents.map((d) => (d.stage === i + 1 ? { checklistItem: d.checklistItem } : {})));
    }
    const outcome = await storeChainSubmission(db, {
      caller: `citizen:${citizen.idNumber}`,
      key,
      request: { chainCode: code, ...body },
      chain,
      deliveryMethod: body.deliveryMethod,
      applicant: body.applicant,
      postalAddress: body.deliveryMethod === 'postal' ? (body.postalAddress ?? null) : null,
      documents: body.documents,
      submittedAt: new Date(),
    });
    // Started after the commit, and again on a retry with the same key (the workflow ID makes it once).
    let processing = true;
    try {
      await temporal.withDeadline(Date.now() + 5_000, () => startChainWorkflow(db, temporal, taskQueue, outcome.chainId));
    } catch (err) {
      processing = false;
      process.stderr.write(`api: chain ${outcome.chainId} stored; workflow start deferred: ${(err as Error).message}\n`);
    }
    const dossier = await dossierSummary(db, outcome.dossierId);
    res
      .status(!processing ? 202 : outcome.created ? 201 : 200)
      .location(`/api/v1/status/${encodeURIComponent(dossier.code)}`)
      .json({
        code: dossier.code,
        chain: (await chainView(db, dossier.code))!,
        dossier,
        ...(processing ? {} : { notice: 'Hồ sơ liên thông đã được ghi nhận với mã trên; hệ thống sẽ tự động chuyển xử lý khi nộp lại với cùng Idempotency-Key.' }),
      });
  });
  return router;
}
