import type { Tx } from '../connection';
import { firstRow } from './rows';
import type { NewAuditEntry } from './audit';

// --- dossiers (submission) ---

/** A row of `idempotency_keys`: a caller's key (per scope) and the request it first came with. */
export interface IdempotencyKeyRow {
  scope: string;
  key: string;
  request_hash: string;
  dossier_id: number | null;
  response_status: number | null;
  response_body: unknown;
  created_at: Date;
}

/** Takes the key for this request; false when the scope already holds it. */
export async function claimIdempotencyKey(db: Tx, row: { scope: string; key: string; request_hash: string }): Promise<boolean> {
  const claimed = await db('idempotency_keys').insert(row).onConflict(['scope', 'key']).ignore().returning('key');
  return claimed.length > 0;
}

/** The columns asked for of a key already taken. */
export async function findIdempotencyKey<C extends keyof IdempotencyKeyRow>(db: Tx, scope: string, key: string, columns: readonly C[]): Promise<Pick<IdempotencyKeyRow, C> | undefined> {
  return firstRow<IdempotencyKeyRow, C>(db, 'idempotency_keys', { scope, key }, columns);
}

/** Links a submission's key to the dossier it stored. */
export async function setIdempotencyKeyDossier(db: Tx, scope: string, key: string, dossierId: number): Promise<void> {
  await db('idempotency_keys').where({ scope, key }).update({ dossier_id: dossierId });
}

// --- api (Idempotency-Key on the POSTs that create something, officer and citizen actions, uploads) ---

/** Gives a key without an answer up again (the request failed on our side: a retry may succeed). */
export async function deleteIdempotencyKey(db: Tx, scope: string, key: string): Promise<void> {
  await db('idempotency_keys').where({ scope, key }).whereNull('response_status').delete();
}

/** Keeps the first answer given, for retries with the same key (a later one never replaces it). */
export async function storeIdempotentAnswer(db: Tx, scope: string, key: string, status: number, body: string): Promise<void> {
  await db('idempotency_keys').where({ scope, key }).whereNull('response_status').update({ response_status: status, response_body: body });
}

/**
 * Keeps the first answer and writes the request's audit entry, in one statement (issue 18: an
 * officer's action costs one round trip after its Update, not two). The entry is written even
 * when another answer was kept first: this request happened too.
 */
export async function storeIdempotentAnswerAudited(db: Tx, scope: string, key: string, status: number, body: string, entry: NewAuditEntry): Promise<void> {
  await db
    .with('audit', (q) => q.insert(entry).into('audit_log'))
    .table('idempotency_keys')
    .where({ scope, key })
    .whereNull('response_status')
    .update({ response_status: status, response_body: body });
}
