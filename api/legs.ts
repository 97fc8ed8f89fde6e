import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Db } from '../db/connection';
import { findLeg } from '../db/repositories/legs';
import type { Actor } from '../domain/types';
import type { DossierClient } from '../dossiers/client';
import { agencyIdOf, legActor, legDetail, legForOfficer, legWorklist } from '../dossiers/legs';
import { assignableSpecialist } from '../dossiers/specialists';
import {
  answerConsultationUpdate,
  legAssignUpdate,
  legFinishUpdate,
  legForwardUpdate,
  legSendBackUpdate,
  type LegStateView,
} from '../workflows/contracts/interagency-v1';
import { requireOfficer } from './auth';
import { declareRoute, IDEMPOTENCY_HEADER, jsonBody, parse } from './contract';
import { takeIdempotencyKey } from './idempotency';
import {
  answerBody,
  legActionResponse,
  legAssignmentBody,
  legDetailResponse,
  legFinishBody,
  legForwardBody,
  legIdParam,
  legListQuery,
  legListResponse,
  legSendBackBody,
} from './leg-schemas';
import { apiRouter } from './router';

/**
 * Inter-agency legs and consultations (issue 17), for the officers of the LEG's agency: their
 * worklist, one leg, and the actions on it, each an Update of the leg's child workflow. Their
 * roles are those they hold in the leg's agency, whatever they hold in the lead dossier's.
 */

const ALL_ROLES = ['one_stop_officer', 'specialist', 'leader', 'supervisor', 'admin'] as const;

declareRoute({
  method: 'get',
  path: '/api/v1/legs',
  summary: 'Worklist of the open inter-agency legs and consultations sent to the caller’s agencies (liên thông, xin ý kiến), the most urgent first, with the dossier’s code, procedure, step, due time and lateness',
  tags: ['Inter-agency'],
  access: 'officer',
  query: legListQuery,
  responses: { 200: 'Open legs and consultations', 401: 'No officer token', 403: 'No role in the agency named, or in any agency', 422: 'Invalid query' },
  responseBodies: { 200: legListResponse },
});
declareRoute({
  method: 'get',
  path: '/api/v1/legs/:id',
  summary: 'One inter-agency leg or consultation: its state, its own event log and its rows of the lead dossier’s process-control sheet; for the officers of the leg’s agency and of the lead agency',
  tags: ['Inter-agency'],
  access: 'officer',
  params: legIdParam,
  responses: { 200: 'The leg', 401: 'No officer token', 404: 'No such leg in the caller’s agencies', 422: 'Invalid id' },
  responseBodies: { 200: legDetailResponse },
});

interface LegCommand<C = any> {
  update: UpdateDefinition<LegStateView, [C]>;
  cmd: C;
}

export function legRoutes(deps: { db: Db; dossiers: DossierClient }): Router {
  const { db, dossiers } = deps;
  const router = apiRouter();

  router.get('/legs', async (req, res) => {
    const p = requireOfficer(req);
    const q = parse(legListQuery, Object.fromEntries(Object.entries(req.query ?? {}).filter(([, v]) => v !== '')), 'query');
    res.set('Cache-Control', 'no-store').json(await legWorklist(db, p, q));
  });

  router.get('/legs/:id', async (req, res) => {
    const p = requireOfficer(req);
    const { id } = parse(legIdParam, req.params, 'params');
    const { leg } = await legForOfficer(db, p, id, { leadMayRead: true });
    res.set('Cache-Control', 'no-store').json(await legDetail(db, leg));
  });

  /** One action on a leg: an Update of its child workflow, answered with the leg as it now stands. */
  function legAction<S extends z.ZodType>(
    path: string,
    summary: string,
    schema: S,
    roles: readonly string[],
    build: (body: z.infer<S>, actor: Actor, locals: Record<string, unknown>) => LegCommand,
    before?: (body: z.infer<S>, leg: { agency_eid: string }, locals: Record<string, unknown>) => Promise<void>,
  ) {
    declareRoute({
      method: 'post',
      path: `/api/v1${path}`,
      summary,
      tags: ['Inter-agency'],
      access: 'officer',
      params: legIdParam,
      body: schema,
      headers: [IDEMPOTENCY_HEADER(false)],
      responses: {
        200: 'Applied; the leg as it now stands',
        401: 'No officer token',
        403: 'No role for this in the leg’s agency',
        404: 'No such leg in the caller’s agencies',
        409: 'Not possible in the leg’s current state (or the leg has ended)',
        422: 'Invalid request',
        503: 'Processing unavailable',
      },
      responseBodies: { 200: legActionResponse },
    });
    router.post(path, async (req, res) => {
      const p = requireOfficer(req);
      const { id } = parse(legIdParam, req.params, 'params');
      const { leg, actor } = await legActor(db, p, id, roles, summary.split(' (')[0]!);
      const body = parse(schema, jsonBody(req));
      await before?.(body, leg, res.locals);
      const action = build(body, actor, res.locals);
      const taken = await takeIdempotencyKey(db, req, res, { scope: `leg-action:${path}`, policy: 'update' });
      if (taken.kind === 'replayed') return;
      const updateId = taken.kind === 'run' ? `leg.${path.split('/').slice(-1)[0]}:${leg.workflow_id}:${actor.userId}:${taken.key}` : randomUUID();
      const state = await dossiers.updateLeg({ code: leg.code, workflowId: leg.workflow_id }, action.update, action.cmd, { updateId });
      const now = (await findLeg(db, String(leg.id)))!;
      res.json({ ...(await legDetail(db, now)), workflow: state });
    });
  }

  legAction('/legs/:id/forward', 'Forward the leg to its next step (chuyển bước)', legForwardBody, ALL_ROLES, (b, actor) => ({ update: legForwardUpdate, cmd: { actor, stepKey: b.stepKey, note: b.note } }));

  legAction('/legs/:id/send-back', 'Send the leg back to an earlier step of the leg’s agency, with the reason', legSendBackBody, ALL_ROLES, (b, actor) => ({
    update: legSendBackUpdate,
    cmd: { actor, stepKey: b.stepKey, toStep: b.toStep, reason: b.reason },
  }));

  legAction(
    '/legs/:id/assignment',
    'A leader of the leg’s agency assigns the leg to one of its specialists',
    legAssignmentBody,
    ['leader'],
    (_b, actor, locals) => ({ update: legAssignUpdate, cmd: { actor, specialist: locals.specialist as { userId: number; fullName: string } } }),
    async (b, leg, locals) => {
      const agencyId = await agencyIdOf(db, leg.agency_eid);
      locals.specialist = await assignableSpecialist(db, agencyId ?? -1, b.specialist);
    },
  );

  legAction(
    '/legs/:id/finish',
    'End the leg: its result (approve, numbered by the leg’s agency), a reasoned denial (deny), or a refusal back to the lead agency (refuse)',
    legFinishBody,
    ALL_ROLES,
    (b, actor) => ({ update: legFinishUpdate, cmd: { actor, stepKey: b.stepKey, outcome: b.outcome, reasons: b.reasons, note: b.note } }),
  );

  legAction('/legs/:id/answer', 'Answer a consultation (trả lời xin ý kiến): the opinion, and whether the agency agrees', answerBody, ALL_ROLES, (b, actor) => ({
    update: answerConsultationUpdate,
    cmd: { actor, opinion: b.opinion, agrees: b.agrees },
  }));

  return router;
}
