import type { Tx } from '../connection';

/** Results of dossiers (dossier_results): the decision document, the denial notice or the stop notice. */

// --- payments and delivery ---

export interface IssuedResultRow {
  number: string;
  kind: 'result' | 'denial_notice' | 'stop_notice';
  title: string;
  issued_at: Date;
  /** Null for a stop notice the system published on the citizen's online request. */
  signer: string | null;
}

/** The result issued on a dossier, with the name of its signer. */
export async function findIssuedResult(db: Tx, dossierId: number): Promise<IssuedResultRow | undefined> {
  return db('dossier_results as r').leftJoin('users as u', 'u.id', 'r.signer_id').where('r.dossier_id', dossierId).first('r.number', 'r.kind', 'r.title', 'r.issued_at', 'u.full_name as signer');
}

// --- results (issueResult's write) ---

export type ResultKind = 'result' | 'denial_notice' | 'stop_notice';

/** The number of the result document (or notice) already issued for a dossier, if any. */
export async function findResultNumber(trx: Tx, dossierId: number): Promise<{ number: string } | undefined> {
  return trx('dossier_results').where('dossier_id', dossierId).first('number');
}

/** The numbered result document, the reasoned denial or the stop notice of a dossier (one per dossier). */
export interface NewResult {
  dossier_id: number;
  number: string;
  kind: ResultKind;
  title: string;
  signer_id: number | null;
  issued_at: string;
}

export async function insertResult(trx: Tx, row: NewResult): Promise<void> {
  await trx('dossier_results').insert(row);
}
