import type { Tx } from '../connection';

// --- calendars, supervision and catalogue ---

/** A `procedures` row as the catalogue shows it. */
export type ProcedureRow = Record<string, any>;

/** Active procedures of the catalogue, by code. */
export async function activeProcedures(db: Tx): Promise<ProcedureRow[]> {
  return db('procedures').where('active', true).orderBy('code');
}

export async function findActiveProcedure(db: Tx, code: string): Promise<ProcedureRow | undefined> {
  return db('procedures').where({ code, active: true }).first();
}

export async function procedureFees(db: Tx, procedureId: number): Promise<Array<{ channel: string; fee_name: string; amount_vnd: number; note: string | null }>> {
  return db('procedure_fees').where('procedure_id', procedureId).orderBy(['channel', 'fee_name']).select('channel', 'fee_name', 'amount_vnd', 'note');
}

export async function procedureDocuments(db: Tx, procedureId: number): Promise<Array<{ name: string; required: boolean; copies: number }>> {
  return db('procedure_documents').where('procedure_id', procedureId).orderBy('position').select('name', 'required', 'copies');
}

/** Agencies that handle a procedure. */
export async function procedureAgencies(db: Tx, procedureId: number): Promise<Array<{ eid: string; name: string }>> {
  return db('procedure_agencies as pa').join('agencies as a', 'a.id', 'pa.agency_id').where('pa.procedure_id', procedureId).select('a.eid', 'a.name');
}

/** An active procedure's time limit as stored (jsonb), for the deadline preview. */
export async function findActiveProcedureTimeLimit(db: Tx, code: string): Promise<{ code: string; name: string; time_limit: unknown } | undefined> {
  return db('procedures').where({ code, active: true }).first('code', 'name', 'time_limit');
}

export async function findProcedure(db: Tx, code: string): Promise<{ id: number; code: string } | undefined> {
  return db('procedures').where('code', code).first('id', 'code');
}
