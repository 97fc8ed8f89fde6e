import type { Tx } from '../connection';
import { firstRow } from './rows';
import type { NewAuditEntry } from './audit';
import { actionDossierQuery, type ActionDossierRow } from './dossiers';

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

/**
 * An officer's action with an Idempotency-Key (issue 18, target 1): the dossier it names
 * (`actionDossierQuery`) and the key's claim, in one statement. The key is claimed only when the
 * dossier exists and belongs to one of `agencyEids` (where the caller holds a role), so a code
 * that is unknown to the caller claims nothing. `claimed`: the key was free and is now this
 * request's; otherwise `prior` is the key as it stood (absent when it was taken or given up by
 * a concurrent request this statement could not see: ask again with `claimIdempotencyKey`).
 */
export async function actionDossierClaimingKey(
  db: Tx,
  code: string,
  claim: { scope: string; key: string; request_hash: string; agencyEids: readonly string[] },
): Promise<{ row: ActionDossierRow; claimed: boolean; prior: Pick<IdempotencyKeyRow, 'request_hash' | 'response_status' | 'response_body'> | null } | undefined> {
  const rows: Array<ActionDossierRow & { claimed: number; prior_hash: string | null; prior_status: number | null; prior_body: unknown }> = await db
    .with('d', actionDossierQuery(db, code))
    .with(
      'c',
      db.raw(`insert into idempotency_keys (scope, key, request_hash) select ?, ?, ? from d where d.agency_eid = any(?::text[]) on conflict (scope, key) do nothing returning key`, [
        claim.scope,
        claim.key,
        claim.request_hash,
        [...claim.agencyEids],
      ]),
    )
    .from('d')
    .leftJoin('idempotency_keys as k', (j) => {
      j.on('k.scope', '=', db.raw('?', [claim.scope])).andOn('k.key', '=', db.raw('?', [claim.key]));
    })
    .select('d.*', db.raw('(select count(*) from c)::int as claimed'), 'k.request_hash as prior_hash', 'k.response_status as prior_status', 'k.response_body as prior_body');
  const r = rows[0];
  if (!r) return undefined;
  const { claimed, prior_hash, prior_status, prior_body, ...row } = r;
  return { row, claimed: claimed > 0, prior: prior_hash === null ? null : { request_hash: prior_hash, response_status: prior_status, response_body: prior_body } };
}
