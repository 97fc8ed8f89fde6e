import { toOffsetIso } from '../../domain/calendar';
import { formatDossierCode } from '../../domain/dossier-code';
import type { Tx } from '../connection';

/**
 * Counters per agency and period, one row per (agency, period) in its own table:
 * - `dossier_code`: the daily sequence of dossier codes (dossier_code_sequences, per local day);
 * - `result_number`: the yearly number of result documents (result_number_sequences);
 * - `receipt`: the yearly number of e-receipts (biên lai điện tử, receipt_number_sequences).
 *
 * The upsert takes a row lock on (agency, period), so concurrent callers serialise here and each
 * gets its own number. Inside a transaction that also writes the number, a rolled-back caller
 * gives its number back, but holds every other caller of the row until its commit; the dossier
 * code is therefore taken in a statement of its own before the dossier's transaction
 * (dossiers/submission.ts), at the cost of a gap when that transaction then fails (docs/domain.md
 * §4). The tracking book (sổ theo dõi hồ sơ) is numbered from a PostgreSQL sequence per agency and
 * year instead (`tracking_book_next`, migration 20261212000001), which holds nothing to the commit
 * of the acceptance that raises it, with the same cost.
 */
export type SequenceKey =
  | { kind: 'dossier_code'; agencyId: number; day: string }
  | { kind: 'result_number'; agencyId: number; year: number }
  | { kind: 'receipt'; agencyId: number; year: number };

const TABLES: Record<SequenceKey['kind'], string> = {
  dossier_code: 'dossier_code_sequences',
  result_number: 'result_number_sequences',
  receipt: 'receipt_number_sequences',
};

/** The next value of a sequence: 1 for a new (agency, period), the last value + 1 after it. */
export async function nextInSequence(trx: Tx, key: SequenceKey): Promise<number> {
  const table = TABLES[key.kind];
  const period = key.kind === 'dossier_code' ? { column: 'day', value: key.day } : { column: 'year', value: key.year };
  const [row] = await trx(table)
    .insert({ agency_id: key.agencyId, [period.column]: period.value, last_value: 1 })
    .onConflict(['agency_id', period.column])
    .merge({ last_value: trx.raw(`${table}.last_value + 1`) })
    .returning('last_value');
  return row.last_value as number;
}

/**
 * Next dossier code of an agency for a local day, inside the caller's transaction. The dossier
 * insert in the same transaction makes the pair atomic, and the unique code column guarantees
 * no code is ever issued twice.
 */
export async function allocateDossierCode(trx: Tx, agency: { id: number; eid: string }, localDay: string): Promise<string> {
  return formatDossierCode(agency.eid, localDay, await nextInSequence(trx, { kind: 'dossier_code', agencyId: agency.id, day: localDay }));
}

/**
 * The dossier's number in its agency's tracking book (sổ theo dõi hồ sơ) for the year it was
 * received, allocated now if it has none (received, not yet numbered); null before receipt.
 * Inside the caller's transaction; the dossier row is locked so two callers number it once.
 */
export async function ensureTrackingBookNumber(trx: Tx, dossierId: number): Promise<{ year: number; number: number } | null> {
  const d = await trx('dossiers').where('id', dossierId).forUpdate().first('agency_id', 'received_at', 'tracking_book_year', 'tracking_book_number');
  if (!d?.received_at) return null;
  if (d.tracking_book_number !== null) return { year: d.tracking_book_year, number: d.tracking_book_number };
  const year = Number(toOffsetIso(new Date(d.received_at)).slice(0, 4));
  const number = await nextInTrackingBook(trx, d.agency_id, year);
  await trx('dossiers').where('id', dossierId).update({ tracking_book_year: year, tracking_book_number: number });
  return { year, number };
}

/**
 * The next number of an agency's tracking book for a year (`tracking_book_next`: its sequence,
 * created by the book's first number). Not given back if the caller's transaction fails.
 */
export async function nextInTrackingBook(trx: Tx, agencyId: number, year: number): Promise<number> {
  const { rows } = await trx.raw('select tracking_book_next(?, ?) as number', [agencyId, year]);
  return rows[0].number as number;
}
