import type { TimeLimit } from '../../domain/calendar';
import type { Channel } from '../../domain/types';
import type { Tx } from '../connection';

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
  const row = await db('procedures').where('code', code).first([...columns] as string[]);
  return row as Pick<ProcedureRow, C> | undefined;
}

/** The columns asked for of the procedure with this code, when it is open to new dossiers. */
export async function findActiveProcedureByCode<C extends ProcedureColumn>(db: Tx, code: string, columns: readonly C[]): Promise<Pick<ProcedureRow, C> | undefined> {
  const row = await db('procedures').where({ code, active: true }).first([...columns] as string[]);
  return row as Pick<ProcedureRow, C> | undefined;
}

/** The row saying this agency handles this procedure, if it does. */
export async function findProcedureAgency(db: Tx, procedureId: number, agencyId: number): Promise<{ procedure_id: number; agency_id: number } | undefined> {
  return db('procedure_agencies').where({ procedure_id: procedureId, agency_id: agencyId }).first();
}

/** The sum of the procedure's fee lines for a channel (null without any). */
export async function procedureFeeTotal(db: Tx, procedureId: number, channel: Channel): Promise<string | number | null> {
  const row = await db('procedure_fees').where({ procedure_id: procedureId, channel }).sum<{ total: string | number | null }[]>('amount_vnd as total');
  return row[0]?.total ?? null;
}
