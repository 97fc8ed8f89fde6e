import type { Request, RequestHandler } from 'express';
import type { Db } from '../db/connection';
import { canonicalValue, sha256Hex } from '../domain/canonical-json';
import { claimIdempotency, settleIdempotency } from '../platform/idempotency';
import { principalOf } from './auth';
import { HttpProblem } from './problem';

/**
 * Idempotency-Key on the POSTs that create something (payments, uploads, subscriptions,
 * calendar versions): the first answer is stored in PostgreSQL with the key, a retry with
 * the same key and the same request gets that answer again (`Idempotent-Replayed: true`),
 * the same key with another request is refused, and a retry while the first is still
 * running is told to wait. Keys are per caller. A 5xx is not stored, so a retry can succeed.
 * Dossier submissions keep their own key handling (the dossier is the stored answer), and
 * officer actions map their key to a Temporal update id.
 */
const SCOPE = 'http-create';

function requestHash(req: Request): string {
  const multipart = /^multipart\//i.test(req.get('content-type') ?? '');
  // A multipart body is streamed to the blob store, not held: its length stands for it.
  const body = multipart ? { multipartLength: req.get('content-length') ?? null } : canonicalValue(req.body ?? null);
  return sha256Hex(JSON.stringify({ method: req.method, path: req.originalUrl.split('?')[0], body }));
}

function callerKey(req: Request): string {
  const p = principalOf(req);
  if (p?.kind === 'officer') return `officer:${p.userId}`;
  if (p?.kind === 'citizen') return `citizen:${p.idNumber}`;
  return `anonymous:${req.ip}`;
}

export function idempotentCreate(db: Db, paths: readonly string[]): RequestHandler {
  const patterns = paths.map((p) => new RegExp(`^${p.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`));
  return async (req, res, next) => {
    if (req.method !== 'POST' || !patterns.some((re) => re.test(req.path))) return next();
    const key = req.get('idempotency-key')?.trim();
    if (!key) return next();
    if (key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
      return next(new HttpProblem(400, 'Bad Idempotency-Key', 'Idempotency-Key phải gồm tối đa 200 ký tự ASCII in được.'));
    }
    const scope = `${SCOPE}:${callerKey(req)}`;
    const hash = requestHash(req);
    try {
      const claim = await claimIdempotency(db, scope, key, hash);
      if (claim.kind !== 'claimed') {
        req.resume(); // an upload's bytes are not wanted: the answer is the stored one
        if (claim.kind === 'reused') {
          return next(new HttpProblem(422, 'Idempotency-Key reused', 'Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác.'));
        }
        if (claim.kind === 'in_progress') {
          res.set('Retry-After', '1');
          return next(new HttpProblem(409, 'Request in progress', 'Yêu cầu với khóa Idempotency-Key này đang được xử lý; vui lòng thử lại sau giây lát.'));
        }
        res.status(claim.status).set('Idempotent-Replayed', 'true').json(claim.body);
        return;
      }
    } catch (err) {
      return next(err);
    }
    let body: unknown = null;
    const json = res.json.bind(res);
    res.json = (b: unknown) => {
      body = b;
      return json(b);
    };
    res.on('finish', () => {
      settleIdempotency(db, scope, key, res.statusCode, body).catch((err: Error) => process.stderr.write(`api: idempotent answer for key ${key} not stored: ${err.message}\n`));
    });
    next();
  };
}

/** The POSTs that create something and honour Idempotency-Key through this middleware. */
export const IDEMPOTENT_CREATES = [
  '/api/v1/dossiers/:code/payments',
  '/api/v1/citizen/dossiers/:code/payments',
  '/api/v1/citizen/documents',
  '/api/v1/dossiers/:code/documents',
  '/api/v1/agencies/:eid/documents',
  '/api/v1/webhooks/subscriptions',
  '/api/v1/calendars',
  '/api/v1/calendars/:code/versions',
  '/api/v1/calendars/:code/recompute',
];
