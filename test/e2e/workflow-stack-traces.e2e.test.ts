import { describe, expect, it } from 'vitest';
import { dossierWorkflowId } from '../../domain/dossier-code';
import { applicantIds, eventually, http, submitReady } from '../helpers/stack';
import { officerView } from '../helpers/processing';
import { useStack } from '../helpers/use-stack';

/**
 * The SDK's promise stack traces (worker/workflow-stack-traces.ts): off in the worker as it is
 * deployed, where the Temporal UI's stack trace query says so; on with
 * TEMPORAL_WORKFLOW_STACK_TRACES=true, for debugging, where it shows where the dossier waits.
 * With them off the dossier is handled as before (every other end-to-end suite runs that way).
 */
describe('workflow stack traces', () => {
  const stack = useStack({ name: 'stack-traces' });
  const nextId = applicantIds('0842');

  it('are off as deployed: the query says so, and the dossier goes on; a worker started with them on answers the query', async () => {
    const { code } = await submitReady(stack.api.baseUrl, nextId(), 'stack-traces');
    const handle = stack.api.temporal.workflow.getHandle(dossierWorkflowId(code));
    await expect(handle.query('__stack_trace')).rejects.toThrow(/stack traces are not enabled on this worker/);

    const accepted = await http('POST', `${stack.api.baseUrl}/api/v1/dossiers/${code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' }, body: {} });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(['RECEIVED', 'IN_REVIEW']).toContain(accepted.body.status.code);
    // The follow-ups after the answer (the specialist's assignment) ran on that worker too.
    expect((await eventually(() => officerView(stack.api.baseUrl, code), (v) => !!v.assignee)).assignee.fullName).toBeTruthy();

    // The same dossier on a worker with them on: its history replayed there, the query shows the workflow's awaits.
    await stack.worker.stop();
    await stack.startWorker({ TEMPORAL_WORKFLOW_STACK_TRACES: 'true' });
    const trace = await handle.query<string>('__stack_trace');
    expect(trace).toMatch(/dossierWorkflow/);
  });
});
