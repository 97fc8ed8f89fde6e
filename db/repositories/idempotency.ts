import type { Tx } from '../connection';

/** Takes the key for this request; false when the caller already used it. */
export async function claimIdempotencyKey(db: Tx, scope: string, key: string, requestHash: string): Promise<boolean> {
  const claimed = await db('idempotency_keys').insert({ scope, key, request_hash: requestHash }).onConflict(['scope', 'key']).ignore().returning('key');
  return claimed.length > 0;
}

export interface IdempotencyKeyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}

export async function findIdempotencyKey(db: Tx, scope: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  return db('idempotency_keys').where({ scope, key }).first('request_hash', 'response_status', 'response_body');
}

/** Gives the key up again (the request failed on our side: a retry may succeed). */
export async function deleteIdempotencyKey(db: Tx, scope: string, key: string): Promise<void> {
  await db('idempotency_keys').where({ scope, key }).delete();
}

/** Keeps the answer given, for retries with the same key. */
export async function storeIdempotentAnswer(db: Tx, scope: string, key: string, status: number, body: string): Promise<void> {
  await db('idempotency_keys').where({ scope, key }).update({ response_status: status, response_body: body });
}
