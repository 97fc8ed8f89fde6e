import type { Knex } from 'knex';
import { formatDossierCode } from '../domain/dossier-code';

/**
 * Next dossier code of an agency for a local day, inside the caller's transaction.
 * The upsert takes a row lock on (agency, day), so concurrent submissions serialise
 * here and each gets its own number; the dossier insert in the same transaction makes
 * the pair atomic, and the unique code column guarantees no code is ever issued twice.
 */
export async function allocateDossierCode(trx: Knex | Knex.Transaction, agency: { id: number; eid: string }, localDay: string): Promise<string> {
  const [row] = await trx('dossier_code_sequences')
    .insert({ agency_id: agency.id, day: localDay, last_value: 1 })
    .onConflict(['agency_id', 'day'])
    .merge({ last_value: trx.raw('dossier_code_sequences.last_value + 1') })
    .returning('last_value');
  return formatDossierCode(agency.eid, localDay, row.last_value);
}
