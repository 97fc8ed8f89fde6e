import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/connection';
import { canonicalHash } from '../domain/canonical-json';
import { actionDossierWithKey, claimIdempotency, idempotencyInProgress, idempotencyKeyReused, releaseIdempotencyKey, settleIdempotency, type IdempotencyClaim, type IdempotencyPolicy } from '../platform/idempotency';
import type { ActionDossierRow } from '../db/repositories/dossiers';
import { unknownDossier } from '../domain/principal';
import { principalOf } from './auth';
import { auditEntryNow, markAudited } from './audit';
import { HttpProblem } from './problem';
import { onResponseFinished } from '../platform/response-hooks';
import { serverTiming } from './server-timing';

/**
 * Idempotency-Key: one set of rules on every route that takes the header.
 * - The same key with the same request gets the first answer again, with its status and body
 *   (`Idempotent-Replayed: true`), and acts once. The same key with another request is refused:
 *   422 problem+json, reason `IdempotencyKeyReused`.
 * - A request is its method, path, query and body (canonical JSON, key order aside); an upload
 *   is its method, path, query, the SHA-256 of its bytes, its file name and its `name` field.
 * - Keys are per caller (and, for officer and citizen actions, per route): one person's key can
 *   neither clash with nor reveal another's.
 * - Anonymous requests store nothing: the header is ignored without a valid token (every route
 *   that honours it requires one, and answers 401), and nothing of the body is read for it.
 *   Authentication runs before the body is parsed (api/app.ts), so a refused token never costs
 *   a parse or a hash; the hash itself is iterative (domain/canonical-json.ts).
 * Where: the POSTs that create something through the middleware below; officer and citizen
 * actions (the key also names the Temporal Update, see IdempotencyPolicy); uploads, once their
 * bytes are hashed (api/documents.ts); dossier submissions keep the dossier as their stored
 * answer (dossiers/submission.ts) under the same fingerprint and the same 422.
 */

const KEY_SHAPE = /^[\x21-\x7e]{1,200}$/;

/** The request's Idempotency-Key (printable ASCII, 200 characters at most), or undefined without one. */
export function idempotencyKey(req: Request, required = false): string | undefined {
  const key = req.get('idempotency-key')?.trim();
  if (!key) {
    if (required) {
      throw new HttpProblem(400, 'Idempotency-Key required', 'Thiếu tiêu đề Idempotency-Key: mỗi lần nộp hồ sơ cần một khóa duy nhất để việc gửi lại không tạo hồ sơ trùng.', { reason: 'IdempotencyKeyRequired' });
    }
    return undefined;
  }
  if (!KEY_SHAPE.test(key)) throw new HttpProblem(400, 'Bad Idempotency-Key', 'Idempotency-Key phải gồm tối đa 200 ký tự ASCII in được.', { reason: 'BadIdempotencyKey' });
  return key;
}

/** Whose keys these are: `officer:<user id>` or `citizen:<ID number>`; null for an anonymous request. */
export function idempotencyCaller(req: Request): string | null {
  const p = principalOf(req);
  if (p?.kind === 'officer') return `officer:${p.userId}`;
  if (p?.kind === 'citizen') return `citizen:${p.idNumber}`;
  return null;
}

/** The fingerprint of a request: method, path, query and its content (the JSON body unless given, e.g. an upload's digest). */
export function requestFingerprint(req: Request, content: unknown = req.body ?? null): string {
  return canonicalHash({ method: req.method, path: req.originalUrl.split('?')[0], query: req.query ?? {}, content });
}

export type Idempotency =
  /** No key, or an anonymous request: handle it as usual. */
  | { kind: 'none' }
  /** The key is this request's: handle it; its answer is kept with the key. */
  | { kind: 'run'; key: string }
  /** The first answer was sent again: the handler does nothing more. */
  | { kind: 'replayed' };

export interface IdempotentRequest {
  /** Where keys are kept besides the caller, e.g. 'http-create' or an action's route. */
  scope: string;
  policy: IdempotencyPolicy;
  /** The request's fingerprint (requestFingerprint); computed only for a signed-in caller with a key. */
  fingerprint?: () => string;
  /**
   * Officer and citizen actions (issue 18): the applied answer is stored together with the
   * request's audit entry, in one statement, when the entry needs no look-up (api/audit.ts).
   */
  auditWithAnswer?: boolean;
}

/**
 * Takes the request's Idempotency-Key for a signed-in caller: a new key is claimed with the
 * request's fingerprint and the answer the handler gives is kept (stored before it is sent); a
 * key already answered for the same request sends that answer again; a key of another request
 * throws 422 (IdempotencyKeyReused), one whose first request still runs 409 (create policy).
 */
export async function takeIdempotencyKey(db: Db, req: Request, res: Response, spec: IdempotentRequest): Promise<Idempotency> {
  const caller = idempotencyCaller(req);
  if (!caller) return { kind: 'none' };
  const key = idempotencyKey(req);
  if (!key) return { kind: 'none' };
  const scope = `${spec.scope}:${caller}`;
  const pre = preClaims.get(req);
  const claim = pre && pre.scope === scope && pre.key === key ? pre.claim : await claimIdempotency(db, scope, key, (spec.fingerprint ?? (() => requestFingerprint(req)))(), spec.policy);
  if (pre) pre.used = true;
  if (claim.kind === 'reused') throw idempotencyKeyReused();
  if (claim.kind === 'in_progress') {
    res.set('Retry-After', '1');
    throw idempotencyInProgress();
  }
  if (claim.kind === 'replay') {
    res.status(claim.status).set('Idempotent-Replayed', 'true');
    if (claim.status >= 400) res.type('application/problem+json');
    res.json(claim.body);
    return { kind: 'replayed' };
  }
  keepAnswer(db, req, res, scope, key, spec);
  return { kind: 'run', key };
}

/** A key claimed with the dossier its action names (`claimWithActionDossier`), for `takeIdempotencyKey` to use. */
interface PreClaim {
  scope: string;
  key: string;
  claim: IdempotencyClaim;
  /** Whether takeIdempotencyKey took it (the request got as far as its action). */
  used: boolean;
}
const preClaims = new WeakMap<Request, PreClaim>();

/**
 * An officer's action with an Idempotency-Key (issue 18, target 1): loads the dossier its path
 * names (`load`, without a key) or, with a key, the dossier and the key's claim in one statement
 * (platform/idempotency.ts `actionDossierWithKey`), claimed only for a dossier of an agency where
 * the caller holds a role. `takeIdempotencyKey` then uses that claim, in the same place and with
 * the same outcomes as before (replay, reuse refused). A key this request took but never used
 * (refused by a check before its action was sent: a 404, a 422) is given up once the answer
 * is sent, as if it had never been claimed. Call it once the caller is known to be an officer.
 */
export async function claimWithActionDossier(
  db: Db,
  req: Request,
  res: Response,
  spec: { scope: string; policy: IdempotencyPolicy; code: string; agencyEids: readonly string[] },
  load: () => Promise<ActionDossierRow>,
): Promise<ActionDossierRow> {
  const caller = idempotencyCaller(req);
  let key: string | undefined;
  try {
    key = idempotencyKey(req);
  } catch {
    // A malformed key is refused where it always was (takeIdempotencyKey), after the dossier's checks.
    key = undefined;
  }
  if (!caller || !key) return load();
  const scope = `${spec.scope}:${caller}`;
  const found = await actionDossierWithKey(db, spec.code, { scope, key, requestHash: requestFingerprint(req), policy: spec.policy, agencyEids: spec.agencyEids });
  if (!found) throw unknownDossier();
  const pre: PreClaim = { scope, key, claim: found.claim, used: false };
  preClaims.set(req, pre);
  if (found.fresh) {
    onResponseFinished(res, 'idempotency key release', () => {
      if (!pre.used) return releaseIdempotencyKey(db, scope, key);
    });
  }
  return found.row;
}

/** The first JSON answer is stored with the key before it goes out, so a retry that follows it finds it. */
function keepAnswer(db: Db, req: Request, res: Response, scope: string, key: string, spec: IdempotentRequest): void {
  const { policy } = spec;
  let settled = false;
  const settle = (status: number, body: unknown) => {
    settled = true;
    const audit = spec.auditWithAnswer && status < 300 ? auditEntryNow(req, status) : null;
    return settleIdempotency(db, scope, key, status, body, policy, audit).then(
      (audited) => {
        if (audited) markAudited(req);
      },
      (err: Error) => process.stderr.write(`api: idempotent answer for key ${key} not stored: ${err.message}\n`),
    );
  };
  const json = res.json.bind(res);
  res.json = ((body: unknown) => {
    if (settled) return json(body);
    const storing = performance.now();
    void settle(res.statusCode, body).then(() => {
      // Sent meanwhile by someone else (an error answer): the stored one is the first, this one is dropped.
      if (res.headersSent) return;
      serverTiming(res, 'stored', performance.now() - storing);
      try {
        json(body);
      } catch (err) {
        process.stderr.write(`api: answer for idempotency key ${key} not sent: ${(err as Error).message}\n`);
        if (!res.headersSent) res.status(500).end();
      }
    });
    return res;
  }) as Response['json'];
  // An answer that is not JSON (none of these routes gives one today) is kept without a body.
  onResponseFinished(res, 'idempotent answer', () => {
    if (!settled) return settle(res.statusCode, null);
  });
}

/** The middleware for the POSTs that create something (JSON bodies): the routes listed below. */
export function idempotentCreate(db: Db, paths: readonly string[]): RequestHandler {
  const patterns = paths.map((p) => new RegExp(`^${p.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`));
  return async (req, res, next) => {
    if (req.method !== 'POST' || !patterns.some((re) => re.test(req.path))) return next();
    try {
      const taken = await takeIdempotencyKey(db, req, res, { scope: 'http-create', policy: 'create' });
      if (taken.kind !== 'replayed') next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * The POSTs that create something from a JSON body and honour Idempotency-Key through the
 * middleware. Uploads take their key in their routes, once the bytes are hashed.
 */
export const IDEMPOTENT_CREATES = [
  '/api/v1/dossiers/:code/payments',
  '/api/v1/citizen/dossiers/:code/payments',
  '/api/v1/webhooks/subscriptions',
  '/api/v1/calendars',
  '/api/v1/calendars/:code/versions',
  '/api/v1/calendars/:code/recompute',
];
