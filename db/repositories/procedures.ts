import type { TimeLimit } from '../../domain/calendar';
import type { Channel } from '../../domain/types';
import type { Tx } from '../connection';
import { firstRow } from './rows';

// --- activities, dossiers ---

/** A row of `procedures`, the catalogue of administrative procedures (thủ tục hành chính). */
export interface ProcedureRow {
  id: number;
  code: string;
  national_code: string | null;
  name: string;
  time_limit: TimeLimit;
  online_level: 'full' | 'partial';
  fee_timing: 'none' | 'at_submission' | 'before_processing' | 'at_result';
  clock_policy: 'PAUSE' | 'RESTART' | 'CONTINUE';
  /** The time limit counts from a complete dossier and the fee paid (ND 297/2025 art. 6(2)). */
  clock_from_fee: boolean;
  result_name: string;
  active: boolean;
  step_budgets: Record<string, number> | null;
  /** NUMERIC: a string as PostgreSQL sends it. */
  warn_before_hours: string;
  escalate_every_hours: string;
}

export type ProcedureColumn = keyof ProcedureRow;

/** The columns asked for of the procedure with this code (active or not). */
export async function findProcedureByCode<C extends ProcedureColumn>(db: Tx, code: string, columns: readonly C[]): Promise<Pick<ProcedureRow, C> | undefined> {
  return firstRow<ProcedureRow, C>(db, 'procedures', { code }, columns);
}

/** The columns asked for of the procedure with this code, when it is open to new dossiers. */
export async function findActiveProcedureByCode<C extends ProcedureColumn>(db: Tx, code: string, columns: readonly C[]): Promise<Pick<ProcedureRow, C> | undefined> {
  return firstRow<ProcedureRow, C>(db, 'procedures', { code, active: true }, columns);
}

/** The row saying this agency handles this procedure, if it does. */
export async function findProcedureAgency(db: Tx, procedureId: number, agencyId: number): Promise<{ procedure_id: number; agency_id: number } | undefined> {
  return db('procedure_agencies').where({ procedure_id: procedureId, agency_id: agencyId }).first();
}

/** When the procedure's fee is due and the sum of its fee lines for a channel, in one statement; undefined for an unknown procedure. */
export async function procedureFeeBasis(db: Tx, procedureId: number, channel: Channel): Promise<{ fee_timing: string; total: string | number | null } | undefined> {
  return db('procedures as p')
    .where('p.id', procedureId)
    .first('p.fee_timing', db.raw('(select sum(f.amount_vnd) from procedure_fees f where f.procedure_id = p.id and f.channel = ?) as total', [channel]));
}

/** The sum of the procedure's fee lines for a channel (null without any). */
export async function procedureFeeTotal(db: Tx, procedureId: number, channel: Channel): Promise<string | number | null> {
  const row = await db('procedure_fees').where({ procedure_id: procedureId, channel }).sum<{ total: string | number | null }[]>('amount_vnd as total');
  return row[0]?.total ?? null;
}

// --- calendars, supervision and catalogue ---

/** A whole `procedures` row, as the public catalogue shows it. */
export type CatalogueProcedureRow = Record<string, any>;

/** Active procedures of the catalogue, by code. */
export async function activeProcedures(db: Tx): Promise<CatalogueProcedureRow[]> {
  return db('procedures').where('active', true).orderBy('code');
}

/** The whole row of the active procedure with this code. */
export async function findActiveProcedure(db: Tx, code: string): Promise<CatalogueProcedureRow | undefined> {
  return db('procedures').where({ code, active: true }).first();
}

export async function procedureFees(db: Tx, procedureId: number): Promise<Array<{ channel: string; fee_name: string; amount_vnd: number; note: string | null }>> {
  return db('procedure_fees').where('procedure_id', procedureId).orderBy(['channel', 'fee_name']).select('channel', 'fee_name', 'amount_vnd', 'note');
}

export async function procedureDocuments(db: Tx, procedureId: number): Promise<Array<{ item: number; name: string; required: boolean; copies: number }>> {
  return db('procedure_documents').where('procedure_id', procedureId).orderBy('position').select('position as item', 'name', 'required', 'copies');
}

/** Agencies that handle a procedure. */
export async function procedureAgencies(db: Tx, procedureId: number): Promise<Array<{ eid: string; name: string }>> {
  return db('procedure_agencies as pa').join('agencies as a', 'a.id', 'pa.agency_id').where('pa.procedure_id', procedureId).select('a.eid', 'a.name');
}
