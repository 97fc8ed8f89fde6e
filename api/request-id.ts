import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { requestContext } from '../platform/request-context';

/**
 * One id per request, taken from a trusted gateway's X-Request-Id when it looks like one,
 * returned in the answer and kept in an AsyncLocalStorage so that logs, audit entries and
 * the Temporal calls made while serving the request all carry it.
 */
const ids = new WeakMap<Request, string>();

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && /^[A-Za-z0-9._:-]{8,100}$/.test(given) ? given : randomUUID();
    ids.set(req, id);
    res.set('X-Request-Id', id);
    requestContext.run({ requestId: id }, next);
  };
}

export function requestIdOf(req: Request): string | null {
  return ids.get(req) ?? null;
}

