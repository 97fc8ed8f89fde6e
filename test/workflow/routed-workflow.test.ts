import type { DossierEventRecord } from '../../activities';
import { WorkflowUpdateFailedError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import type { LegEventRecord } from '../../activities/interagency';
import { defaultSteps, type PinnedProcedure, type ProcedureStep } from '../../domain/internal-procedure';
import type { Actor } from '../../domain/types';
import {
  acceptIntakeUpdate,
  decideUpdate,
  dossierViewQuery,
  proposeDecisionUpdate,
  reappointUpdate,
  recordVerificationUpdate,
  scheduleVerificationUpdate,
  withdrawUpdate,
  type DossierView,
  type DossierWorkflowInput,
} from '../../workflows/contracts/dossier-v1';
import {
  answerConsultationUpdate,
  chaseLegUpdate,
  consultUpdate,
  forwardStepUpdate,
  issueResultUpdate,
  legAssignUpdate,
  legFinishUpdate,
  legForwardUpdate,
  legViewQuery,
  sendBackUpdate,
} from '../../workflows/contracts/interagency-v1';
import { LEADER, OFFICER, SPECIALIST } from '../helpers/mock-activities';
import { visitStartingNow } from '../helpers/site-visits';
import { recordHistory } from '../helpers/stack';
import { settledAnswers, useWorkflowHarness } from '../helpers/workflow-harness';

/**
 * Dossiers on pinned internal procedure versions (issue 17), with their activities mocked on the
 * test dev server: step budgets are fractions of an hour and working hours are wall-clock hours,
 * so legs and consultations fall due in seconds. With RECORD_HISTORIES=1 their histories are kept
 * for the replay test.
 */

const LEAD = '000.20.20.H29';
const CITY = '000.00.01.H26'; // Văn phòng UBND Thành phố
const POLICE = '000.00.09.H29';
const CONSTRUCTION = '000.00.11.H29';

/** Officers of the other agency (the leg's). */
const LEG_ONE_STOP: Actor = { userId: 21, username: 'motcua.ubnd', fullName: 'Đỗ Thị Lan', roles: ['one_stop_officer'] };
const LEG_SPECIALIST: Actor = { userId: 22, username: 'chuyenvien.ubnd', fullName: 'Vũ Minh Tuấn', roles: ['specialist'] };
const LEG_LEADER: Actor = { userId: 23, username: 'lanhdao.ubnd', fullName: 'Hoàng Văn Sơn', roles: ['leader'] };

const h = (value: number) => ({ unit: 'working_hours' as const, value });
const step = (key: string, kind: ProcedureStep['kind'], role: ProcedureStep['role'], actions: ProcedureStep['actions'], extra: Partial<ProcedureStep> = {}): ProcedureStep => ({
  key,
  name: `Bước ${key}`,
  unit: extra.agencyEid ? 'Văn phòng UBND Thành phố' : 'Sở Dân tộc và Tôn giáo',
  kind,
  role,
  budget: h(0.5),
  actions,
  ...extra,
});

/** The Hanoi 1594 shape, shortened: the department appraises, the City's office decides and numbers (a deciding leg). */
function hanoi(legBudgetHours = 2): PinnedProcedure {
  return {
    procedureCode: 'TG-01',
    version: 2,
    isDefault: false,
    consultations: [],
    steps: [
      step('tiep_nhan', 'intake', 'one_stop_officer', []),
      step('chuyen_so', 'relay', 'one_stop_officer', ['forward']),
      step('phan_cong', 'assignment', 'leader', []),
      step('tham_dinh', 'review', 'specialist', ['request_supplement', 'propose']),
      step('truong_phong', 'approval', 'leader', ['forward', 'send_back'], { sendBackTo: ['tham_dinh'] }),
      step('ubnd', 'leg', 'leader', [], {
        agencyEid: CITY,
        decides: true,
        budget: h(legBudgetHours),
        sendBackTo: undefined,
        steps: [
          step('vp_tiep_nhan', 'relay', 'one_stop_officer', ['forward'], { budget: h(0.0002) }),
          step('vp_phan_cong', 'assignment', 'leader', [], { budget: h(0.0002) }),
          step('vp_tham_dinh', 'review', 'specialist', ['forward', 'send_back'], { budget: h(0.0002), sendBackTo: ['vp_tiep_nhan'] }),
          step('vp_ky', 'decision', 'leader', ['decide'], { budget: h(0.0002) }),
        ],
      }),
      step('tra_so', 'relay', 'one_stop_officer', ['forward'], { budget: h(0) }),
      step('tra_ket_qua', 'result', 'one_stop_officer', [], { budget: h(0) }),
    ],
  };
}

/** A procedure with an on-site verification step, the decision at the department and the result numbered at the issue step. */
function withVerification(): PinnedProcedure {
  return {
    procedureCode: 'XD-02',
    version: 3,
    isDefault: false,
    consultations: [],
    steps: [
      step('tiep_nhan', 'intake', 'one_stop_officer', []),
      step('phan_cong', 'assignment', 'leader', []),
      step('xac_minh', 'verification', 'specialist', ['schedule_verification']),
      step('tham_dinh', 'review', 'specialist', ['consult', 'propose']),
      step('phe_duyet', 'decision', 'leader', ['decide', 'send_back'], { sendBackTo: ['tham_dinh'] }),
      step('vao_so', 'issue', 'one_stop_officer', ['issue'], { budget: h(0) }),
      step('tra_ket_qua', 'result', 'one_stop_officer', [], { budget: h(0) }),
    ],
  };
}

/** A review that consults two agencies, each with its own deadline (seconds). */
function withConsultations(): PinnedProcedure {
  const v = withVerification();
  return {
    ...v,
    version: 4,
    steps: v.steps.filter((s) => s.kind !== 'verification'),
    consultations: [
      { agencyEid: CONSTRUCTION, subject: 'Ý kiến về quy hoạch', budget: h(0.003) },
      { agencyEid: POLICE, subject: 'Ý kiến về an ninh trật tự', budget: h(0.0008) },
    ],
  };
}

/** A non-deciding leg (the police's certificate) that will be late: budget of about two seconds. */
function withLateLeg(): PinnedProcedure {
  return {
    procedureCode: 'KD-03',
    version: 1,
    isDefault: false,
    consultations: [],
    steps: [
      step('tiep_nhan', 'intake', 'one_stop_officer', []),
      step('phan_cong', 'assignment', 'leader', []),
      step('tham_dinh', 'review', 'specialist', ['forward']),
      step('cong_an', 'leg', 'leader', [], {
        agencyEid: POLICE,
        budget: h(0.0006),
        steps: [step('ca_xu_ly', 'review', 'specialist', ['forward'], { budget: h(0.0006) })],
      }),
      step('de_xuat', 'review', 'specialist', ['propose']),
      step('phe_duyet', 'decision', 'leader', ['decide', 'send_back'], { sendBackTo: ['de_xuat'] }),
      step('tra_ket_qua', 'result', 'one_stop_officer', [], { budget: h(0) }),
    ],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('dossiers on pinned internal procedures (activities mocked)', () => {
  /** What pinInternalProcedure answers, by the receipt time it is given. */
  let pin: (at: string) => PinnedProcedure = () => ({ procedureCode: 'KT-HKD', version: 1, isDefault: true, steps: defaultSteps(null), consultations: [] });
  const legEvents: LegEventRecord[] = [];
  let legAgencyHasSpecialists = true;
  const alerts: Array<{ agencyEid: string; kind: string }> = [];

  const { client, taskQueue, events, newWorker } = useWorkflowHarness({
    name: 'wf-routed',
    activities: {
      async pinInternalProcedure(input) {
        return pin(input.at);
      },
      async recordLegEvent(e) {
        legEvents.push(e);
      },
      async alertAgency(input) {
        alerts.push({ agencyEid: input.agencyEid, kind: input.kind });
      },
      async assignLegSpecialist() {
        if (!legAgencyHasSpecialists) throw ApplicationFailure.nonRetryable('agency has no active specialist', 'NoSpecialist');
        return { userId: LEG_SPECIALIST.userId, fullName: LEG_SPECIALIST.fullName };
      },
      async issueResult(input) {
        return { number: `0001/2026/${input.kind === 'denial_notice' ? 'TB' : 'KQ'}-${input.agencyEid}` };
      },
    },
  });

  let n = 0;
  const input = (over: Partial<DossierWorkflowInput> = {}): DossierWorkflowInput => {
    n += 1;
    const id = 7000 + (process.pid % 1000) * 10 + n;
    return {
      dossierId: id,
      code: `${LEAD}-260310-${id}`,
      agencyEid: LEAD,
      procedureCode: 'TG-01',
      channel: 'online',
      deliveryMethod: 'online',
      submittedAt: new Date().toISOString(),
      ...over,
    };
  };

  async function start(name: string, over: Partial<DossierWorkflowInput> = {}): Promise<WorkflowHandleWithFirstExecutionRunId> {
    const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: `routed-${name}-${process.pid}-${Date.now()}`, args: [input(over)] });
    await sleep(300); // let the submission be recorded
    return settledAnswers(handle);
  }

  /** Waits until the dossier's view satisfies `ok` (reports from children arrive by signal). */
  async function until(handle: WorkflowHandle, ok: (v: DossierView) => boolean, ms = 15_000): Promise<DossierView> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await handle.query(dossierViewQuery);
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out; view: ${JSON.stringify(v)}`);
      await sleep(200);
    }
  }

  /** Waits until the dossier's event of `type` is recorded: the view may show a report before its event is written. */
  async function untilEvent(type: string, ms = 15_000): Promise<DossierEventRecord> {
    const end = Date.now() + ms;
    for (;;) {
      const found = events.find((e) => e.type === type);
      if (found) return found;
      if (Date.now() > end) throw new Error(`timed out waiting for ${type}; events: ${events.map((e) => e.type).join(', ')}`);
      await sleep(100);
    }
  }

  /** An Update that may meet the dossier busy recording a child's report: retried on DossierBusy. */
  async function act<T>(fn: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (err) {
        const reason = ((err as WorkflowUpdateFailedError).cause as ApplicationFailure | undefined)?.details?.[0] as { reason?: string } | undefined;
        if (reason?.reason !== 'DossierBusy' || i > 20) throw err;
        await sleep(150);
      }
    }
  }

  async function refusal(p: Promise<unknown>): Promise<string | undefined> {
    const err = await p.then(
      () => null,
      (e) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((err.cause as ApplicationFailure).details?.[0] as { reason?: string })?.reason;
  }

  async function keep(name: string, handle: WorkflowHandle): Promise<void> {
    // The files without the prefix were recorded before patch fast-actions-v1 (the old path): kept as they are.
    if (process.env.RECORD_HISTORIES === '1') recordHistory(`merged-${name}`, historyToJSON(await handle.fetchHistory()));
  }

  it('the default version runs today’s path and only projects the version pinned', async () => {
    events.length = 0;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await start('default');
      const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      expect(accepted).toMatchObject({ status: 'IN_REVIEW', procedureVersion: { version: 1, isDefault: true } });
      expect(accepted.step).toBeUndefined();
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(events.map((e) => e.type)).toEqual(['submitted', 'intake_accepted', 'assigned', 'approval_proposed', 'approved', 'result_delivered_online', 'completed']);
      expect(events[1]!.projection).toMatchObject({ procedureVersion: 1 });
      expect(events.every((e) => e.projection.routeStep === undefined)).toBe(true);
    });
  });

  it('a Hanoi-shaped version: relay, assignment, review, send-back from the approval, the City’s leg decides and numbers, relay back, result', async () => {
    events.length = 0;
    legEvents.length = 0;
    alerts.length = 0;
    pin = () => hanoi();
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await start('hanoi');
      const received = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      expect(received).toMatchObject({ status: 'RECEIVED', procedureVersion: { version: 2, isDefault: false }, step: { key: 'chuyen_so', kind: 'relay', agencyEid: LEAD } });
      // Not yet: the step forwards, it does not propose; a stale step key is refused.
      expect(await refusal(handle.executeUpdate(forwardStepUpdate, { args: [{ actor: OFFICER, stepKey: 'phan_cong' }] }))).toBe('StepChanged');
      const inReview = await handle.executeUpdate(forwardStepUpdate, { args: [{ actor: OFFICER, stepKey: 'chuyen_so' }] });
      // The assignment step ends by itself with the least-loaded specialist.
      expect(inReview).toMatchObject({ status: 'IN_REVIEW', assignee: { userId: SPECIALIST.userId }, step: { key: 'tham_dinh' } });
      const proposed = await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      expect(proposed).toMatchObject({ status: 'AWAITING_DECISION', step: { key: 'truong_phong', kind: 'approval' } });
      // The head of department is not the decision step.
      expect(await refusal(handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] }))).toBe('StepActionNotAllowed');
      expect(await refusal(handle.executeUpdate(sendBackUpdate, { args: [{ actor: LEADER, stepKey: 'truong_phong', toStep: 'chuyen_so', reason: 'Sai' }] }))).toBe('SendBackTargetNotAllowed');
      const sentBack = await handle.executeUpdate(sendBackUpdate, { args: [{ actor: LEADER, stepKey: 'truong_phong', toStep: 'tham_dinh', reason: 'Bổ sung căn cứ pháp lý' }] });
      expect(sentBack).toMatchObject({ status: 'IN_REVIEW', step: { key: 'tham_dinh' } });
      expect(events.at(-1)).toMatchObject({ type: 'sent_back', fromStatus: 'AWAITING_DECISION', toStatus: 'IN_REVIEW', data: { toStep: 'tham_dinh', reason: 'Bổ sung căn cứ pháp lý' } });
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      const atLeg = await handle.executeUpdate(forwardStepUpdate, { args: [{ actor: LEADER, stepKey: 'truong_phong' }] });
      expect(atLeg).toMatchObject({ status: 'AWAITING_DECISION', step: { key: 'ubnd', kind: 'leg', agencyEid: CITY } });
      const legId = `${handle.workflowId}/leg/ubnd/1`;
      expect(atLeg.legs).toEqual([expect.objectContaining({ workflowId: legId, kind: 'leg', agencyEid: CITY, status: 'open' })]);

      // The City's office works its own steps.
      const leg = client.workflow.getHandle(legId);
      await until(handle, (v) => v.legs?.[0]?.step?.key === 'vp_tiep_nhan');
      expect(alerts).toContainEqual({ agencyEid: CITY, kind: 'leg_received' });
      await act(() => leg.executeUpdate(legForwardUpdate, { args: [{ actor: LEG_ONE_STOP, stepKey: 'vp_tiep_nhan' }] }));
      expect(await leg.query(legViewQuery)).toMatchObject({ step: { key: 'vp_tham_dinh' }, assignee: { userId: LEG_SPECIALIST.userId } });
      await act(() => handle.executeUpdate(chaseLegUpdate, { args: [{ actor: OFFICER, workflowId: legId, note: 'Đề nghị khẩn trương' }] }));
      await act(() => leg.executeUpdate(legForwardUpdate, { args: [{ actor: LEG_SPECIALIST, stepKey: 'vp_tham_dinh' }] }));
      await act(() => leg.executeUpdate(legFinishUpdate, { args: [{ actor: LEG_LEADER, stepKey: 'vp_ky', outcome: 'approve' }] }));
      expect(await leg.result()).toMatchObject({ status: 'result', late: false });

      // The leg's result is the decision, numbered by the City; the relay back, then the result.
      const approved = await until(handle, (v) => v.status === 'APPROVED');
      expect(approved).toMatchObject({ resultNumber: `0001/2026/KQ-${CITY}`, step: { key: 'tra_so' }, legs: [expect.objectContaining({ status: 'result', resultNumber: `0001/2026/KQ-${CITY}` })] });
      await act(() => handle.executeUpdate(forwardStepUpdate, { args: [{ actor: OFFICER, stepKey: 'tra_so' }] }));
      expect((await handle.result()).status).toBe('COMPLETED');

      const types = events.map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['step_entered', 'step_forwarded', 'assigned', 'sent_back', 'leg_started', 'leg_progress', 'leg_chased', 'leg_result', 'result_delivered_online', 'completed']));
      // Every step entered opened a row with its key, name and budget; the leg's row names the City.
      const opened = events.filter((e) => e.handoff?.open).map((e) => e.handoff!.open!);
      expect(opened.find((o) => o.stepKey === 'ubnd')).toMatchObject({ step: 'leg', agencyEid: CITY, budgetHours: 2, receiverUnit: 'Văn phòng UBND Thành phố' });
      expect(opened.find((o) => o.stepKey === 'tham_dinh')).toMatchObject({ step: 'review', budgetHours: 0.5, receiverId: SPECIALIST.userId });
      expect((await untilEvent('leg_result')).projection.routeStep).toMatchObject({ key: 'tra_so', actions: ['forward'] });
      // The leg's own log: received, its steps, the chase, its result.
      expect(legEvents.filter((e) => e.legWorkflowId === legId).map((e) => e.type)).toEqual(
        expect.arrayContaining(['leg_received', 'leg_step_forwarded', 'leg_assigned', 'leg_chased', 'leg_result']),
      );
      expect(legEvents.find((e) => e.type === 'leg_result')).toMatchObject({ agencyEid: CITY, leg: { resultNumber: `0001/2026/KQ-${CITY}`, status: 'result' } });
      expect(alerts).toContainEqual({ agencyEid: CITY, kind: 'leg_chased' });
      await keep('routed-hanoi-leg', handle);
      await keep('leg-city-decides', leg);
    });
  });

  it('a version with a verification step: the visit ends the step, the decision returns to the review, the issue step numbers the result', async () => {
    events.length = 0;
    pin = () => withVerification();
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await start('verification', { procedureCode: 'XD-02' });
      const received = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      expect(received).toMatchObject({ status: 'IN_REVIEW', step: { key: 'xac_minh', kind: 'verification' } });
      expect(await refusal(handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] }))).toBe('StepActionNotAllowed');
      const visit = { ...(await visitStartingNow()), place: 'Thửa đất số 12', officers: ['Lê Văn Hùng'] };
      const scheduled = await handle.executeUpdate(scheduleVerificationUpdate, { args: [{ actor: SPECIALIST, visit, purpose: 'Kiểm tra hiện trạng' }] });
      expect(scheduled).toMatchObject({ status: 'SITE_VERIFICATION', step: { key: 'xac_minh' } });
      const verified = await handle.executeUpdate(recordVerificationUpdate, {
        args: [{ actor: SPECIALIST, outcome: 'confirmed', findings: 'Đúng hiện trạng', attachments: [{ name: 'Biên bản', fileId: 'f1' }] }],
      });
      expect(verified).toMatchObject({ status: 'IN_REVIEW', step: { key: 'tham_dinh', kind: 'review' } });
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      const returned = await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'return', note: 'Làm rõ diện tích' }] });
      expect(returned).toMatchObject({ status: 'IN_REVIEW', step: { key: 'tham_dinh' } });
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      const approved = await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
      // An issue step follows: the signature does not number the result.
      expect(approved).toMatchObject({ status: 'APPROVED', resultNumber: null, step: { key: 'vao_so', kind: 'issue' } });
      expect(await refusal(handle.executeUpdate(issueResultUpdate, { args: [{ actor: SPECIALIST, stepKey: 'vao_so' }] }))).toBe('RoleRequired');
      const issued = await handle.executeUpdate(issueResultUpdate, { args: [{ actor: OFFICER, stepKey: 'vao_so' }] });
      expect(issued).toMatchObject({ resultNumber: `0001/2026/KQ-${LEAD}` });
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(events.map((e) => e.type)).toEqual([
        'submitted',
        'intake_accepted',
        'step_entered',
        'assigned',
        'site_visit_scheduled',
        'site_verified',
        'approval_proposed',
        'returned_to_specialist',
        'approval_proposed',
        'approved',
        'result_issued',
        'result_delivered_online',
        'completed',
      ]);
      expect(events.find((e) => e.type === 'result_issued')!.projection).toMatchObject({ resultNumber: `0001/2026/KQ-${LEAD}`, routeStep: { key: 'tra_ket_qua' } });
      await keep('routed-verification-issue', handle);
    });
  });

  it('a late inter-agency leg: the agency at fault is recorded, the lead is alerted, and the apology is issued by that agency', async () => {
    events.length = 0;
    alerts.length = 0;
    pin = () => withLateLeg();
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await start('late-leg', { procedureCode: 'KD-03' });
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      const atLeg = await handle.executeUpdate(forwardStepUpdate, { args: [{ actor: SPECIALIST, stepKey: 'tham_dinh' }] });
      expect(atLeg).toMatchObject({ status: 'IN_REVIEW', step: { key: 'cong_an', agencyEid: POLICE } });
      const legId = `${handle.workflowId}/leg/cong_an/1`;
      // Its budget (about two seconds on the police's calendar) runs out without a result.
      const late = await until(handle, (v) => v.legs?.[0]?.late === true);
      expect(late).toMatchObject({ faultAgencyEid: POLICE, legs: [expect.objectContaining({ status: 'open', late: true })] });
      expect(await untilEvent('leg_late')).toMatchObject({ projection: { faultAgencyEid: POLICE }, data: { agencyEid: POLICE } });
      expect(alerts).toContainEqual({ agencyEid: LEAD, kind: 'leg_overdue' });
      // The apology with a new appointment (Form 04) names the police as the agency that issues it.
      await act(() => handle.executeUpdate(reappointUpdate, { args: [{ actor: LEADER, reason: 'Cơ quan công an chậm trả kết quả', workingDaysAfterDue: 2 }] }));
      expect(events.find((e) => e.type === 'reappointed')).toMatchObject({ data: { issuedByAgencyEid: POLICE } });
      // The late leg still ends with its result; the dossier goes on.
      const leg = client.workflow.getHandle(legId);
      await act(() => leg.executeUpdate(legFinishUpdate, { args: [{ actor: LEG_SPECIALIST, stepKey: 'ca_xu_ly', outcome: 'approve' }] }));
      const back = await until(handle, (v) => v.step?.key === 'de_xuat');
      expect(back.legs?.[0]).toMatchObject({ status: 'result', late: true });
      await act(() => handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] }));
      await act(() => handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] }));
      expect((await handle.result()).status).toBe('COMPLETED');
      await keep('routed-late-leg-apology', handle);
      await keep('leg-late-then-result', leg);
    });
  });

  it('consultations: one agency answers, the other does not by its deadline (unanswered, late, at fault); the step ends after', async () => {
    events.length = 0;
    pin = () => withConsultations();
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await start('consult', { procedureCode: 'XD-02' });
      const atReview = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      expect(atReview).toMatchObject({ status: 'IN_REVIEW', step: { key: 'tham_dinh' } });
      expect(
        await refusal(handle.executeUpdate(consultUpdate, { args: [{ actor: SPECIALIST, stepKey: 'tham_dinh', requests: [{ agencyEid: '000.00.99.H29', question: 'Ý kiến?' }] }] })),
      ).toBe('ConsultationNotProvided');
      const asked = await handle.executeUpdate(consultUpdate, {
        args: [
          {
            actor: SPECIALIST,
            stepKey: 'tham_dinh',
            requests: [
              { agencyEid: CONSTRUCTION, question: 'Công trình có phù hợp quy hoạch không?' },
              { agencyEid: POLICE, question: 'Địa điểm có bảo đảm an ninh trật tự không?' },
            ],
          },
        ],
      });
      expect(asked.legs?.map((l) => [l.workflowId, l.kind, l.status])).toEqual([
        [`${handle.workflowId}/consult/${CONSTRUCTION}/1`, 'consultation', 'open'],
        [`${handle.workflowId}/consult/${POLICE}/1`, 'consultation', 'open'],
      ]);
      expect(await refusal(handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] }))).toBe('ConsultationsPending');
      await act(() =>
        client.workflow
          .getHandle(`${handle.workflowId}/consult/${CONSTRUCTION}/1`)
          .executeUpdate(answerConsultationUpdate, { args: [{ actor: LEG_LEADER, opinion: 'Phù hợp quy hoạch phân khu', agrees: true }] }),
      );
      const collected = await until(handle, (v) => (v.legs ?? []).every((l) => l.status !== 'open'));
      expect(collected.legs).toEqual([
        expect.objectContaining({ agencyEid: CONSTRUCTION, status: 'answered', late: false, opinion: 'Phù hợp quy hoạch phân khu', agrees: true }),
        expect.objectContaining({ agencyEid: POLICE, status: 'unanswered', late: true }),
      ]);
      expect(collected.faultAgencyEid).toBe(POLICE);
      const types = events.map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['consultation_requested', 'consultation_answered', 'consultation_late', 'consultation_unanswered']));
      // Collected: the step may end.
      const proposed = await act(() => handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] }));
      expect(proposed).toMatchObject({ status: 'AWAITING_DECISION', step: { key: 'phe_duyet' } });
      await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
      await handle.executeUpdate(issueResultUpdate, { args: [{ actor: OFFICER, stepKey: 'vao_so' }] });
      expect((await handle.result()).status).toBe('COMPLETED');
      await keep('routed-consultation-unanswered', handle);
      await keep('consultation-unanswered', client.workflow.getHandle(`${handle.workflowId}/consult/${POLICE}/1`));
    });
  });

  it('a leg refuses: the dossier is back with the lead agency, with reasons, heard by a continued run; a withdrawal cancels the leg sent again', async () => {
    events.length = 0;
    legEvents.length = 0;
    legAgencyHasSpecialists = false;
    pin = () => hanoi();
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await start('leg-refused', { maxHistoryEvents: 40 });
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      await handle.executeUpdate(forwardStepUpdate, { args: [{ actor: OFFICER, stepKey: 'chuyen_so' }] });
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      await act(() => handle.executeUpdate(forwardStepUpdate, { args: [{ actor: LEADER, stepKey: 'truong_phong' }] }));
      const leg = client.workflow.getHandle(`${handle.workflowId}/leg/ubnd/1`);
      await until(handle, (v) => v.legs?.[0]?.step?.key === 'vp_tiep_nhan');
      await act(() => leg.executeUpdate(legForwardUpdate, { args: [{ actor: LEG_ONE_STOP, stepKey: 'vp_tiep_nhan' }] }));
      // Nobody to pick at the City: its leader assigns.
      expect(await leg.query(legViewQuery)).toMatchObject({ step: { key: 'vp_phan_cong' }, assignee: null });
      await act(() => leg.executeUpdate(legAssignUpdate, { args: [{ actor: LEG_LEADER, specialist: { userId: LEG_SPECIALIST.userId, fullName: LEG_SPECIALIST.fullName } }] }));
      await act(() => leg.executeUpdate(legFinishUpdate, { args: [{ actor: LEG_SPECIALIST, stepKey: 'vp_tham_dinh', outcome: 'refuse', reasons: ['Thiếu ý kiến của Sở Xây dựng'] }] }));
      expect(await leg.result()).toMatchObject({ status: 'refused' });
      const back = await until(handle, (v) => v.legs?.[0]?.status === 'refused' && v.step?.key === 'truong_phong');
      // Back to the step before the leg (the version names none), reasons kept; the history had grown: a new run heard it.
      expect(back).toMatchObject({ status: 'AWAITING_DECISION', step: { key: 'truong_phong' }, legs: [expect.objectContaining({ reasons: ['Thiếu ý kiến của Sở Xây dựng'] })] });
      expect(await untilEvent('leg_refused')).toMatchObject({ data: { reasons: ['Thiếu ý kiến của Sở Xây dựng'], toStep: 'truong_phong' } });
      expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
      // Sent again: a second leg; the citizen withdraws, the City's leg is cancelled.
      await act(() => handle.executeUpdate(forwardStepUpdate, { args: [{ actor: LEADER, stepKey: 'truong_phong' }] }));
      const again = client.workflow.getHandle(`${handle.workflowId}/leg/ubnd/2`);
      await act(() => handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'Không còn nhu cầu' }] }));
      expect(await again.result()).toMatchObject({ status: 'cancelled' });
      expect((await handle.result()).status).toBe('WITHDRAWN');
      expect(legEvents.filter((e) => e.legWorkflowId === again.workflowId).map((e) => e.type)).toContain('leg_cancelled');
      await keep('routed-leg-refused-withdrawn', handle);
    });
    legAgencyHasSpecialists = true;
  });

  it('a deciding leg denies: the dossier is denied with the reasons and the notice numbered by the other agency', async () => {
    events.length = 0;
    // Whatever an earlier test left: the City has specialists to pick from.
    legAgencyHasSpecialists = true;
    pin = () => hanoi();
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await start('leg-denies');
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      await handle.executeUpdate(forwardStepUpdate, { args: [{ actor: OFFICER, stepKey: 'chuyen_so' }] });
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'deny', reasons: ['Không đủ điều kiện'] }] });
      await act(() => handle.executeUpdate(forwardStepUpdate, { args: [{ actor: LEADER, stepKey: 'truong_phong' }] }));
      const leg = client.workflow.getHandle(`${handle.workflowId}/leg/ubnd/1`);
      await until(handle, (v) => v.legs?.[0]?.step?.key === 'vp_tiep_nhan');
      await act(() => leg.executeUpdate(legForwardUpdate, { args: [{ actor: LEG_ONE_STOP, stepKey: 'vp_tiep_nhan' }] }));
      await act(() => leg.executeUpdate(legForwardUpdate, { args: [{ actor: LEG_SPECIALIST, stepKey: 'vp_tham_dinh' }] }));
      // Only the decision step ends the leg with a result; the reasons are required.
      expect(await refusal(leg.executeUpdate(legFinishUpdate, { args: [{ actor: LEG_LEADER, stepKey: 'vp_ky', outcome: 'deny' }] }))).toBe('InvalidCommand');
      await act(() => leg.executeUpdate(legFinishUpdate, { args: [{ actor: LEG_LEADER, stepKey: 'vp_ky', outcome: 'deny', reasons: ['Vị trí không phù hợp quy hoạch'] }] }));
      const final = await handle.result();
      // The run ends with its outcome (patch small-markers-v1); the view holds no step any more.
      expect(final).toEqual({ code: expect.any(String), status: 'DENIED', resultNumber: `0001/2026/TB-${CITY}`, lastSeq: expect.any(Number) });
      expect((await handle.query(dossierViewQuery)).step).toBeNull();
      expect(events.at(-1)).toMatchObject({ type: 'leg_denied', toStatus: 'DENIED', data: { reasons: ['Vị trí không phù hợp quy hoạch'] }, projection: { closingReason: 'Vị trí không phù hợp quy hoạch' } });
      await keep('routed-leg-denies', handle);
    });
  });

  it('a version published while dossiers are open: the old dossier keeps its version’s steps, a new one pins the new', async () => {
    events.length = 0;
    let publishedAt = Infinity;
    const v1 = withVerification();
    const v2: PinnedProcedure = { ...withVerification(), version: 4, steps: withVerification().steps.filter((s) => s.kind !== 'verification') };
    pin = (at) => (Date.parse(at) >= publishedAt ? v2 : v1);
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const old = await start('old', { procedureCode: 'XD-02' });
      expect(await old.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] })).toMatchObject({ procedureVersion: { version: 3 }, step: { key: 'xac_minh' } });
      publishedAt = Date.now();
      const young = await start('new', { procedureCode: 'XD-02' });
      expect(await young.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] })).toMatchObject({ procedureVersion: { version: 4 }, step: { key: 'tham_dinh' } });
      // The old dossier still runs version 3: a verification step before the review.
      expect(await old.query(dossierViewQuery)).toMatchObject({ procedureVersion: { version: 3 }, step: { key: 'xac_minh' } });
      expect(await refusal(old.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] }))).toBe('StepActionNotAllowed');
      await young.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      for (const h of [old, young]) await h.terminate('end of test');
    });
  });
});
