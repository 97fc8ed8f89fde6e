import type { Db } from '../db/connection';
import { formDossier, resultForm, type FormDossierRow } from '../forms/documents';
import { renderForm, type FormFormat } from '../forms/render';

/**
 * The electronic result (kết quả điện tử, ND 45/2020 art. 14), the reasoned notice of a
 * denial, or the stop notice of a withdrawn or stopped dossier, downloadable by the applicant
 * only, once the decision is issued and the fee paid (forms/documents.ts `resultForm`). The
 * SHA-256 digest lets anyone check the copy against the one on record; a PKI digital signature
 * of the agency is the integration still to come.
 */

export type ResultDossierRow = FormDossierRow;

/** The dossier whose result is asked for (undefined for an unknown code); the caller checks it is the applicant's. */
export function resultDossier(db: Db, code: string): Promise<ResultDossierRow | undefined> {
  return formDossier(db, code);
}

export interface EResult {
  /** The document (HTML or PDF). */
  body: Buffer;
  contentType: string;
  /** Its SHA-256 digest, base64. */
  digest: string;
  /** The name to save it under: the result's number. */
  fileName: string;
}

/** The electronic result of the applicant's dossier, refused before it is issued or, for a result, while the fee is unpaid. */
export async function eResult(db: Db, d: ResultDossierRow, format: FormFormat = 'html'): Promise<EResult> {
  return renderForm(await resultForm(db, d), format);
}
