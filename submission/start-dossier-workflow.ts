import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { dossierWorkflowInputRow, pendingWorkflowStarts } from '../db/repositories/dossiers';
import { dossierWorkflowId } from '../domain/dossier-code';
import type { DossierWorkflowInput } from '../domain/types';
import { AgencyCodeKey, DossierCodeKey, DossierStatusKey, ProcedureCodeKey } from '../workflows/messages';

/** Workflow input of a stored dossier: identifiers only, read back from the read model. */
export async function dossierWorkflowInput(db: Db, dossierId: number): Promise<DossierWorkflowInput> {
  const d = await dossierWorkflowInputRow(db, dossierId);
  if (!d) throw new Error(`dossier ${dossierId} not found`);
  return {
    dossierId: Number(d.id),
    code: d.code,
    agencyEid: d.agency_eid,
    procedureCode: d.procedure_code,
    channel: d.channel,
    deliveryMethod: d.delivery_method,
    submittedAt: new Date(d.submitted_at).toISOString(),
  };
}

/** Starts the dossier's workflow; a workflow already running for that code is success, not an error. */
export async function startDossierWorkflow(client: Client, taskQueue: string, input: DossierWorkflowInput): Promise<'started' | 'already-running'> {
  try {
    await client.workflow.start('dossierWorkflow', {
      taskQueue,
      workflowId: dossierWorkflowId(input.code),
      // One run per dossier, ever: a late retry must not start a finished dossier again.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [input],
      typedSearchAttributes: [
        { key: DossierCodeKey, value: input.code },
        { key: AgencyCodeKey, value: input.agencyEid },
        { key: ProcedureCodeKey, value: input.procedureCode },
        { key: DossierStatusKey, value: 'SUBMITTED' },
      ],
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-running';
    throw err;
  }
}

/**
 * Starts the workflows of dossiers that were committed but never began processing
 * (Temporal unreachable at submission, or the API stopped in between). Safe to run
 * anywhere, any number of times.
 */
export async function startPendingDossierWorkflows(
  db: Db,
  client: Client,
  taskQueue: string,
  opts: { olderThanMs: number; limit?: number },
): Promise<{ started: number; alreadyRunning: number; failed: number }> {
  const pending = await pendingWorkflowStarts(db, new Date(Date.now() - opts.olderThanMs), opts.limit ?? 100);
  let started = 0;
  let alreadyRunning = 0;
  let failed = 0;
  for (const { id } of pending) {
    // One dossier that cannot start must not hold back the others.
    try {
      const outcome = await startDossierWorkflow(client, taskQueue, await dossierWorkflowInput(db, Number(id)));
      if (outcome === 'started') started += 1;
      else alreadyRunning += 1;
    } catch {
      failed += 1;
    }
  }
  return { started, alreadyRunning, failed };
}
