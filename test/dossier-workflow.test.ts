import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { DossierActivities, DossierEventRecord } from '../activities';
import type { Actor, DossierWorkflowInput } from '../domain/types';
import { acceptIntakeUpdate, decideUpdate, dossierViewQuery, proposeDecisionUpdate } from '../workflows/messages';

/** The dossier workflow with its activities mocked, on the test dev server. */
describe('dossier workflow (activities mocked)', () => {
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  const taskQueue = `wf-unit-${process.pid}`;
  const events: DossierEventRecord[] = [];
  let calendarCovers = false;

  const activities: DossierActivities = {
    async recordDossierEvent(e) {
      events.push(e);
    },
    async computeAppointment() {
      if (!calendarCovers) throw ApplicationFailure.nonRetryable('calendar VN-STATE v1 has no holiday data for 2028-01-03', 'CalendarCoverageError');
      return { appointmentAt: '2026-03-13T10:00:00+07:00', calendarCode: 'VN-STATE', calendarVersion: 1, explanation: 'test' };
    },
    async computeDeadline() {
      return '2026-03-31T17:00:00+07:00';
    },
    async assignSpecialist() {
      return { userId: 2, fullName: 'Lê Văn Hùng' };
    },
    async issueResult() {
      await new Promise((r) => setTimeout(r, 300)); // a slow signature keeps the decision in flight
      return { number: '0001/2026/KQ-000.20.20.H29' };
    },
    async notifyApplicant() {},
  };

  const officer: Actor = { userId: 1, username: 'motcua.saigon', fullName: 'Trần Thị Mai', roles: ['one_stop_officer'] };
  const specialist: Actor = { userId: 2, username: 'chuyenvien.saigon1', fullName: 'Lê Văn Hùng', roles: ['specialist'] };
  const leader: Actor = { userId: 4, username: 'lanhdao.saigon', fullName: 'Nguyễn Quốc Bảo', roles: ['leader'] };

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  it('refuses out-of-order actions without writing them, and releases its lock when an action fails', async () => {
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities,
    });
    await worker.runUntil(async () => {
      const input: DossierWorkflowInput = {
        dossierId: 9001,
        code: '000.20.20.H29-260310-9001',
        agencyEid: '000.20.20.H29',
        procedureCode: 'KT-HKD',
        channel: 'online',
        deliveryMethod: 'online',
        submittedAt: '2026-03-10T02:00:00.000Z',
      };
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `unit-${Date.now()}`, args: [input] });

      // Deciding before review: refused by the validator, never reaches history.
      const early = await handle.executeUpdate(decideUpdate, { args: [{ actor: leader, decision: 'approve' }] }).catch((e) => e);
      expect(early).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((early.cause as ApplicationFailure).type).toBe('DossierInvalidState');

      // The calendar cannot place the appointment: the action fails and the dossier stays where it was.
      const failed = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] }).catch((e) => e);
      expect(failed).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((await handle.query(dossierViewQuery)).status).toBe('SUBMITTED');

      calendarCovers = true;
      const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      expect(accepted).toMatchObject({ status: 'IN_REVIEW', appointmentAt: '2026-03-13T10:00:00+07:00', assignee: { userId: 2 } });

      const wrongPerson = await handle
        .executeUpdate(proposeDecisionUpdate, { args: [{ actor: { ...specialist, userId: 3, fullName: 'Phạm Thu Hà' }, proposal: 'approve' }] })
        .catch((e) => e);
      expect((wrongPerson.cause as ApplicationFailure).type).toBe('DossierInvalidState');
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: specialist, proposal: 'approve' }] });

      // While the first decision waits on its activity, a second one is refused rather than queued.
      const first = handle.executeUpdate(decideUpdate, { args: [{ actor: leader, decision: 'approve' }] });
      await new Promise((r) => setTimeout(r, 100));
      const second = await handle.executeUpdate(decideUpdate, { args: [{ actor: leader, decision: 'approve' }] }).catch((e) => e);
      expect(second).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((await first).resultNumber).toBe('0001/2026/KQ-000.20.20.H29');

      const final = await handle.result();
      expect(final.status).toBe('COMPLETED');
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(events.map((e) => e.toStatus)).toEqual(['SUBMITTED', 'RECEIVED', 'IN_REVIEW', 'AWAITING_DECISION', 'APPROVED', 'RESULT_DELIVERED', 'COMPLETED']);
      expect(events.filter((e) => e.type === 'approved')).toHaveLength(1);
    });
  });
});
