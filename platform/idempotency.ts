import type { Tx } from '../db/connection';
import { claimIdempotencyKey, deleteIdempotencyKey, findIdempotencyKey, storeIdempotentAnswer } from '../db/repositories/idempotency';

/**
 * Idempotency keys of the requests that create something: the first request with a key takes
 * it, and its answer is kept with it; a retry finds that answer.
 */
export type IdempotencyClaim =
  /** The key is new: handle the request, then settle it with the answer. */
  | { kind: 'claimed' }
  /** The key was used for a different request. */
  | { kind: 'reused' }
  /** The first request with this key has not answered yet. */
  | { kind: 'in_progress' }
  /** The answer to give again. */
  | { kind: 'replay'; status: number; body: unknown };

export async function claimIdempotency(db: Tx, scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
  if (await claimIdempotencyKey(db, { scope, key, request_hash: requestHash })) return { kind: 'claimed' };
  const prior = await findIdempotencyKey(db, scope, key, ['request_hash', 'response_status', 'response_body']);
  if (prior!.request_hash !== requestHash) return { kind: 'reused' };
  if (prior!.response_status === null) return { kind: 'in_progress' };
  return { kind: 'replay', status: prior!.response_status, body: prior!.response_body };
}

/** Keeps the answer for retries; a server error gives the key up instead, so a retry can succeed. */
export function settleIdempotency(db: Tx, scope: string, key: string, status: number, body: unknown): Promise<void> {
  return status >= 500 ? deleteIdempotencyKey(db, scope, key) : storeIdempotentAnswer(db, scope, key, status, JSON.stringify(body));
}
