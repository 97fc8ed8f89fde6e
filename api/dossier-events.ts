import type { Request, Router } from 'express';
import type { Db } from '../db/connection';
import type { LiveQueueHub, LiveQueueSink } from '../dossiers/live-queue';
import { invalidListQuery, listScope } from '../dossiers/worklist';
import { requireOfficer, tokenExpiresAt } from './auth';
import { declareRoute, issuesOf } from './contract';
import { apiRouter } from './router';
import { dossierEventsQuery, queueChangeEvent } from './worklist-schemas';

/**
 * Live queues of the staff console (issue 15, API item 8): GET /api/v1/dossiers/events, a
 * stream of server-sent events telling an officer each change of a dossier in the agencies
 * whose worklist they read (the scope of GET /api/v1/dossiers), from the hub of this process
 * (dossiers/live-queue.ts), fed by PostgreSQL's NOTIFY at each commit of the read model.
 *
 * The stream, in order: `retry: 5000` (what an EventSource waits before reconnecting);
 * `event: ready` once the changes are listened to (what comes after it is not missed); then
 * `event: dossier` per change, its data `{code, agency, status, step, version}`; a comment line
 * (`: ping`) every 15 s. It ends when the client goes, when the API stops, when the LISTEN
 * connection is lost, and when the token expires (`event: expired` first). There is no replay
 * (Last-Event-ID is not read and events carry no id): a client that (re)connects re-reads its
 * list after `ready`, with its ETag, which costs a 304 when nothing changed.
 *
 * Signed in like every officer call, with `Authorization: Bearer`: the console reads the
 * stream with fetch (a ReadableStream), since EventSource cannot send that header; no token
 * ever goes in the URL.
 */
declareRoute({
  method: 'get',
  path: '/api/v1/dossiers/events',
  summary:
    'Live queues: server-sent events (text/event-stream) for each change of a dossier in the caller’s agencies (the scope of GET /api/v1/dossiers): `ready` first, then `dossier` events {code, agency, status, step, version}, a `: ping` comment every 15 s; `retry: 5000`; no Last-Event-ID replay (re-read the list, with its ETag, after `ready`); `expired` then the end when the token expires. Read it with fetch and the Authorization header (EventSource cannot send it)',
  tags: ['Officer actions'],
  access: 'officer',
  query: dossierEventsQuery,
  responses: {
    200: 'The event stream',
    401: 'Not signed in',
    403: 'No role in the agency asked for, or in any agency',
    422: 'Invalid parameter (reason InvalidListQuery)',
    429: 'Too many streams open by this officer (reason TooManyEventStreams)',
    503: 'Changes cannot be listened to now (reason LiveQueueUnavailable)',
  },
  responseStreams: { 200: { mediaType: 'text/event-stream', eventData: queueChangeEvent } },
});

/** What an EventSource waits before reconnecting after the stream ends. */
export const SSE_RETRY_MS = 5000;
/** Output a client may leave unread before it is dropped (it reconnects and re-reads). */
const MAX_UNSENT_BYTES = 256 * 1024;
/** setTimeout's limit. */
const MAX_TIMER_MS = 2_147_483_647;

function presentParams(query: Request['query']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query ?? {}).filter(([, v]) => v !== ''));
}

export function dossierEventRoutes(deps: { db: Db; hub: LiveQueueHub; heartbeatMs: number }): Router {
  const { db, hub } = deps;
  const router = apiRouter();

  router.get('/dossiers/events', async (req, res) => {
    // As the list: who (401, 403 for a citizen), then the parameters (422), then the scope (403).
    const p = requireOfficer(req);
    const r = dossierEventsQuery.safeParse(presentParams(req.query));
    if (!r.success) throw invalidListQuery(issuesOf(r.error, 'query'));
    const agencies = await listScope(db, p, r.data.agency);
    const headers = {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // Neither stored nor transformed (compressed, buffered) on the way.
      'Cache-Control': 'no-store, no-transform',
      'X-Accel-Buffering': 'no',
    };
    if (req.method === 'HEAD') {
      res.status(200).set(headers).end();
      return;
    }

    let gone = false;
    let unsubscribe: (() => void) | null = null;
    let expiry: NodeJS.Timeout | undefined;
    res.on('close', () => {
      gone = true;
      clearTimeout(expiry);
      unsubscribe?.();
    });
    const sink: LiveQueueSink = {
      send: (event) => {
        if (res.writableLength > MAX_UNSENT_BYTES) return false;
        res.write(`event: dossier\ndata: ${JSON.stringify(event)}\n\n`);
        return true;
      },
      heartbeat: () => {
        res.write(': ping\n\n');
      },
      end: () => {
        res.end();
      },
    };
    const admin = p.roles.some((x) => x.role === 'admin');
    // Refusals (429, 503) are still problem+json answers: nothing is sent before this.
    const leave = await hub.subscribe({ userId: p.userId, agencies: admin && r.data.agency === undefined ? 'all' : new Set(agencies.map((a) => a.id)), sink });
    if (gone) {
      leave();
      return;
    }
    unsubscribe = leave;

    res.status(200).set(headers);
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    res.write(`retry: ${SSE_RETRY_MS}\n\n`);
    res.write(`event: ready\ndata: ${JSON.stringify({ agencies: agencies.map((a) => ({ eid: a.eid, name: a.name })), heartbeatSeconds: Math.round(deps.heartbeatMs / 1000) })}\n\n`);

    // A token is good until it expires; so is a stream opened with it.
    const expiresAt = tokenExpiresAt(req);
    if (expiresAt !== undefined) {
      expiry = setTimeout(() => {
        if (res.writableEnded) return;
        res.write(`event: expired\ndata: ${JSON.stringify({ reason: 'TokenExpired', detail: 'Phiên đăng nhập đã hết hạn; đăng nhập lại để tiếp tục nhận cập nhật.' })}\n\n`);
        res.end();
      }, Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS));
      expiry.unref();
    }
  });

  return router;
}
