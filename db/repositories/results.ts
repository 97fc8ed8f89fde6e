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

/**
 * The result document (or notice) of a dossier numbered and stored once, in one statement: the
 * number already issued when there is one (a retry), else the next of the agency's yearly
 * sequence (result_number_sequences, gap-free: the insert that uses the number is in the same
 * statement) as `NNNN/YYYY/<prefix>-<agency e-ID>`. One statement and its commit is as long as
 * the agency's counter stays locked, so concurrent decisions of an agency wait on it only that
 * long. `title` null: the procedure's result name, else `fallbackTitle`. Undefined for an unknown agency.
 */
export async function issueResultNumberOnce(
  db: Tx,
  r: { dossierId: number; agencyEid: string; procedureCode: string; year: number; prefix: string; kind: ResultKind; title: string | null; fallbackTitle: string; signerId: number | null; issuedAt: string },
): Promise<{ number: string } | undefined> {
  const { rows } = await db.raw(
    `with existing as (
       select number from dossier_results where dossier_id = :dossierId
     ), seq as (
       insert into result_number_sequences as s (agency_id, year, last_value)
       select a.id, :year, 1 from agencies a where a.eid = :agencyEid and not exists (select 1 from existing)
       on conflict (agency_id, year) do update set last_value = s.last_value + 1
       returning last_value
     ), ins as (
       insert into dossier_results (dossier_id, number, kind, title, signer_id, issued_at)
       select :dossierId, lpad(seq.last_value::text, greatest(4, length(seq.last_value::text)), '0') || '/' || cast(:year as text) || '/' || cast(:prefix as text) || '-' || cast(:agencyEid as text),
              :kind, coalesce(cast(:title as text), (select p.result_name from procedures p where p.code = :procedureCode), cast(:fallbackTitle as text)), :signerId, :issuedAt
         from seq
       returning number
     )
     select number from existing union all select number from ins`,
    r,
  );
  return rows[0] ? { number: rows[0].number as string } : undefined;
}
