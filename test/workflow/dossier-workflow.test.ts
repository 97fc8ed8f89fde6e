import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { DossierWorkflowInput } from '../../workflows/contracts/dossier-v1';
import { alwaysOpenSchedule } from '../helpers/always-open-deadlines';
import { LEADER, OFFICER, SPECIALIST } from '../helpers/mock-activities';
import { useWorkflowHarness } from '../helpers/workflow-harness';
import { acceptIntakeUpdate, assignUpdate, cancelUpdate, claimUpdate, decideUpdate, dossierViewQuery, proposeDecisionUpdate, requestIntakeSupplementUpdate } from '../../workflows/contracts/dossier-v1';

/** Polls until `ok` (what follows an action's answer runs moments later). */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(ok()).toBe(true);
}

/** The dossier workflow with its activities mocked, on the test dev server. */
describe('dossier workflow (activities mocked)', () => {
  let calendarCovers = false;
  let supplementDeadlineMs: number | null = null;
  let noSpecialist = false;

  const { client, taskQueue, events, notices, newWorker } = useWorkflowHarness({
    name: 'wf-unit',
    activities: {
      async scheduleDeadline(input) {
        if (!calendarCovers) throw ApplicationFailure.nonRetryable('calendar VN-STATE v1 has no holiday data for 2028-01-03', 'CalendarCoverageError');
        return alwaysOpenSchedule(input, { unit: 'working_hours', value: 30 * 24 });
      },
      async computeDeadline() {
        return supplementDeadlineMs === null ? '2026-03-31T17:00:00+07:00' : new Date(Date.now() + supplementDeadlineMs).toISOString();
      },
      async assignSpecialist() {
        if (noSpecialist) throw ApplicationFailure.nonRetryable('agency 000.20.20.H29 has no active specialist', 'NoSpecialist');
        return { userId: 2, fullName: 'Lê Văn Hùng' };
      },
      async issueResult() {
        await new Promise((r) => setTimeout(r, 300)); // a slow signature keeps the decision in flight
        return { number: '0001/2026/KQ-000.20.20.H29' };
      },
    },
  });

  const officer = OFFICER;
  const specialist = SPECIALIST;
  const leader = LEADER;

  const input = (n: number): DossierWorkflowInput => ({
    dossierId: 9000 + n,
    code: `000.20.20.H29-260310-${9000 + n}`,
    agencyEid: '000.20.20.H29',
    procedureCode: 'KT-HKD',
    channel: 'online',
    deliveryMethod: 'online',
    submittedAt: '2026-03-10T02:00:00.000Z',
  });
  it('closes a dossier whose applicant does not supplement by the deadline (a deadline of seconds)', async () => {
    events.length = 0;
    notices.length = 0;
    supplementDeadlineMs = 1500;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `unit-close-${Date.now()}`, args: [input(2)] });
      const asked = await handle.executeUpdate(requestIntakeSupplementUpdate, { args: [{ actor: officer, items: ['Bản sao CCCD'] }] });
      expect(asked.status).toBe('SUPPLEMENT_AT_INTAKE');
      expect(asked.pending).toMatchObject({ kind: 'supplement', items: ['Bản sao CCCD'] });
      const final = await handle.result();
      expect(final.status).toBe('CLOSED_UNSUPPLEMENTED');
      expect(events.map((e) => e.type)).toEqual(['submitted', 'intake_supplement_requested', 'closed_unsupplemented']);
      expect(notices).toEqual(['supplement_requested', 'closed_unsupplemented']);
    });
    supplementDeadlineMs = null;
  });

  it('keeps an accepted dossier received when nobody can be assigned, until a specialist claims it', async () => {
    events.length = 0;
    noSpecialist = true;
    calendarCovers = true;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `unit-assign-${Date.now()}`, args: [input(3)] });
      await new Promise((r) => setTimeout(r, 300)); // let the submission be recorded
      const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      expect(accepted).toMatchObject({ status: 'RECEIVED', assignee: null });
      // Issue 18: the assignment is tried after the acceptance has answered.
      await until(() => events.at(-1)?.type === 'assignment_pending');
      expect(events.at(-1)).toMatchObject({ type: 'assignment_pending', toStatus: 'RECEIVED', handoff: { open: { step: 'assignment' } } });
      const claimed = await handle.executeUpdate(claimUpdate, { args: [{ actor: specialist }] });
      expect(claimed).toMatchObject({ status: 'IN_REVIEW', assignee: { userId: 2 } });
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: leader, reason: 'Kết thúc kiểm thử' }] });
      expect((await handle.result()).status).toBe('CANCELLED');
    });
    noSpecialist = false;
    calendarCovers = false;
  });

  it('continues as new when the history grows long, keeping state and sequence', async () => {
    events.length = 0;
    calendarCovers = true;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', {
        taskQueue,
        workflowId: `unit-can-${Date.now()}`,
        args: [{ ...input(4), maxHistoryEvents: 60 }],
      });
      const firstRun = handle.firstExecutionRunId;
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      const specialists = [
        { userId: 3, fullName: 'Phạm Thu Hà' },
        { userId: 2, fullName: 'Lê Văn Hùng' },
      ];
      for (let i = 0; i < 12; i++) {
        await handle.executeUpdate(assignUpdate, { args: [{ actor: leader, specialist: specialists[i % 2]! }] });
      }
      const description = await handle.describe();
      expect(description.runId).not.toBe(firstRun); // a new run carries the dossier on
      const view = await handle.query(dossierViewQuery);
      expect(view).toMatchObject({ status: 'IN_REVIEW', assignee: { userId: 2 }, appointmentAt: expect.stringMatching(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/) });
      const seqs = events.map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(view.lastSeq).toBe(seqs.length);
      expect(events.filter((e) => e.type === 'submitted')).toHaveLength(1);
      await handle.executeUpdate(cancelUpdate, { args: [{ actor: leader, reason: 'Kết thúc kiểm thử' }] });
      expect((await handle.result()).status).toBe('CANCELLED');
    });
    calendarCovers = false;
  });

  it('a continued run re-arms the citizen supplement deadline it inherited', async () => {
    events.length = 0;
    notices.length = 0;
    supplementDeadlineMs = 3000;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      // The history holds 15 events once the request is answered (12 if the request rode the
      // first task, as on a loaded host) and grows by 3 when the deadline's timer fires: past 12
      // in either order, so the run continues as new exactly then, carrying the deadline.
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `unit-can-timer-${Date.now()}`, args: [{ ...input(5), maxHistoryEvents: 12 }] });
      await until(() => events.length === 1); // the submission is recorded
      await handle.executeUpdate(requestIntakeSupplementUpdate, { args: [{ actor: officer, items: ['Bản sao CCCD'] }] });
      const final = await handle.result(); // follows the continued run
      expect(final.status).toBe('CLOSED_UNSUPPLEMENTED');
      expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
      expect(events.map((e) => e.type)).toEqual(['submitted', 'intake_supplement_requested', 'closed_unsupplemented']);
      expect(notices).toEqual(['supplement_requested', 'closed_unsupplemented']);
    });
    supplementDeadlineMs = null;
  });

  it('refuses out-of-order actions without writing them, and releases its lock when an action fails', async () => {
    events.length = 0;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `unit-${Date.now()}`, args: [input(1)] });
      await new Promise((r) => setTimeout(r, 300)); // let the submission be recorded

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
      // Issue 18: received is the answer; the specialist is assigned right after it.
      expect(accepted).toMatchObject({ status: 'RECEIVED', appointmentAt: expect.stringMatching(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/), assignee: null });

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
