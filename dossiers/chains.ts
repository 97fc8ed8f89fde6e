import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Db, Tx } from '../db/connection';
import { findAgencyByEid } from '../db/repositories/agencies';
import { loadAgencyCalendar } from '../db/repositories/calendars';
import {
  chainIdOfDossier,
  chainNames,
  chainOfDossier,
  chainStagesOfCodes,
  chainStageDossiers,
  dossierChainsByIds,
  findDossierChain,
  findProcedureChain,
  insertDossierChain,
  listProcedureChains,
  markChainStage,
  pendingChainStarts,
  stageDossier,
  updateDossierChain,
  type DossierChainRow,
} from '../db/repositories/chains';
import { insertDossier } from '../db/repositories/dossiers';
import { findActiveProcedureByCode } from '../db/repositories/procedures';
import { dossierWorkflowId } from '../domain/dossier-code';
import { DomainError } from '../domain/errors';
import { validateChain, type ProcedureChain } from '../domain/internal-procedure';
import { isDossierStatus, statusLabel } from '../domain/status';
import type { DeliveryMethod } from '../domain/types';
import { vnTime } from '../domain/vn-time';
import { chainWorkflowId, type ChainWorkflowInput } from '../workflows/contracts/chain-v1';
import { dossierWorkflowInput } from './starts';
import { applicantColumns, documentClaim, storeOncePerKey } from './submission';

/**
 * Liên thông điện tử (ND 297/2025, docs/domain.md §3.8): the published chains, the citizen's
 * one submission (the chain and its first stage's dossier, in one transaction), the start of
 * the chain's workflow, the chain's total due date, and the chain as the lookup shows it.
 */

const CHAIN_STATUS_LABELS: Record<DossierChainRow['status'], string> = {
  IN_PROGRESS: 'Đang giải quyết liên thông',
  COMPLETED: 'Hoàn thành liên thông',
  STOPPED: 'Dừng liên thông',
};

export const unknownChain = (code: string) => new DomainError('not_found', 'Unknown chain', `Không có nhóm thủ tục liên thông "${code}".`, { reason: 'UnknownChain' });

/** A published chain with its procedures' and agencies' names (GET /procedure-chains). */
export async function describeChains(db: Db, code?: string) {
  const chains = code ? [await findProcedureChain(db, code)].filter((c): c is ProcedureChain => !!c) : await listProcedureChains(db);
  if (code && !chains.length) throw unknownChain(code);
  const names = await chainNames(
    db,
    chains.flatMap((c) => c.stages.map((s) => s.procedureCode)),
    chains.flatMap((c) => c.stages.map((s) => s.agencyEid)),
  );
  return chains.map((c) => ({
    code: c.code,
    name: c.name,
    basis: c.basis,
    totalLimit: c.totalLimit,
    stages: c.stages.map((s, i) => ({
      stage: i + 1,
      procedure: { code: s.procedureCode, name: names.procedures.get(s.procedureCode)?.name ?? s.procedureCode },
      agency: { eid: s.agencyEid, name: names.agencies.get(s.agencyEid)?.name ?? s.agencyEid },
      limit: s.limit,
    })),
  }));
}

export interface ChainSubmission {
  caller: string;
  key: string;
  request: unknown;
  chain: ProcedureChain;
  deliveryMethod: DeliveryMethod;
  applicant: { fullName: string; idNumber: string; phone?: string; email?: string; address?: string };
  postalAddress: Record<string, unknown> | null;
  /** Each document with the stage it is for (1 = the first). */
  documents: Array<{ name: string; fileId?: string; checklistItem?: number; stage: number }>;
  submittedAt: Date;
}

const CHAIN_SCOPE = 'chain-submission';

/** The procedures and agencies of a chain's stages, checked to exist and to match. */
export async function chainTargets(db: Tx, chain: ProcedureChain) {
  const problems = validateChain(chain);
  if (problems.length) throw new DomainError('invalid', 'Invalid chain', problems.map((p) => p.message).join(' '), { reason: problems[0]!.reason });
  // One query at a time: `db` may be a transaction, whose one connection takes no concurrent queries.
  const targets = [];
  for (const s of chain.stages) {
    const procedure = await findActiveProcedureByCode(db, s.procedureCode, ['id', 'code']);
    const agency = await findAgencyByEid(db, s.agencyEid, ['id', 'eid']);
    if (!procedure || !agency) throw new DomainError('unavailable', 'Chain unavailable', `Thủ tục ${s.procedureCode} hoặc cơ quan ${s.agencyEid} của nhóm liên thông không còn trong danh mục.`, { reason: 'ChainUnavailable' });
    targets.push({ procedure, agency });
  }
  return targets;
}

/**
 * Stores the chain and its first stage's dossier once per Idempotency-Key (a retry finds them;
 * the same key with another request is refused). The first stage delivers its result online:
 * to the next agency, through the chain. Its code is taken before the transaction, after the
 * checks that can refuse the request, as a single dossier's is (storeSubmission,
 * dossiers/submission.ts): the agency's day counter is not held through the commit.
 */
export async function storeChainSubmission(db: Db, s: ChainSubmission): Promise<{ created: boolean; chainId: number; dossierId: number }> {
  const firstDocuments = s.documents.filter((d) => d.stage === 1).map(({ stage: _stage, ...d }) => d);
  return storeOncePerKey(db, {
    scope: `${CHAIN_SCOPE}:${s.caller}`,
    key: s.key,
    request: s.request,
    submittedAt: s.submittedAt,
    // The stages' procedures and agencies are checked once the key is new (a retry is answered without them).
    first: async (tx) => {
      const [target] = await chainTargets(tx, s.chain);
      const { procedure, agency } = target!;
      return { files: { ...documentClaim(firstDocuments), ownerIdNumber: s.applicant.idNumber, agencyId: agency.id }, agency, procedure };
    },
    found: async (trx, dossierId) => ({ chainId: (await chainIdOfDossier(trx, dossierId))!, dossierId }),
    store: async (trx, code, own, { procedure, agency }) => {
      const dossierId = await insertDossier(trx, {
        code,
        workflow_id: dossierWorkflowId(code),
        procedure_id: procedure.id,
        agency_id: agency.id,
        channel: 'online',
        delivery_method: s.chain.stages.length === 1 ? s.deliveryMethod : 'online',
        status: 'SUBMITTED',
        ...applicantColumns(s),
        documents: JSON.stringify(firstDocuments),
        submitted_at: s.submittedAt,
      });
      const chainId = await insertDossierChain(trx, {
        chain_code: s.chain.code,
        code,
        workflow_id: chainWorkflowId(code),
        applicant_id_number: s.applicant.idNumber,
        applicant_full_name: s.applicant.fullName,
        delivery_method: s.deliveryMethod,
        documents: JSON.stringify(s.documents.filter((d) => d.stage > 1)),
        submitted_at: s.submittedAt,
      });
      await markChainStage(trx, dossierId, chainId, 1);
      await own(dossierId);
      return { chainId, dossierId };
    },
  });
}

/** Starts the chain's workflow; one already started for that chain is success. */
export async function startChainWorkflow(db: Db, temporal: Client, taskQueue: string, chainId: number): Promise<'started' | 'already-running'> {
  const chain = (await findDossierChain(db, chainId))!;
  const first = (await stageDossier(db, chainId, 1))!;
  const definition = (await findProcedureChain(db, chain.chain_code))!;
  const input: ChainWorkflowInput = {
    chainId,
    code: chain.code,
    chainCode: chain.chain_code,
    stageCount: definition.stages.length,
    firstStage: await dossierWorkflowInput(db, Number(first.id)),
    firstWorkflowId: first.workflow_id,
  };
  let outcome: 'started' | 'already-running' = 'started';
  try {
    await temporal.workflow.start('procedureChainWorkflow', { taskQueue, workflowId: chain.workflow_id, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE, args: [input] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    outcome = 'already-running';
  }
  if (!chain.workflow_started_at) await updateDossierChain(db, chainId, { workflow_started_at: new Date() });
  return outcome;
}

/**
 * Starts the workflows of chains that were stored but never started (Temporal unreachable at
 * submission, or the API stopped in between): the worker's maintenance runs it with the
 * dossiers' own reconciler. Safe to run anywhere, any number of times.
 */
export async function startPendingChainWorkflows(db: Db, temporal: Client, taskQueue: string, opts: { olderThanMs: number; limit?: number }): Promise<{ started: number; failed: number }> {
  let started = 0;
  let failed = 0;
  for (const { id } of await pendingChainStarts(db, new Date(Date.now() - opts.olderThanMs), opts.limit ?? 100)) {
    try {
      await startChainWorkflow(db, temporal, taskQueue, Number(id));
      started += 1;
    } catch {
      failed += 1;
    }
  }
  return { started, failed };
}

/**
 * The whole chain's due date: its total limit from the first stage's receipt, on the lead
 * (first) agency's calendar; null until the first stage is received. Stored once known.
 */
export async function chainDueAt(db: Db | Tx, chain: DossierChainRow): Promise<{ receivedAt: Date; dueAt: Date } | null> {
  if (chain.due_at && chain.received_at) return { receivedAt: chain.received_at, dueAt: chain.due_at };
  const definition = await findProcedureChain(db, chain.chain_code);
  const first = await stageDossier(db, chain.id, 1);
  if (!definition || !first?.received_at) return null;
  const calendar = await loadAgencyCalendar(db, first.agency_eid);
  const receivedAt = new Date(first.received_at);
  let dueAt: Date;
  try {
    dueAt = calendar.appointment(receivedAt, definition.totalLimit);
  } catch {
    return null;
  }
  await updateDossierChain(db, chain.id, { received_at: receivedAt, due_at: dueAt });
  return { receivedAt, dueAt };
}

/**
 * The chain a dossier is a stage of, as the lookup shows it: every stage (those not begun yet
 * too), its agency, its dossier's code and status, its dates and result number; the total due
 * date. Nothing personal: the same for the public and the applicant.
 */
export async function chainView(db: Db, dossierCode: string) {
  const chain = await chainOfDossier(db, dossierCode);
  if (!chain) return null;
  return chainViewOf(db, chain);
}

async function chainViewOf(db: Db, chain: DossierChainRow) {
  const definition = await findProcedureChain(db, chain.chain_code);
  const stageRows = await chainStageDossiers(db, chain.id);
  const names = await chainNames(db, definition?.stages.map((s) => s.procedureCode) ?? [], definition?.stages.map((s) => s.agencyEid) ?? []);
  const due = await chainDueAt(db, chain);
  const status = (s: string) => ({ code: s, label: isDossierStatus(s) ? statusLabel(s) : s });
  return {
    code: chain.code,
    chainCode: chain.chain_code,
    name: definition?.name ?? chain.chain_code,
    basis: definition?.basis ?? null,
    totalLimit: definition?.totalLimit ?? null,
    status: { code: chain.status, label: CHAIN_STATUS_LABELS[chain.status] },
    currentStage: chain.current_stage,
    receivedAt: vnTime(due?.receivedAt ?? null),
    dueAt: vnTime(due?.dueAt ?? null),
    completedAt: vnTime(chain.completed_at),
    onTime: chain.on_time,
    lateStage: chain.late_stage,
    stop: chain.stop_stage ? { stage: chain.stop_stage, status: status(chain.stop_status ?? '') } : null,
    stages: (definition?.stages ?? []).map((s, i) => {
      const d = stageRows.find((r) => r.chain_stage === i + 1);
      return {
        stage: i + 1,
        procedure: { code: s.procedureCode, name: names.procedures.get(s.procedureCode)?.name ?? s.procedureCode },
        agency: { eid: s.agencyEid, name: names.agencies.get(s.agencyEid)?.name ?? s.agencyEid },
        limit: s.limit,
        code: d?.code ?? null,
        status: d ? status(d.status) : null,
        submittedAt: vnTime(d?.submitted_at ?? null),
        receivedAt: vnTime(d?.received_at ?? null),
        appointmentAt: vnTime(d?.appointment_at ?? null),
        completedAt: vnTime(d?.completed_at ?? null),
        resultNumber: d?.result_number ?? null,
      };
    }),
  };
}

/** For a list of dossiers: the chain (code, name, stage) of those that are a chain's stage. */
export async function chainRefsOfDossiers(db: Db, dossierCodes: string[]): Promise<Map<string, { code: string; name: string; stage: number; status: { code: string; label: string } }>> {
  const out = new Map<string, { code: string; name: string; stage: number; status: { code: string; label: string } }>();
  if (!dossierCodes.length) return out;
  const rows = await chainStagesOfCodes(db, dossierCodes);
  const chains = await dossierChainsByIds(db, [...new Set(rows.map((r) => Number(r.chain_id)))]);
  const defs = new Map((await listProcedureChains(db)).map((c) => [c.code, c]));
  for (const r of rows) {
    const c = chains.find((x) => Number(x.id) === Number(r.chain_id));
    if (c) out.set(r.code, { code: c.code, name: defs.get(c.chain_code)?.name ?? c.chain_code, stage: r.chain_stage, status: { code: c.status, label: CHAIN_STATUS_LABELS[c.status] } });
  }
  return out;
}
