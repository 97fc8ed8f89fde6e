import type { Db } from '../db/connection';
import { activeProcedures, findActiveProcedure, procedureAgencies, procedureDocuments, procedureFees, type CatalogueProcedureRow } from '../db/repositories/procedures';
import { DomainError } from '../domain/errors';

/** Public procedure catalogue: what can be filed, where, how long it takes and what it costs. */

async function describe(db: Db, p: CatalogueProcedureRow) {
  const [fees, documents, agencies] = await Promise.all([procedureFees(db, p.id), procedureDocuments(db, p.id), procedureAgencies(db, p.id)]);
  return {
    code: p.code,
    nationalCode: p.national_code,
    name: p.name,
    field: p.field,
    legalBasis: p.legal_basis,
    timeLimit: p.time_limit,
    onlineLevel: p.online_level,
    onSiteVerification: p.on_site_verification,
    feeTiming: p.fee_timing,
    clockPolicy: p.clock_policy,
    // ND 297/2025 art. 6(2): the time limit counts from a complete dossier and the fee paid.
    clockFromFee: p.clock_from_fee === true,
    result: p.result_name,
    notes: p.notes,
    fees: fees.map((f) => ({ channel: f.channel, name: f.fee_name, amountVnd: f.amount_vnd, note: f.note })),
    documents,
    agencies,
  };
}

/** Every active procedure, by code. */
export async function listProcedures(db: Db) {
  const rows = await activeProcedures(db);
  return Promise.all(rows.map((p) => describe(db, p)));
}

/** One active procedure; 404 when the catalogue has none with this code. */
export async function describeProcedure(db: Db, code: string) {
  const p = await findActiveProcedure(db, code);
  if (!p) throw new DomainError('not_found', 'Procedure not found', `Không có thủ tục mã "${code}" trong danh mục.`);
  return describe(db, p);
}
