import type { Tx } from '../connection';

// --- results (issueResult's write) ---

export type ResultKind = 'result' | 'denial_notice' | 'stop_notice';

/** The number of the result document (or notice) already issued for a dossier, if any. */
export async function findIssuedResult(trx: Tx, dossierId: number): Promise<{ number: string } | undefined> {
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
