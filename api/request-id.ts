import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { requestContext } from '../platform/request-context';

/**
 * One id per request, taken from a trusted gateway's X-Request-Id when it looks like one (else
 * 128 random bits in base64url: as unique as a UUID in 22 characters, since the id rides in every
 * log line and in the dossier's Temporal history with each Update),
 * returned in the answer and kept in an AsyncLocalStorage so that logs, audit entries and
 * the Temporal calls made while serving the request all carry it.
 */
const ids = new WeakMap<Request, string>();

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && /^[A-Za-z0-9._:-]{8,100}$/.test(given) ? given : randomBytes(16).toString('base64url');
    ids.set(req, id);
    res.set('X-Request-Id', id);
    requestContext.run({ requestId: id }, next);
  };
}

export function requestIdOf(req: Request): string | null {
  return ids.get(req) ?? null;
}

