import type { Request, Router, RequestHandler } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { decodePercentEncoded } from '../domain/input-safety';
import { auditedDossier, auditEntryOf, dossierAuditTrail, recordAuditEntry, type AuditedRequest } from '../platform/audit-trail';
import type { NewAuditEntry } from '../db/repositories/audit';
import { onResponseFinished } from '../platform/response-hooks';
import { principalOf } from './auth';
import { officerDossier } from './identity';
import { requestIdOf } from './request-id';
import { declaredRouteOf } from './contract';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REASON_FIELDS = ['reason', 'overrideReason', 'note'] as const;

/** The dossiers handlers loaded for the request they answer: its audit entry names them without a second look-up. */
const loadedDossiers = new WeakMap<Request, { id: number; agency_id: number; code: string }>();

/** Notes the dossier the request's path names, as the handler loaded it (its audit entry is written with it). */
export function noteAuditedDossier(req: Request, d: { id: number; agency_id: number; code: string }): void {
  loadedDossiers.set(req, { id: d.id, agency_id: d.agency_id, code: d.code });
}

/**
 * Nhật ký thao tác: every request that changes something, by whom (role and agency), on
 * what, why, and how it ended (refusals included), written once the answer is sent
 * (platform/audit-trail.ts). Of a request without a valid token only the route template,
 * outcome and status are kept, never its text.
 */
export function auditTrail(db: Db): RequestHandler {
  return (req, res, next) => {
    if (!MUTATING.has(req.method)) return next();
    onResponseFinished(res, `audit entry of ${req.method} ${req.originalUrl.split('?')[0]}`, () => {
      // Already written with the request's idempotent answer (auditEntryNow).
      if (audited.has(req)) return;
      const principal = principalOf(req);
      // Third parties' callbacks are audited by their own handlers (signed payloads).
      if (!principal && /\/callback$/.test(req.path)) return;
      return recordAuditEntry(db, auditedRequestOf(req, res.statusCode));
    });
    next();
  };
}

/** Requests whose audit entry was written before their answer went out (with their idempotent answer). */
const audited = new WeakSet<Request>();

/**
 * The request's audit entry as it stands with this status, when it needs no look-up (the
 * dossier its path names was loaded by the handler): written by the caller, in the same
 * statement as the request's idempotent answer, and then `markAudited`. Null otherwise (the
 * middleware writes it once the answer is sent).
 */
export function auditEntryNow(req: Request, status: number): NewAuditEntry | null {
  if (!MUTATING.has(req.method) || !principalOf(req)) return null;
  return auditEntryOf(auditedRequestOf(req, status));
}

/** The request's audit entry has been written: the middleware writes none. */
export function markAudited(req: Request): void {
  audited.add(req);
}

/** What the audit entry of a request says, with the status it is answered with. */
function auditedRequestOf(req: Request, status: number): AuditedRequest {
  const principal = principalOf(req);
  // The route pattern, from the URL: by the time an error answer is sent the router's state is gone.
  const route = req.originalUrl.split('?')[0]!.replace(/\/dossiers\/[^/]+/, '/dossiers/:code').replace(/\/(documents|subscriptions|deliveries|alerts)\/[^/]+/, '/$1/:id').replace(/\/calendars\/[^/]+/, '/calendars/:code').replace(/\/agencies\/[^/]+/, '/agencies/:eid').replace(/\/procedures\/[^/]+/, '/procedures/:code').replace(/\/internal-procedures\/[^/]+/, '/internal-procedures/:version').replace(/\/legs\/\d+/, '/legs/:id');
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const stated = REASON_FIELDS.map((f) => body[f]).find((v): v is string => typeof v === 'string' && v.trim() !== '') ?? null;
  // A waived checklist item at intake is a decision with its own reason: kept with the entry.
  const waived = Array.isArray(body.waivers)
    ? (body.waivers as Array<{ item?: unknown; reason?: unknown }>).filter((w) => w && typeof w.reason === 'string').map((w) => `miễn giấy tờ số ${String(w.item)}: ${String(w.reason)}`)
    : [];
  const reason = [stated, ...waived].filter(Boolean).join('; ').slice(0, 2000) || null;
  // Params are the router's, gone by the time the answer is sent: the code is read off the path
  // (a malformed %-escape names no dossier).
  const m = /\/dossiers\/([^/?]+)/.exec(req.originalUrl);
  const code = m ? decodePercentEncoded(m[1]!) : null;
  return {
    principal,
    action: `${req.method} ${route}`,
    // What the server matched, not what the caller typed: all that is kept of an anonymous request's path.
    routeTemplate: declaredRouteOf(req.method, req.originalUrl.split('?')[0]!)?.path ?? null,
    requestIdGiven: req.get('x-request-id') === requestIdOf(req),
    target: req.originalUrl.split('?')[0]!,
    reason,
    dossierCode: code,
    status,
    knownDossier: loadedDossiers.get(req) ?? null,
    requestId: requestIdOf(req),
  };
}

/** GET /dossiers/{code}/audit: the dossier's audit trail, for its agency's supervisors, leaders and admins. */
export function auditRoutes(db: Db): Router {
  const router = apiRouter();
  router.get('/dossiers/:code/audit', async (req, res) => {
    const { actor, dossier } = await officerDossier(db, req, () => auditedDossier(db, String(req.params.code)));
    res.json(await dossierAuditTrail(db, dossier, actor));
  });
  return router;
}
