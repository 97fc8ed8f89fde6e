import { Router, type RequestHandler } from 'express';
import type { Knex } from 'knex';
import { principalOf } from './auth';
import { officerFor } from './identity';
import { HttpProblem } from './problem';
import { vnTime } from '../domain/vn-time';
import { requestIdOf } from './request-id';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REASON_FIELDS = ['reason', 'overrideReason', 'note'] as const;

/**
 * Nhật ký thao tác: every request that changes something, by whom (role and agency), on
 * what, why, and how it ended (refusals included), written once the answer is sent. The
 * state before and after a dossier action is in the dossier's own audit rows, written with
 * its event by the read model. The table refuses UPDATE and DELETE (a trigger).
 */
export function auditTrail(db: Knex): RequestHandler {
  return (req, res, next) => {
    if (!MUTATING.has(req.method)) return next();
    res.on('finish', () => {
      const principal = principalOf(req);
      // Third parties' callbacks are audited by their own handlers (signed payloads).
      if (!principal && /\/callback$/.test(req.path)) return;
      // The route pattern, from the URL: by the time an error answer is sent the router's state is gone.
      const route = req.originalUrl.split('?')[0]!.replace(/\/dossiers\/[^/]+/, '/dossiers/:code').replace(/\/(documents|subscriptions|deliveries|alerts)\/[^/]+/, '/$1/:id').replace(/\/calendars\/[^/]+/, '/calendars/:code').replace(/\/agencies\/[^/]+/, '/agencies/:eid');
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const reason = REASON_FIELDS.map((f) => body[f]).find((v): v is string => typeof v === 'string' && v.trim() !== '') ?? null;
      // Params are the router's, gone by the time the answer is sent: the code is read off the path.
      const m = /\/dossiers\/([^/?]+)/.exec(req.originalUrl);
      const code = m ? decodeURIComponent(m[1]!) : null;
      void (async () => {
        const dossier = code ? await db('dossiers').where({ code }).first('id', 'agency_id') : null;
        await db('audit_log').insert({
          actor_kind: principal?.kind ?? 'citizen',
          actor_id: principal?.kind === 'officer' ? principal.userId : null,
          actor_label: principal?.kind === 'officer' ? principal.username : principal?.kind === 'citizen' ? `CCCD ***${principal.idNumber.slice(-4)}` : 'anonymous',
          actor_role: principal?.kind === 'officer' ? [...new Set(principal.roles.map((r) => r.role))].join(',') : principal?.kind ?? null,
          agency_id: dossier?.agency_id ?? null,
          action: `${req.method} ${route}`,
          dossier_id: dossier?.id ?? null,
          target: req.originalUrl.split('?')[0]!.slice(0, 500),
          reason: reason?.slice(0, 2000) ?? null,
          before: null,
          after: JSON.stringify({ status: res.statusCode }),
          request_id: requestIdOf(req),
        });
      })().catch((err: Error) => process.stderr.write(`api: audit entry not written for ${req.method} ${route}: ${err.message}\n`));
    });
    next();
  };
}

/** GET /dossiers/{code}/audit: the dossier's audit trail, for its agency's supervisors, leaders and admins. */
export function auditRoutes(db: Knex): Router {
  const router = Router();
  router.get('/dossiers/:code/audit', async (req, res) => {
    const d = await db('dossiers').where({ code: String(req.params.code) }).first('id', 'agency_id', 'code');
    if (!d) throw new HttpProblem(404, 'Not found', `No dossier ${String(req.params.code)}.`);
    const actor = await officerFor(db, req, d.agency_id);
    if (!actor.roles.some((r) => r === 'supervisor' || r === 'leader' || r === 'admin')) {
      throw new HttpProblem(403, 'Forbidden', `${actor.username} is not a supervisor, leader or administrator of the dossier's agency.`);
    }
    const rows = await db('audit_log as l')
      .leftJoin('users as u', 'u.id', 'l.actor_id')
      .where('l.dossier_id', d.id)
      .orderBy('l.id')
      .limit(1000)
      .select('l.id', 'l.at', 'l.actor_kind', 'l.actor_label', 'l.actor_role', 'l.action', 'l.target', 'l.reason', 'l.before', 'l.after', 'l.request_id', 'u.full_name');
    res.json({
      code: d.code,
      entries: rows.map((r) => ({
        id: Number(r.id),
        at: vnTime(r.at),
        actor: { kind: r.actor_kind, label: r.actor_label, name: r.full_name ?? (r.actor_kind === 'citizen' ? 'Người nộp hồ sơ' : null), role: r.actor_role },
        action: r.action,
        target: r.target,
        reason: r.reason,
        before: r.before,
        after: r.after,
        requestId: r.request_id,
      })),
    });
  });
  return router;
}
