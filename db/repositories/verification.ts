import type { Tx } from '../connection';

/**
 * What the checks of an on-site visit read (dossiers/verification.ts): whether the procedure's
 * catalogue provides for on-site verification, the agency whose calendar the visit keeps, and
 * which files belong to the dossier.
 */

export interface VisitFactsRow {
  procedure_code: string;
  on_site_verification: boolean;
  agency_eid: string;
}

export async function visitFacts(db: Tx, dossierId: number): Promise<VisitFactsRow | undefined> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.id', dossierId)
    .first('p.code as procedure_code', 'p.on_site_verification', 'a.eid as agency_eid');
}

/** The IDs among `ids` of documents filed on the dossier. */
export async function dossierDocumentIds(db: Tx, dossierId: number, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows: Array<{ id: string }> = await db('documents').where('dossier_id', dossierId).whereIn('id', ids).select('id');
  return new Set(rows.map((r) => r.id));
}
