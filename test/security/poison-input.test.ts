import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { dossierWorkflowId } from '../../domain/dossier-code';
import { acceptIntakeUpdate, dossierViewQuery, withdrawUpdate } from '../../workflows/contracts/dossier-v1';
import { applicantIds, dossierClient, eventually, submitReady } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The second layer against poison input (issue 14, finding 3): whatever reaches a workflow
 * action past the API's contract, a write PostgreSQL refuses for good fails the action at once
 * (InvalidData, not endless retries), the dossier is as its last written event says, and the
 * next valid action goes through: no dossier is wedged behind "another action is in progress".
 * The Updates are sent with the Temporal client directly, as a buggy integration would.
 */
describe('poison input past the contract', () => {
  const { api, finished } = useStack({ name: 'poison' });
  const { lookup, officer, citizen } = dossierClient(() => api);
  const nextIdNumber = applicantIds('0797');
  const officerActor = async () => {
    const u = await api.db('users').where({ username: 'motcua.saigon' }).first('id', 'username', 'full_name');
    return { userId: u.id, username: u.username, fullName: u.full_name, roles: ['one_stop_officer' as const] };
  };

  const submitted = () => submitReady(api.baseUrl, nextIdNumber(), 'poison', { paid: false });

  async function refusedForData(run: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    const err = await run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    // An activity's failure (old path), or the local activity's own (the fast path, issue 18).
    const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; cause?: { type?: string } } | undefined;
    expect(cause?.cause?.type ?? cause?.type).toBe('InvalidData');
    // Failed at once, not after the 30 s an officer would have waited on retries.
    expect(Date.now() - started).toBeLessThan(15_000);
  }

  it('a NUL in an officer note fails the acceptance at once; the dossier stays SUBMITTED and is accepted next', async () => {
    const { code } = await submitted();
    const handle = api.temporal.workflow.getHandle(dossierWorkflowId(code));
    const actor = await officerActor();
    await refusedForData(() => handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor, note: 'ghi chú\u0000' }] }));

    const view = await handle.query(dossierViewQuery);
    expect(view.status).toBe('SUBMITTED');
    expect(view.receivedAt).toBeNull();
    const row = await api.db('dossiers').where({ code }).first('id', 'status');
    expect(row.status).toBe('SUBMITTED');
    expect(await api.db('dossier_events').where({ dossier_id: row.id }).count<{ count: string }[]>('* as count')).toEqual([{ count: 1 }]);

    const accepted = await officer(code, 'intake/accept', 'motcua.saigon', { note: 'Đủ giấy tờ' });
    expect(accepted.status).toBe(200);
    // Issue 18: the acceptance answers once received; the specialist's assignment follows.
    expect(['RECEIVED', 'IN_REVIEW']).toContain(accepted.body.status.code);
    await eventually(() => handle.query(dossierViewQuery), (v) => v.status === 'IN_REVIEW');
  });

  it('a NUL in a withdrawal reason is refused as invalid data; the citizen withdraws with a clean reason', async () => {
    const { code, idNumber } = await submitted();
    const handle = api.temporal.workflow.getHandle(dossierWorkflowId(code));
    await refusedForData(() => handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'Không cần nữa\u0000' }] }));
    expect((await handle.query(dossierViewQuery)).status).toBe('SUBMITTED');

    const withdrawn = await citizen(code, 'withdraw', { idNumber, reason: 'Không còn nhu cầu' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status.code).toBe('WITHDRAWN');
    const s = await lookup(code);
    expect(s.body.status.code).toBe('WITHDRAWN');
    // The history with the undone action (patch restore-failed-action-v1) replays in test/replay.
    expect((await finished(code, 'withdrawal-after-invalid-data')).status).toBe('WITHDRAWN');
  });
});
