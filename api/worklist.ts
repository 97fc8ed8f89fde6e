import type { Request, Router } from 'express';
import type { Db } from '../db/connection';
import { DomainError } from '../domain/errors';
import { unauthenticated } from '../domain/principal';
import type { OfficerRole } from '../domain/types';
import { officersOfAgency, signedInUser } from '../dossiers/staff';
import { dossierWorklist, invalidListQuery, worklistVersion, type ListRequest } from '../dossiers/worklist';
import { principalOf, requireOfficer } from './auth';
import { declareRoute, issuesOf } from './contract';
import { apiRouter } from './router';
import {
  agencyEidParam,
  DEFAULT_LIST_LIMIT,
  meResponse,
  officersQuery,
  officersResponse,
  worklistQuery,
  worklistResponse,
} from './worklist-schemas';

/**
 * What the staff console reads (issue 15): who is signed in, the worklist with its queues,
 * and the officers of an agency with their load. Reads of the read model only.
 */
const P = { 401: 'Not signed in', 403: 'Not allowed', 404: 'Not found', 422: 'Invalid request' } as const;

declareRoute({
  method: 'get',
  path: '/api/v1/me',
  summary: 'The signed-in user: an officer with their roles per agency and the agencies’ names, or a citizen',
  tags: ['Identity'],
  access: 'officer-or-citizen',
  responses: { 200: 'The user', 401: P[401] },
  responseBodies: { 200: meResponse },
});
declareRoute({
  method: 'get',
  path: '/api/v1/dossiers',
  summary:
    'Staff worklist: the dossiers of the caller’s agencies, filtered (queue, status, procedure, step, assignee, channel, received and due dates), searched (code, ID number, name; case and diacritics ignored), sorted, in keyset pages, with the count of every queue',
  tags: ['Officer actions'],
  access: 'officer',
  query: worklistQuery,
  headers: [
    {
      name: 'If-None-Match',
      required: false,
      description:
        'The ETag of an earlier answer to the same query: 304 without a body while no dossier of the listed agencies has changed (nor the caller’s scope). The ETag (weak) changes with every change in those agencies, and costs one indexed read to check',
    },
  ],
  responses: {
    200: 'A page of dossiers with nextCursor (null on the last page); total and queue counts over the whole list; with its ETag',
    304: 'Not modified: nothing in the listed agencies changed since the ETag in If-None-Match',
    401: P[401],
    403: 'No role in the agency asked for, or in any agency',
    422: 'Invalid filter (reason InvalidListQuery) or a cursor of another list (reason CursorMismatch)',
  },
  responseBodies: { 200: worklistResponse },
});
declareRoute({
  method: 'get',
  path: '/api/v1/agencies/:eid/officers',
  summary: 'Active officers of an agency (optionally of one role) with their open load, least loaded first, for assignment; for officers of that agency',
  tags: ['Officer actions'],
  access: 'officer',
  params: agencyEidParam,
  query: officersQuery,
  responses: { 200: 'Officers', 401: P[401], 403: 'No role in this agency', 404: 'Unknown agency', 422: P[422] },
  responseBodies: { 200: officersResponse },
});

/** Whether If-None-Match names this ETag (weak comparison, RFC 9110 §13.1.2), or is `*`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => opaque(t) === opaque(etag));
}

/** An empty parameter (`?q=` from a form) is an absent one. */
function presentParams(query: Request['query']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query ?? {}).filter(([, v]) => v !== ''));
}

export function worklistRoutes(deps: { db: Db }): Router {
  const { db } = deps;
  const router = apiRouter();

  router.get('/me', async (req, res) => {
    const p = principalOf(req);
    if (!p) throw unauthenticated('Vui lòng đăng nhập để xem thông tin tài khoản.');
    res.set('Cache-Control', 'no-store').json(await signedInUser(db, p));
  });

  router.get('/dossiers', async (req, res) => {
    // Who first (401, 403 for a citizen), then the parameters (422), then the scope (403).
    const p = requireOfficer(req);
    const r = worklistQuery.safeParse(presentParams(req.query));
    if (!r.success) throw invalidListQuery(issuesOf(r.error, 'query'));
    const q = r.data;
    const request: ListRequest = {
      agency: q.agency,
      status: q.status,
      queue: q.queue as ListRequest['queue'],
      procedure: q.procedure,
      step: q.step,
      assignee: q.assignee,
      channel: q.channel,
      receivedFrom: q.receivedFrom,
      receivedBefore: q.receivedTo,
      dueFrom: q.dueFrom,
      dueBefore: q.dueTo,
      q: q.q,
      sort: q.sort ?? 'due',
      order: (q.order as 'asc' | 'desc' | undefined) ?? 'asc',
      limit: q.limit ?? DEFAULT_LIST_LIMIT,
      cursor: q.cursor,
    };
    // The validator first, from the agencies' change counters: a 304 costs no list.
    const { etag, agencies } = await worklistVersion(db, p, request);
    // Not stored by the browser (names and ID numbers on shared counter computers): the console keeps the ETag and the body in memory and asks with If-None-Match itself.
    res.set({ 'Cache-Control': 'no-store', ETag: etag });
    if (matchesIfNoneMatch(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.json(await dossierWorklist(db, p, request, agencies));
  });

  router.get('/agencies/:eid/officers', async (req, res) => {
    const p = requireOfficer(req);
    const r = officersQuery.safeParse(presentParams(req.query));
    if (!r.success) {
      throw new DomainError('invalid', 'Invalid request', 'Tham số lọc danh sách cán bộ chưa hợp lệ.', { reason: 'InvalidOfficerQuery', errors: issuesOf(r.error, 'query') });
    }
    res.set('Cache-Control', 'no-store').json(await officersOfAgency(db, p, String(req.params.eid), r.data.role as OfficerRole | undefined));
  });

  return router;
}
