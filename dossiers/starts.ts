import type { Db } from '../db/connection';
import { dossierWorkflowInputRow, markWorkflowStarted, pendingWorkflowStarts } from '../db/repositories/dossiers';
import type { DossierWorkflowInput } from '../workflows/contracts/dossier-v1';
import type { DossierClient } from './client';

export { markWorkflowStarted } from '../db/repositories/dossiers';

/** Workflow input of a stored dossier: identifiers only, read back from the read model. */
export async function dossierWorkflowInput(db: Db, dossierId: number): Promise<DossierWorkflowInput> {
  return (await dossierWorkflowStart(db, dossierId)).input;
}

/**
 * The workflow input of a stored dossier and whether its workflow was started. A submission the
 * API recorded with the dossier (its first event) travels in the input (`submitted`): the
 * workflow begins from it.
 */
export async function dossierWorkflowStart(db: Db, dossierId: number): Promise<{ input: DossierWorkflowInput; startedAt: Date | null }> {
  const d = await dossierWorkflowInputRow(db, dossierId);
  if (!d) throw new Error(`dossier ${dossierId} not found`);
  const input: DossierWorkflowInput = {
    dossierId: Number(d.id),
    code: d.code,
    agencyEid: d.agency_eid,
    procedureCode: d.procedure_code,
    channel: d.channel,
    deliveryMethod: d.delivery_method,
    submittedAt: new Date(d.submitted_at).toISOString(),
    ...(Number(d.projection_seq) >= 1 && d.fee_timing !== null
      ? { submitted: { feeVnd: Number(d.fee_due_vnd ?? 0), feeTiming: d.fee_timing as NonNullable<DossierWorkflowInput['submitted']>['feeTiming'] } }
      : {}),
    // Runs started now begin after every patch of the dossier workflow's start: none is asked (no marker).
    begunAfter: 'status-in-read-model-v1',
  };
  return { input, startedAt: d.workflow_started_at };
}

/**
 * Starts the workflows of dossiers that were committed but never began processing
 * (Temporal unreachable at submission, or the API stopped in between). Safe to run
 * anywhere, any number of times.
 */
export async function startPendingDossierWorkflows(
  db: Db,
  dossiers: DossierClient,
  opts: { olderThanMs: number; limit?: number },
): Promise<{ started: number; alreadyRunning: number; failed: number }> {
  const pending = await pendingWorkflowStarts(db, new Date(Date.now() - opts.olderThanMs), opts.limit ?? 100);
  let started = 0;
  let alreadyRunning = 0;
  let failed = 0;
  for (const { id } of pending) {
    // One dossier that cannot start must not hold back the others.
    try {
      const outcome = await dossiers.start(await dossierWorkflowInput(db, Number(id)));
      // Running either way: a dossier whose submission the API recorded is marked here (its workflow records nothing to mark it).
      await markWorkflowStarted(db, Number(id));
      if (outcome === 'started') started += 1;
      else alreadyRunning += 1;
    } catch {
      failed += 1;
    }
  }
  return { started, alreadyRunning, failed };
}
