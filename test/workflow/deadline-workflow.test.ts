import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { TimeLimit } from '../../domain/calendar';
import type { Actor } from '../../domain/types';
import type { DossierWorkflowInput } from '../../workflows/contracts/dossier-v1';
import {
  acceptIntakeUpdate,
  decideUpdate,
  dossierViewQuery,
  extendDeadlineUpdate,
  pauseClockUpdate,
  proposeDecisionUpdate,
  reappointUpdate,
  requestSupplementUpdate,
  resumeClockUpdate,
  submitSupplementUpdate,
} from '../../workflows/contracts/dossier-v1';
import { alwaysOpenSchedule } from '../helpers/always-open-deadlines';
import { LEADER, OFFICER, SPECIALIST } from '../helpers/mock-activities';
import { useWorkflowHarness } from '../helpers/workflow-harness';

/**
 * Deadline timers of the dossier workflow with SLAs of seconds: the time limit and the
 * warning and escalation intervals come in as inputs, and the ledger maths are the real
 * ones on a calendar open around the clock, so working time is wall-clock time.
 */
describe('dossier deadlines: warning, overdue, escalation, pause and extension (SLAs of seconds)', () => {
  let limit: TimeLimit = { unit: 'working_hours', value: 1 };
  const seconds = (s: number): TimeLimit => ({ unit: 'working_hours', value: s / 3600 });

  const { client, taskQueue, events, notices, newWorker } = useWorkflowHarness({
    name: 'wf-deadline',
    activities: {
      async scheduleDeadline(input) {
        return alwaysOpenSchedule(input, limit);
      },
    },
  });

  const officer = OFFICER;
  const specialist = SPECIALIST;
  const leader = LEADER;

  const input = (n: number, policy: DossierWorkflowInput['deadlinePolicy']): DossierWorkflowInput => ({
    dossierId: 9100 + n,
    code: `000.20.20.H29-261125-${9100 + n}`,
    agencyEid: '000.20.20.H29',
    procedureCode: 'KT-HKD',
    channel: 'online',
    deliveryMethod: 'online',
    submittedAt: new Date().toISOString(),
    deadlinePolicy: policy,
  });
  const ofDossier = (n: number) => events.filter((e) => e.dossierId === 9100 + n);
  const TIMER_EVENTS = ['deadline_at_risk', 'deadline_overdue', 'deadline_escalated'];
  const deadlineEvents = (n: number) => ofDossier(n).filter((e) => TIMER_EVENTS.includes(e.type));
  async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out; events: ${events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** The validator's refusal of an update: "<failure type>/<reason code>: <Vietnamese detail>". */
  async function refusal(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (err) {
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string; details?: Array<{ reason?: string }> };
      return `${cause.type}/${cause.details?.[0]?.reason}: ${cause.message}`;
    }
    throw new Error('the update was not refused');
  }
  const near = (actual: string, expectedMs: number, toleranceMs = 1500) => expect(Math.abs(Date.parse(actual) - expectedMs)).toBeLessThanOrEqual(toleranceMs);

  it('warns before the due date, marks the dossier overdue at it, escalates repeatedly, and stops at the decision', async () => {
    limit = seconds(6);
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `deadline-escalate-${Date.now()}`, args: [input(1, { warnBeforeMs: 3000, escalateEveryMs: 2000 })] });
      const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      const t0 = Date.parse(accepted.receivedAt!);
      near(accepted.deadline!.dueAt, t0 + 6000);
      near(accepted.deadline!.warnAt!, t0 + 3000);
      expect(accepted.deadline).toMatchObject({ state: 'running', escalationLevel: 0, reappointed: false, calendar: { code: 'TEST-24x7', version: 1 } });
      expect(ofDossier(1).find((e) => e.type === 'intake_accepted')!.clock).toEqual([expect.objectContaining({ kind: 'start', actorId: 1 })]);

      await until(() => deadlineEvents(1).filter((e) => e.type === 'deadline_escalated').length >= 2);
      const fired = deadlineEvents(1);
      expect(fired.slice(0, 4).map((e) => [e.type, e.alert?.kind, e.alert?.level])).toEqual([
        ['deadline_at_risk', 'at_risk', 0],
        ['deadline_overdue', 'overdue', 0],
        ['deadline_escalated', 'escalation', 1],
        ['deadline_escalated', 'escalation', 2],
      ]);
      // Each fired when due, not before: warning 3 s, overdue 6 s, escalations 8 s and 10 s after receipt.
      const firedAt = fired.slice(0, 4).map((e) => Date.parse(e.occurredAt) - t0);
      [3000, 6000, 8000, 10_000].forEach((ms, i) => {
        expect(firedAt[i]).toBeGreaterThanOrEqual(ms - 1000); // dates are kept to the second
        expect(firedAt[i]).toBeLessThan(ms + 3000);
      });
      expect(fired.map((e) => e.projection.deadlineState)).toEqual(['at_risk', 'overdue', ...fired.slice(2).map(() => 'overdue')]);
      expect((await handle.query(dossierViewQuery)).deadline).toMatchObject({ state: 'overdue' });

      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: specialist, proposal: 'approve' }] });
      const decided = await handle.executeUpdate(decideUpdate, { args: [{ actor: leader, decision: 'approve' }] });
      expect(decided.deadline?.state).toBe('stopped');
      expect(ofDossier(1).find((e) => e.type === 'approved')!.projection.deadlineState).toBe('stopped');
      const count = deadlineEvents(1).length;
      expect((await handle.result()).status).toBe('COMPLETED');
      await new Promise((r) => setTimeout(r, 2500));
      expect(deadlineEvents(1).length).toBe(count); // no timer outlives the decision
    });
  });

  it('an extension and a clock-excluded pause move the due date and the timers with it', async () => {
    limit = seconds(8);
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `deadline-move-${Date.now()}`, args: [input(2, { warnBeforeMs: 2000, escalateEveryMs: 60_000 })] });
      const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      const t0 = Date.parse(accepted.receivedAt!);
      near(accepted.deadline!.dueAt, t0 + 8000);

      // Gia hạn 10 s: due and warning move by 10 s.
      const extended = await handle.executeUpdate(extendDeadlineUpdate, {
        args: [{ actor: leader, workingHours: 10 / 3600, reason: 'Cần xác minh thêm', legalBasis: 'Luật Lý lịch tư pháp 2009, điều 48' }],
      });
      near(extended.deadline!.dueAt, t0 + 18_000);
      near(extended.deadline!.warnAt!, t0 + 16_000);
      expect(ofDossier(2).at(-1)).toMatchObject({ type: 'deadline_extended', clock: [{ kind: 'extension', reason: 'Cần xác minh thêm', basis: 'Luật Lý lịch tư pháp 2009, điều 48', actorId: 4 }] });

      // Past the original warning (6 s) and due date (8 s): nothing fires on the old timers.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 9000 - Date.now())));
      expect(deadlineEvents(2)).toEqual([]);

      // A clock-excluded step of 3 s: the due date moves by the time the clock stood still.
      const paused = await handle.executeUpdate(pauseClockUpdate, { args: [{ actor: specialist, reason: 'Chờ công dân nộp nghĩa vụ tài chính', legalBasis: 'Nghị định 101/2024/NĐ-CP, điều 22' }] });
      expect(paused.deadline).toMatchObject({ paused: true, state: 'paused', warnAt: null, nextEscalationAt: null });
      const pausedAt = Date.now();
      await new Promise((r) => setTimeout(r, 3000));
      expect(deadlineEvents(2)).toEqual([]);
      const resumed = await handle.executeUpdate(resumeClockUpdate, { args: [{ actor: specialist, note: 'Đã có chứng từ nộp thuế' }] });
      const stood = Date.now() - pausedAt;
      near(resumed.deadline!.dueAt, t0 + 18_000 + stood, 2000);
      expect(resumed.deadline).toMatchObject({ paused: false, state: 'running' });
      expect(ofDossier(2).filter((e) => e.clock).map((e) => e.clock![0]!.kind)).toEqual(['start', 'extension', 'pause', 'resume']);

      await until(() => deadlineEvents(2).some((e) => e.type === 'deadline_overdue'));
      const [warn, overdue] = deadlineEvents(2);
      expect(warn!.type).toBe('deadline_at_risk');
      near(warn!.occurredAt, Date.parse(resumed.deadline!.warnAt!), 1500);
      near(overdue!.occurredAt, Date.parse(resumed.deadline!.dueAt), 1500);
      expect(overdue!.data).toMatchObject({ dueAt: resumed.deadline!.dueAt });
    });
  });

  it('refuses an extension after the due date, a pause by someone else, and a resume of a running clock', async () => {
    limit = seconds(2);
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `deadline-refuse-${Date.now()}`, args: [input(3, { warnBeforeMs: 500, escalateEveryMs: 60_000 })] });
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      const other: Actor = { userId: 3, username: 'chuyenvien.saigon2', fullName: 'Phạm Thu Hà', roles: ['specialist'] };
      expect(await refusal(handle.executeUpdate(pauseClockUpdate, { args: [{ actor: other, reason: 'x', legalBasis: 'y' }] }))).toMatch(/^DossierInvalidState\/NotAssignee: .*phân công cho Lê Văn Hùng/);
      expect(await refusal(handle.executeUpdate(resumeClockUpdate, { args: [{ actor: specialist }] }))).toMatch(/^DossierInvalidState\/ClockNotPaused: /);
      expect(await refusal(handle.executeUpdate(extendDeadlineUpdate, { args: [{ actor: specialist, workingDays: 1, reason: 'x', legalBasis: 'y' }] }))).toMatch(/^DossierActionForbidden\/RoleRequired: .*lãnh đạo cơ quan/);
      expect(await refusal(handle.executeUpdate(extendDeadlineUpdate, { args: [{ actor: leader, workingDays: 1, reason: 'x', legalBasis: '' }] }))).toMatch(/legalBasis/);
      await until(() => deadlineEvents(3).some((e) => e.type === 'deadline_overdue'));
      const late = handle.executeUpdate(extendDeadlineUpdate, { args: [{ actor: leader, workingDays: 1, reason: 'Quá muộn', legalBasis: 'y' }] });
      expect(await refusal(late)).toMatch(/^DossierInvalidState\/PastDueDate: .*quá hạn/);
    });
  });

  it('re-appoints once, no later than one working day before the due date; the legal due date stays for the statistics', async () => {
    // A day of working time is 24 h on this calendar: a 3-day limit leaves two days for the apology.
    limit = { unit: 'working_days', value: 3 };
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `deadline-apology-${Date.now()}`, args: [input(4, undefined)] });
      const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      const due = accepted.deadline!.dueAt;
      near(accepted.deadline!.apologyBy!, Date.parse(due) - 86_400_000);
      expect(await refusal(handle.executeUpdate(reappointUpdate, { args: [{ actor: specialist, reason: 'x', workingDaysAfterDue: 2 }] }))).toMatch(/^DossierActionForbidden\/RoleRequired: /);
      expect(await refusal(handle.executeUpdate(reappointUpdate, { args: [{ actor: leader, reason: 'x', appointmentAt: accepted.receivedAt! }] }))).toMatch(/^DossierInvalidInput\/AppointmentOutOfRange: Ngày hẹn mới phải sau hạn giải quyết/);
      const apology = await handle.executeUpdate(reappointUpdate, { args: [{ actor: leader, reason: 'Chờ ý kiến của cơ quan phối hợp', workingDaysAfterDue: 2 }] });
      expect(apology.deadline).toMatchObject({ dueAt: due, reappointed: true });
      near(apology.deadline!.appointmentAt, Date.parse(due) + 2 * 86_400_000);
      expect(apology.appointmentAt).toBe(apology.deadline!.appointmentAt);
      const event = ofDossier(4).at(-1)!;
      expect(event).toMatchObject({ type: 'reappointed', actorId: 4, data: { reason: 'Chờ ý kiến của cơ quan phối hợp', previousAppointmentAt: due } });
      expect(event.projection).toMatchObject({ appointmentAt: apology.deadline!.appointmentAt, dueAt: due, apologyIssuedAt: expect.any(String) });
      expect(notices).toContain('apology');
      expect(await refusal(handle.executeUpdate(reappointUpdate, { args: [{ actor: leader, reason: 'Lần hai', workingDaysAfterDue: 1 }] }))).toMatch(/^DossierInvalidState\/AlreadyReappointed: /);
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: specialist, proposal: 'approve' }] });
      await handle.executeUpdate(decideUpdate, { args: [{ actor: leader, decision: 'approve' }] });
      await handle.result();
    });

    // Too late: within one working day of the due date the apology is refused.
    limit = { unit: 'working_hours', value: 20 };
    const late = await newWorker();
    await late.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `deadline-apology-late-${Date.now()}`, args: [input(5, undefined)] });
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      expect(await refusal(handle.executeUpdate(reappointUpdate, { args: [{ actor: leader, reason: 'Muộn', workingDaysAfterDue: 1 }] }))).toMatch(/^DossierInvalidState\/ApologyTooLate: .*01 ngày làm việc trước hạn/);
    });
  });
  it('a second supplement request needs a leader and a reason; both pauses are in the ledger and the dossier counts two requests', async () => {
    limit = { unit: 'working_days', value: 3 };
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `deadline-second-supplement-${Date.now()}`, args: [input(6, undefined)] });
      const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: officer }] });
      const first = await handle.executeUpdate(requestSupplementUpdate, { args: [{ actor: specialist, items: ['Hợp đồng thuê nhà'], reason: 'Hợp đồng hết hạn' }] });
      expect(first.deadline).toMatchObject({ paused: true, state: 'paused' });
      await new Promise((r) => setTimeout(r, 1000));
      const back = await handle.executeUpdate(submitSupplementUpdate, { args: [{ documents: [{ name: 'Hợp đồng thuê nhà (gia hạn)' }] }] });
      expect(Date.parse(back.deadline!.dueAt)).toBeGreaterThan(Date.parse(accepted.deadline!.dueAt)); // PAUSE: the citizen's time does not count
      expect(await refusal(handle.executeUpdate(requestSupplementUpdate, { args: [{ actor: specialist, items: ['Bản vẽ'], reason: 'Thiếu bản vẽ' }] }))).toMatch(/^DossierInvalidState\/SupplementAlreadyRequested: .*chỉ lãnh đạo cơ quan được yêu cầu thêm/);
      expect(await refusal(handle.executeUpdate(requestSupplementUpdate, { args: [{ actor: specialist, items: ['Bản vẽ'], reason: 'Thiếu bản vẽ', overrideReason: 'x' }] }))).toMatch(/^DossierActionForbidden/);
      expect(await refusal(handle.executeUpdate(requestSupplementUpdate, { args: [{ actor: leader, items: ['Bản vẽ'], reason: 'Thiếu bản vẽ', overrideReason: '  ' }] }))).toMatch(/overrideReason/);
      const second = await handle.executeUpdate(requestSupplementUpdate, {
        args: [{ actor: leader, items: ['Bản vẽ mặt bằng'], reason: 'Thiếu bản vẽ', overrideReason: 'Phát hiện khi thẩm định lại theo ý kiến cơ quan thuế' }],
      });
      expect(second.status).toBe('SUPPLEMENT_REQUESTED');
      const event = ofDossier(6).at(-1)!;
      expect(event).toMatchObject({ type: 'supplement_requested', actorRole: 'leader', data: { overrideReason: 'Phát hiện khi thẩm định lại theo ý kiến cơ quan thuế', requestNumber: 2 }, projection: { supplementRequests: 2 } });
      expect(ofDossier(6).flatMap((e) => e.clock ?? []).map((c) => c.kind)).toEqual(['start', 'pause', 'resume', 'pause']);
    });
  });
});
