import type { Tx } from '../db/connection';
import type { NewAuditEntry } from '../db/repositories/audit';
import { actionDossierClaimingKey, claimIdempotencyKey, deleteIdempotencyKey, findIdempotencyKey, storeIdempotentAnswer, storeIdempotentAnswerAudited, type IdempotencyKeyRow } from '../db/repositories/idempotency';
import type { ActionDossierRow } from '../db/repositories/dossiers';
import { DomainError } from '../domain/errors';

/**
 * Idempotency keys, the same rules on every route that takes one (docs in api/idempotency.ts):
 * a signed-in caller's key (per caller, per scope) is stored with the fingerprint of the first
 * request that came with it and, once given, that request's answer. The same key with the same
 * request gets the first answer again; with another request it is refused (422
 * `IdempotencyKeyReused`). Anonymous requests store nothing.
 */
export type IdempotencyClaim =
  /** The key is new (or its request may be sent again): handle the request, then settle it with the answer. */
  | { kind: 'claimed' }
  /** The key was used for a different request. */
  | { kind: 'reused' }
  /** The first request with this key has not answered yet. */
  | { kind: 'in_progress' }
  /** The answer to give again. */
  | { kind: 'replay'; status: number; body: unknown };

/**
 * What a retry does while the key holds no answer yet (the first request still runs, or failed
 * on our side), and what a server error does to the key:
 * - `create`: the request creates rows in one transaction. A retry while the first runs is told
 *   to wait (409); a server error gives the key up (nothing was stored), so a retry runs anew.
 * - `update`: the request is an Update sent to a dossier's workflow under an id made from the
 *   key, which Temporal applies once however often it is sent. A retry is sent again and gets
 *   the first one's outcome; only an applied answer (2xx) is kept, a refusal (busy, stale, a
 *   server error) is judged anew on retry. The fingerprint stays either way, so the key can
 *   never carry another request.
 */
export type IdempotencyPolicy = 'create' | 'update';

/** The same key came with another request: the stable reason code clients can act on. */
export const IDEMPOTENCY_KEY_REUSED = 'IdempotencyKeyReused';

export function idempotencyKeyReused(): DomainError {
  return new DomainError('invalid', 'Idempotency-Key reused', 'Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác (nội dung khác). Mỗi yêu cầu mới cần một khóa mới; gửi lại đúng yêu cầu cũ với khóa cũ để nhận lại kết quả lần đầu.', {
    reason: IDEMPOTENCY_KEY_REUSED,
  });
}

export function idempotencyInProgress(): DomainError {
  return new DomainError('conflict', 'Request in progress', 'Yêu cầu với khóa Idempotency-Key này đang được xử lý; vui lòng thử lại sau giây lát.', {
    reason: 'IdempotencyKeyInProgress',
    retryAfterSeconds: 1,
  });
}

export async function claimIdempotency(db: Tx, scope: string, key: string, requestHash: string, policy: IdempotencyPolicy = 'create'): Promise<IdempotencyClaim> {
  // Twice at most: a key given up (server error) between the insert and the read is free again.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await claimIdempotencyKey(db, { scope, key, request_hash: requestHash })) return { kind: 'claimed' };
    const prior = await findIdempotencyKey(db, scope, key, ['request_hash', 'response_status', 'response_body']);
    if (prior) return priorClaim(prior, requestHash, policy);
  }
  return { kind: 'in_progress' };
}

/** What a key already taken means for a request with this fingerprint. */
export function priorClaim(prior: Pick<IdempotencyKeyRow, 'request_hash' | 'response_status' | 'response_body'>, requestHash: string, policy: IdempotencyPolicy): IdempotencyClaim {
  if (prior.request_hash !== requestHash) return { kind: 'reused' };
  if (prior.response_status === null) return policy === 'update' ? { kind: 'claimed' } : { kind: 'in_progress' };
  return { kind: 'replay', status: prior.response_status, body: prior.response_body };
}

/**
 * An officer's action with a key (issue 18, target 1): the dossier it names and the key's claim
 * in one statement (db/repositories/idempotency.ts `actionDossierClaimingKey`), the key claimed
 * only for a dossier of an agency in `agencyEids`. `fresh`: the key was free and this request
 * took it (if the request then goes no further than its checks, the caller gives it up:
 * `releaseIdempotencyKey`). Undefined for an unknown code.
 */
export async function actionDossierWithKey(
  db: Tx,
  code: string,
  c: { scope: string; key: string; requestHash: string; policy: IdempotencyPolicy; agencyEids: readonly string[] },
): Promise<{ row: ActionDossierRow; claim: IdempotencyClaim; fresh: boolean } | undefined> {
  const found = await actionDossierClaimingKey(db, code, { scope: c.scope, key: c.key, request_hash: c.requestHash, agencyEids: c.agencyEids });
  if (!found) return undefined;
  if (found.claimed) return { row: found.row, claim: { kind: 'claimed' }, fresh: true };
  if (found.prior) return { row: found.row, claim: priorClaim(found.prior, c.requestHash, c.policy), fresh: false };
  if (!c.agencyEids.includes(found.row.agency_eid)) return { row: found.row, claim: { kind: 'in_progress' }, fresh: false };
  // Taken or given up by a request this statement's snapshot did not see: claimed the usual way.
  const claim = await claimIdempotency(db, c.scope, c.key, c.requestHash, c.policy);
  return { row: found.row, claim, fresh: false };
}

/** Gives up a key this request claimed and never used (it was refused before its action was sent). */
export async function releaseIdempotencyKey(db: Tx, scope: string, key: string): Promise<void> {
  await deleteIdempotencyKey(db, scope, key);
}

/**
 * Keeps the first answer for retries. A server error gives a `create` key up, so a retry can
 * succeed; an `update` key keeps its fingerprint and waits for an answer. An applied `update`
 * answer may carry the request's audit entry, written in the same statement: true when it was.
 */
export async function settleIdempotency(db: Tx, scope: string, key: string, status: number, body: unknown, policy: IdempotencyPolicy = 'create', audit?: NewAuditEntry | null): Promise<boolean | void> {
  // An Update's refusal is not its outcome: "another action is in progress", a state that has
  // since moved on, a rate limit. Temporal keeps only what it applied, so a retry with the same
  // key is sent again and judged anew; only the applied answer is kept to be replayed.
  if (policy === 'update') {
    if (status < 300 && audit) {
      await storeIdempotentAnswerAudited(db, scope, key, status, JSON.stringify(body ?? null), audit);
      return true;
    }
    if (status < 300) return storeIdempotentAnswer(db, scope, key, status, JSON.stringify(body ?? null));
    return;
  }
  if (status < 500) return storeIdempotentAnswer(db, scope, key, status, JSON.stringify(body ?? null));
  return deleteIdempotencyKey(db, scope, key);
}
