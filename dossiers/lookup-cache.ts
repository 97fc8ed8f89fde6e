import { createHash } from 'node:crypto';
import type { Db } from '../db/connection';
import { listenForDossierChanges, type DossierChangeListener } from '../db/repositories/dossier-changes';
import { logger } from '../platform/logger';
import type { ChangeSource } from './live-queue';

/**
 * The public status lookup's answers, kept in the API process (issue 18, target 3), so that the
 * lookup of a dossier nobody changes costs no database round trip.
 *
 * What is kept: the serialized JSON body and its ETag of a FOUND lookup, keyed by the dossier
 * code, with the 4 check digits it was found with. Only the right check finds a dossier, so a
 * code has at most one answer here; a lookup with another check, and a lookup of an unknown
 * code, never hit: both go to the database and come back "not found" alike (the same work and
 * the same answer as before, no existence oracle). "Not found" is never kept. Answers of a
 * stage of an inter-agency chain are not kept either: they show the other stages, whose changes
 * are announced under the other codes.
 *
 * How it stays true: one LISTEN connection of its own per API process, on the `dossier_changes`
 * channel every writer of what the lookup shows notifies at commit (db/repositories/
 * dossier-changes.ts `noteDossierChange`: the event record, the submission, payments and their
 * e-receipts, shipments, legs). A change drops the code's answer as soon as PostgreSQL delivers
 * the notification (milliseconds after the commit). A read that was under way when its code
 * changed is not kept (its snapshot may predate the commit). While the connection is down
 * nothing is served from or kept in the cache; when it is lost or listens again the cache is
 * emptied, since changes may have been missed in between. Bounded in size (least recently used
 * out first) and with a safety lifetime (`ttlMs`) for anything unforeseen.
 */

export interface LookupCacheOptions {
  /** Answers kept at most (default 10,000); the least recently used goes first. */
  maxEntries?: number;
  /** Safety lifetime of an answer (default 5 min), whatever the notifications say: only a net for a change nobody notified. */
  ttlMs?: number;
  /** Wait before listening again after the LISTEN connection failed (default 1 s). */
  retryMs?: number;
}

export interface CachedLookup {
  body: Buffer;
  etag: string;
}

interface Entry extends CachedLookup {
  check: string;
  expires: number;
}

/** A read of the database for one code, begun before it: kept only if nothing changed the code meanwhile. */
export interface LookupRead {
  readonly code: string;
  readonly epoch: number;
  stale: boolean;
}

export interface LookupCache {
  /** The answer kept for this code and check, if any (never for a check that is not the one it was found with). */
  get(code: string, check: string): CachedLookup | undefined;
  /** Call before reading the database for `code`; pass the result to `store`. */
  begin(code: string): LookupRead;
  /** Keeps a found answer, unless the code changed (or the connection dropped) since `begin`; ends the read. */
  store(read: LookupRead, check: string, answer: CachedLookup): void;
  /** Ends a read that keeps nothing (not found, an error). */
  end(read: LookupRead): void;
  /** Drops the answer of a code (a notified change). */
  invalidate(code: string): void;
  /** Drops every answer. */
  clear(): void;
  /** Whether changes are listened to (only then are answers served and kept). */
  listening(): boolean;
  /** The PostgreSQL backend of the LISTEN connection (for tests that cut it), null when not listening. */
  backendPid(): number | null;
  size(): number;
  stats(): { hits: number; misses: number; invalidations: number; clears: number };
  close(): Promise<void>;
}

/** Express's weak ETag of a body (the `etag` package's format), so the kept answer and a fresh one carry the same. */
export function weakEtag(body: Buffer): string {
  return `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
}

export function createLookupCache(source: ChangeSource, opts: LookupCacheOptions = {}): LookupCache {
  const maxEntries = opts.maxEntries ?? 10_000;
  const ttlMs = opts.ttlMs ?? 300_000;
  const retryMs = opts.retryMs ?? 1_000;
  const entries = new Map<string, Entry>();
  const reads = new Map<string, Set<LookupRead>>();
  const counts = { hits: 0, misses: 0, invalidations: 0, clears: 0 };
  let epoch = 0;
  let listener: DossierChangeListener | null = null;
  let on = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let pending: Promise<void> | null = null;

  const invalidate = (code: string) => {
    if (entries.delete(code)) counts.invalidations += 1;
    const under = reads.get(code);
    if (under) for (const r of under) r.stale = true;
  };
  const clear = () => {
    entries.clear();
    // Reads under way were begun in another epoch: none of them is kept.
    epoch += 1;
    counts.clears += 1;
  };
  const endRead = (read: LookupRead) => {
    const under = reads.get(read.code);
    if (!under) return;
    under.delete(read);
    if (under.size === 0) reads.delete(read.code);
  };

  const listen = async () => {
    retry = null;
    if (closed) return;
    try {
      const l = await source({
        change: (c) => invalidate(c.code),
        lost: (err) => {
          on = false;
          listener = null;
          clear();
          logger.warn({ err }, 'lookup cache: the LISTEN connection was lost; answers are read from the database until it listens again');
          schedule();
        },
      });
      if (closed) {
        await l.close();
        return;
      }
      listener = l;
      // Whatever changed while nobody listened is unknown: start empty.
      clear();
      on = true;
    } catch (err) {
      logger.warn({ err }, 'lookup cache: cannot LISTEN for dossier changes; trying again');
      schedule();
    }
  };
  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      pending = listen();
    }, retryMs);
    retry.unref();
  };
  pending = listen();

  return {
    get(code, check) {
      const e = on ? entries.get(code) : undefined;
      if (!e || e.check !== check) {
        counts.misses += 1;
        return undefined;
      }
      if (e.expires <= Date.now()) {
        entries.delete(code);
        counts.misses += 1;
        return undefined;
      }
      // Most recently used last: Map keeps insertion order.
      entries.delete(code);
      entries.set(code, e);
      counts.hits += 1;
      return e;
    },
    begin(code) {
      const read: LookupRead = { code, epoch, stale: false };
      let under = reads.get(code);
      if (!under) reads.set(code, (under = new Set()));
      under.add(read);
      return read;
    },
    store(read, check, answer) {
      endRead(read);
      if (!on || read.stale || read.epoch !== epoch) return;
      entries.delete(read.code);
      entries.set(read.code, { ...answer, check, expires: Date.now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
    end: endRead,
    invalidate,
    clear,
    listening: () => on,
    backendPid: () => (on ? (listener?.backendPid ?? null) : null),
    size: () => entries.size,
    stats: () => ({ ...counts }),
    async close() {
      closed = true;
      on = false;
      if (retry) clearTimeout(retry);
      retry = null;
      clear();
      await pending;
      const l = listener;
      listener = null;
      await l?.close();
    },
  };
}

/** The cache of an API process, listening on its database with a connection of its own. */
export function lookupCache(db: Db, opts: LookupCacheOptions = {}): LookupCache {
  return createLookupCache((handlers) => listenForDossierChanges(db, handlers, 'dossier-api-lookup-cache'), opts);
}
