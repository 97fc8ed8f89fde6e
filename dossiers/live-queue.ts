import type { Db } from '../db/connection';
import { listenForDossierChanges, type DossierChange, type DossierChangeListener } from '../db/repositories/dossier-changes';
import { DomainError } from '../domain/errors';
import { logger } from '../platform/logger';

/**
 * Live queues of the staff console (issue 15, API item 8): the changes PostgreSQL announces
 * (db/repositories/dossier-changes.ts) fanned out to the officers' event streams
 * (GET /api/v1/dossiers/events), each officer hearing only of the agencies whose worklist they
 * may read.
 *
 * One LISTEN connection per API process, opened with the first subscriber and closed a while
 * after the last one leaves; a heartbeat (a comment line) keeps idle streams open through
 * proxies. If the LISTEN connection is lost, every stream is ended: changes may have been
 * missed, and a client that reconnects re-reads its list (cheaply, with its ETag) anyway.
 * Nothing is replayed: there is no Last-Event-ID.
 */

/** The event a subscriber receives for each change in its scope. */
export interface QueueChangeEvent {
  code: string;
  agency: string;
  status: string;
  step: string | null;
  version: number;
}

/** Where a subscriber's events go (the HTTP layer writes them as server-sent events). */
export interface LiveQueueSink {
  /** Sends one event; false when the client cannot keep up (its unsent output over the limit): the hub then drops it. */
  send(event: QueueChangeEvent): boolean;
  /** A comment line: the heartbeat. */
  heartbeat(): void;
  /** Ends the stream (the hub has dropped the subscriber). */
  end(): void;
}

export interface LiveQueueSubscriber {
  userId: number;
  /** Agency ids whose changes it hears of; 'all' for an administrator listening without naming an agency. */
  agencies: ReadonlySet<number> | 'all';
  sink: LiveQueueSink;
}

export type ChangeSource = (handlers: { change(c: DossierChange): void; lost(err: Error): void }) => Promise<DossierChangeListener>;

export interface LiveQueueOptions {
  /** Between two heartbeats (default 15 s). */
  heartbeatMs?: number;
  /** How long the LISTEN connection stays open with nobody subscribed (default 30 s). */
  idleCloseMs?: number;
  /** Streams one officer may hold open at once in this process (default 10). */
  maxPerUser?: number;
  /** Streams this process serves at once (default 2000). */
  maxTotal?: number;
}

export interface LiveQueueHub {
  /**
   * Adds a subscriber once the LISTEN connection listens (no change committed after this
   * resolves is missed); its unsubscribe function (idempotent). 429 past the per-officer
   * limit, 503 when the changes cannot be listened to or the hub is closing.
   */
  subscribe(s: LiveQueueSubscriber): Promise<() => void>;
  /** Subscribers now. */
  subscriberCount(): number;
  /** Whether the LISTEN connection is open. */
  listening(): boolean;
  /** Ends every stream and closes the LISTEN connection; later subscriptions are refused. */
  close(): Promise<void>;
}

const unavailable = (detail: string) => new DomainError('unavailable', 'Service unavailable', detail, { reason: 'LiveQueueUnavailable' });

export function createLiveQueueHub(source: ChangeSource, opts: LiveQueueOptions = {}): LiveQueueHub {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const idleCloseMs = opts.idleCloseMs ?? 30_000;
  const maxPerUser = opts.maxPerUser ?? 10;
  const maxTotal = opts.maxTotal ?? 2000;
  const subscribers = new Set<LiveQueueSubscriber>();
  let listener: Promise<DossierChangeListener> | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let idleTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const drop = (s: LiveQueueSubscriber) => {
    if (!subscribers.delete(s)) return;
    try {
      s.sink.end();
    } catch {
      // The client is gone already.
    }
    afterLeave();
  };

  const fanOut = (c: DossierChange) => {
    const event: QueueChangeEvent = { code: c.code, agency: c.agency, status: c.status, step: c.step, version: c.version };
    for (const s of [...subscribers]) {
      if (s.agencies !== 'all' && !s.agencies.has(c.agencyId)) continue;
      let kept = false;
      try {
        kept = s.sink.send(event);
      } catch {
        kept = false;
      }
      if (!kept) drop(s);
    }
  };

  const stopListening = async () => {
    const l = listener;
    listener = null;
    if (l) await l.then((x) => x.close(), () => undefined);
  };

  const onLost = (err: Error) => {
    logger.warn({ err }, 'live queues: the LISTEN connection was lost; ending the event streams (clients reconnect and re-read)');
    listener = null;
    for (const s of [...subscribers]) drop(s);
  };

  const ensureListening = (): Promise<DossierChangeListener> => {
    listener ??= source({ change: fanOut, lost: onLost }).catch((err: unknown) => {
      listener = null;
      throw err;
    });
    return listener;
  };

  function afterLeave(): void {
    if (subscribers.size > 0) return;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    if (idleTimer || closed) return;
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (subscribers.size === 0) void stopListening();
    }, idleCloseMs);
    idleTimer.unref();
  }

  return {
    async subscribe(s) {
      if (closed) throw unavailable('Máy chủ đang dừng; vui lòng kết nối lại sau ít phút.');
      let mine = 0;
      for (const x of subscribers) if (x.userId === s.userId) mine += 1;
      if (mine >= maxPerUser) {
        throw new DomainError('too_many_requests', 'Too many requests', `Ông/Bà đang mở quá ${maxPerUser} luồng cập nhật danh sách hồ sơ; hãy đóng bớt các thẻ trình duyệt đang mở bảng việc.`, { reason: 'TooManyEventStreams' });
      }
      if (subscribers.size >= maxTotal) throw unavailable('Máy chủ đang phục vụ quá nhiều luồng cập nhật; danh sách vẫn xem được bằng cách tải lại.');
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      try {
        await ensureListening();
      } catch (err) {
        logger.error({ err }, 'live queues: cannot LISTEN for dossier changes');
        afterLeave();
        throw unavailable('Chưa nhận được cập nhật trực tiếp của danh sách hồ sơ; vui lòng thử lại sau ít phút.');
      }
      if (closed) throw unavailable('Máy chủ đang dừng; vui lòng kết nối lại sau ít phút.');
      subscribers.add(s);
      heartbeat ??= setInterval(() => {
        for (const x of [...subscribers]) {
          try {
            x.sink.heartbeat();
          } catch {
            drop(x);
          }
        }
      }, heartbeatMs);
      heartbeat.unref();
      let left = false;
      return () => {
        if (left) return;
        left = true;
        if (subscribers.delete(s)) afterLeave();
      };
    },
    subscriberCount: () => subscribers.size,
    listening: () => listener !== null,
    async close() {
      closed = true;
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      for (const s of [...subscribers]) drop(s);
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      await stopListening();
    },
  };
}

/** The hub of an API process, listening on its database. */
export function liveQueueHub(db: Db, opts: LiveQueueOptions = {}): LiveQueueHub {
  return createLiveQueueHub((handlers) => listenForDossierChanges(db, handlers), opts);
}
