import type { Tx } from '../connection';
import type { ProcedureChain, StepBudget } from '../../domain/internal-procedure';

/**
 * Inter-agency chains (ND 297/2025): the chains as published (procedure_chains), each
 * submission of one (dossier_chains) and the dossiers of its stages (dossiers.chain_id,
 * chain_stage).
 */

export interface ProcedureChainRow {
  id: number;
  code: string;
  name: string;
  basis: string;
  total_limit: StepBudget;
  stages: ProcedureChain['stages'];
  active: boolean;
}

const chainOf = (r: ProcedureChainRow): ProcedureChain => ({ code: r.code, name: r.name, basis: r.basis, totalLimit: r.total_limit, stages: r.stages });

export async function listProcedureChains(db: Tx): Promise<ProcedureChain[]> {
  const rows: ProcedureChainRow[] = await db('procedure_chains').where('active', true).orderBy('code').select('*');
  return rows.map(chainOf);
}

export async function findProcedureChain(db: Tx, code: string): Promise<ProcedureChain | undefined> {
  const row: ProcedureChainRow | undefined = await db('procedure_chains').where({ code, active: true }).first('*');
  return row ? chainOf(row) : undefined;
}

/** Names of procedures and agencies, by code and e-ID, for a chain's description. */
export async function chainNames(db: Tx, procedureCodes: string[], agencyEids: string[]) {
  const procedures: Array<{ code: string; name: string; national_code: string | null; time_limit: unknown }> = await db('procedures').whereIn('code', procedureCodes).select('code', 'name', 'national_code', 'time_limit');
  const agencies: Array<{ eid: string; name: string }> = await db('agencies').whereIn('eid', agencyEids).select('eid', 'name');
  return { procedures: new Map(procedures.map((p) => [p.code, p])), agencies: new Map(agencies.map((a) => [a.eid, a])) };
}

export interface DossierChainRow {
  id: number;
  chain_code: string;
  code: string;
  workflow_id: string;
  applicant_id_number: string;
  applicant_full_name: string;
  delivery_method: string;
  documents: Array<{ name: string; fileId?: string; checklistItem?: number; stage: number }>;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'STOPPED';
  current_stage: number;
  stop_status: string | null;
  stop_stage: number | null;
  submitted_at: Date;
  received_at: Date | null;
  due_at: Date | null;
  completed_at: Date | null;
  on_time: boolean | null;
  late_stage: number | null;
  late_agency_eid: string | null;
  workflow_started_at: Date | null;
}

export async function insertDossierChain(trx: Tx, row: Pick<DossierChainRow, 'chain_code' | 'code' | 'workflow_id' | 'applicant_id_number' | 'applicant_full_name' | 'delivery_method' | 'submitted_at'> & { documents: string }): Promise<number> {
  const [{ id }] = await trx('dossier_chains').insert(row).returning('id');
  return Number(id);
}

/** Marks a dossier as a chain's stage. */
export async function markChainStage(trx: Tx, dossierId: number, chainId: number, stage: number): Promise<void> {
  await trx('dossiers').where('id', dossierId).update({ chain_id: chainId, chain_stage: stage });
}

export async function findDossierChain(db: Tx, id: number): Promise<DossierChainRow | undefined> {
  return db('dossier_chains').where({ id }).first('*');
}

export async function findDossierChainByCode(db: Tx, code: string): Promise<DossierChainRow | undefined> {
  return db('dossier_chains').where({ code }).first('*');
}

/** The chain a dossier is a stage of, if any. */
export async function chainOfDossier(db: Tx, dossierCode: string): Promise<DossierChainRow | undefined> {
  return db('dossier_chains as c').join('dossiers as d', 'd.chain_id', 'c.id').where('d.code', dossierCode).first('c.*');
}

/** Chains of these ids, for lists. */
export async function dossierChainsByIds(db: Tx, ids: number[]): Promise<DossierChainRow[]> {
  return ids.length ? db('dossier_chains').whereIn('id', ids).select('*') : [];
}

export async function updateDossierChain(db: Tx, id: number, fields: Partial<Omit<DossierChainRow, 'id' | 'code' | 'chain_code' | 'workflow_id' | 'documents'>>): Promise<void> {
  await db('dossier_chains').where({ id }).update(fields);
}

export interface ChainStageRow {
  id: number;
  code: string;
  workflow_id: string;
  chain_stage: number;
  status: string;
  submitted_at: Date;
  received_at: Date | null;
  appointment_at: Date | null;
  due_at: Date | null;
  completed_at: Date | null;
  result_number: string | null;
  procedure_code: string;
  procedure_name: string;
  result_name: string | null;
  agency_eid: string;
  agency_name: string;
}

/** The dossiers of a chain's stages, in order. */
export async function chainStageDossiers(db: Tx, chainId: number): Promise<ChainStageRow[]> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .leftJoin('dossier_results as r', 'r.dossier_id', 'd.id')
    .where('d.chain_id', chainId)
    .orderBy('d.chain_stage')
    .select(
      'd.id',
      'd.code',
      'd.workflow_id',
      'd.chain_stage',
      'd.status',
      'd.submitted_at',
      'd.received_at',
      'd.appointment_at',
      'd.due_at',
      'd.completed_at',
      db.raw(`case when r.kind = 'result' then r.number end as result_number`),
      'p.code as procedure_code',
      'p.name as procedure_name',
      'p.result_name',
      'a.eid as agency_eid',
      'a.name as agency_name',
    );
}

/** What the next stage's dossier takes from the previous one: the applicant, the channel, the documents, the result. */
export async function previousStageFacts(db: Tx, dossierId: number) {
  return db('dossiers as d')
    .leftJoin('dossier_results as r', 'r.dossier_id', 'd.id')
    .where('d.id', dossierId)
    .first(
      'd.id',
      'd.code',
      'd.chain_id',
      'd.chain_stage',
      'd.channel',
      'd.delivery_method',
      'd.applicant_full_name',
      'd.applicant_id_number',
      'd.applicant_phone',
      'd.applicant_email',
      'd.applicant_address',
      'd.postal_address',
      'd.received_at',
      'd.completed_at',
      'r.number as result_number',
      'r.title as result_title',
      'r.kind as result_kind',
    );
}

/** The dossier of a chain's stage, if it was made. */
export async function stageDossier(db: Tx, chainId: number, stage: number): Promise<{ id: number; workflow_id: string; received_at: Date | null; agency_eid: string } | undefined> {
  return db('dossiers as d').join('agencies as a', 'a.id', 'd.agency_id').where({ 'd.chain_id': chainId, 'd.chain_stage': stage }).first('d.id', 'd.workflow_id', 'd.received_at', 'a.eid as agency_eid');
}

/** The chain and stage of a dossier, by id. */
export async function chainIdOfDossier(db: Tx, dossierId: number): Promise<number | null> {
  const row = await db('dossiers').where('id', dossierId).first('chain_id');
  return row?.chain_id ? Number(row.chain_id) : null;
}

/** Of these dossier codes, those that are a chain's stage: the chain and the stage. */
export async function chainStagesOfCodes(db: Tx, codes: string[]): Promise<Array<{ code: string; chain_id: number; chain_stage: number }>> {
  return codes.length ? db('dossiers').whereIn('code', codes).whereNotNull('chain_id').select('code', 'chain_id', 'chain_stage') : [];
}

/** Chains stored before `submittedBefore` whose workflow was never started (Temporal unreachable at submission), oldest first. */
export async function pendingChainStarts(db: Tx, submittedBefore: Date, limit: number): Promise<Array<{ id: number }>> {
  return db('dossier_chains').whereNull('workflow_started_at').where('status', 'IN_PROGRESS').andWhere('submitted_at', '<', submittedBefore).orderBy('id').limit(limit).select('id');
}
