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
