import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities, type DossierActivities } from '../../activities';
import { createDb } from '../../db/connection';
import { cachedEventContext, forgetEventContext } from '../../db/repositories/dossier-events';
import { dossierWorkflowInput } from '../../dossiers/starts';
import { storeSubmission } from '../../dossiers/submission';
import { dossierWorkerSinks } from '../../worker/dossier-worker';
import {
  acceptIntakeUpdate,
  decideUpdate,
  handOverResultUpdate,
  proposeDecisionUpdate,
  recordPaymentUpdate,
  refuseIntakeUpdate,
  requestIntakeSupplementUpdate,
  requestSupplementUpdate,
  submitSupplementUpdate,
  DossierStatusKey,
  type DossierView,
  type DossierWorkflowInput,
} from '../../workflows/contracts/dossier-v1';
import { LEADER, mockActivities, OFFICER, SPECIALIST } from '../helpers/mock-activities';
import { recordHistory } from '../helpers/stack';
import { useWorkflowHarness } from '../helpers/workflow-harness';

/**
 * Issue 18, targets 1–2 (workflow side): on a dossier begun after patch fast-actions-v1 every
 * activity is a local one, the citizen's message is written with its event, and an action
 * answers before what does not decide its answer (the specialist's assignment); a dossier begun
 * on the old code finishes on the old path. With RECORD_HISTORIES=1 the runs' histories are kept
 * for the replay test (test/histories/fast-*.json, old-code-then-current.json).
 */

const ROOT = path.join(__dirname, '..', '..');
/** The last commit before the fast path: its workflow code stands for dossiers already running. */
const OLD_COMMIT = '0d6c27b';
/** The last commit before patch small-markers-v1: its workflow code stands for dossiers running on the fast path. */
const FAST_COMMIT = 'b7272ee';
/** The last commit before patch merged-records-v1: its workflow code stands for dossiers running on the lean path. */
const LEAN_COMMIT = '83de6d6';
/** The last commit before patch status-in-read-model-v1: its workflow code stands for dossiers indexing their status. */
const MERGED_COMMIT = '6fbccd3';
/** The last commit before `begunAfter` in the workflow input: its workflow code stands for workers that ask the patch anyway. */
const UNINDEXED_COMMIT = 'fbe39ba';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The decoded payloads of a marker (patch id, local activity type…), as text to search. */
function markerText(e: HistoryEvent): string {
  const details = e.markerRecordedEventAttributes?.details ?? {};
  return Object.values(details)
    .flatMap((p) => p.payloads ?? [])
    .map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'))
    .join(' ');
}

async function historyOf(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

const scheduledActivities = (events: HistoryEvent[]) => events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!);
const patchMarkers = (events: HistoryEvent[]) => events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').map(markerText);
/** The values the run gave the DossierStatus search attribute, in order (null: removed). */
const statusIndexed = (events: HistoryEvent[]) =>
  events.flatMap((e) => {
    const field = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.DossierStatus;
    if (!field) return [];
    const text = Buffer.from(field.data ?? new Uint8Array()).toString('utf8');
    return [text ? (JSON.parse(text) as string | null) : null];
  });
/** Every search attribute the run upserted (the SDK's TemporalChangeVersion with a patch asked, DossierStatus before status-in-read-model-v1). */
const upsertedAttributes = (events: HistoryEvent[]) => events.flatMap((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}));
const localActivityMarkers = (events: HistoryEvent[]) => events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').map(markerText);

function keep(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return Promise.resolve();
  return handle.fetchHistory().then((h) => recordHistory(name, historyToJSON(h)));
}

/**
 * The workflow bundle of an older commit (its workflows and domain), standing for dossiers
 * begun before `patch`. Built inside the repository, so that the old code resolves this
 * checkout's node_modules.
 */
async function bundleOf(commit: string, patch: string): Promise<string> {
  try {
    execFileSync('git', ['-C', ROOT, 'cat-file', '-e', `${commit}^{commit}`], { stdio: 'pipe' });
  } catch {
    throw new Error(`commit ${commit} is not in this clone: the test of dossiers begun before patch ${patch} needs the full history (git fetch --unshallow)`);
  }
  const dir = path.join(ROOT, 'test-results', 'old-code', commit);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', commit, 'workflows', 'domain'], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(dir, 'workflows', 'index.ts'),
    workflowInterceptorModules: [path.join(dir, 'workflows', 'request-context.ts')],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m) => process.stderr.write(`${m}\n`), log() {} },
  });
  const bundle = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundle, code);
  return bundle;
}

/**
 * For a describe of dossiers begun before `patch`: workers on one connection running the workflow
 * code of `commit` (`older`, standing for dossiers already running) or today's (`current`).
 */
function olderCode(commit: string, patch: string) {
  let connection: NativeConnection | undefined;
  let bundle = '';
  beforeAll(async () => {
    bundle = await bundleOf(commit, patch);
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  }, 180_000);
  afterAll(async () => {
    await connection?.close();
  });
  // The current code asks its worker to read a dossier's context ahead (a sink): here a worker without a database does nothing with it.
  const sinks = { dossierContext: { warm: { fn: () => undefined } } };
  const worker = (codePath: string, taskQueue: string, activities: WorkerOptions['activities']) => Worker.create({ connection: connection!, taskQueue, workflowBundle: { codePath }, activities, sinks });
  return {
    older: (taskQueue: string, activities: WorkerOptions['activities']) => worker(bundle, taskQueue, activities),
    current: (taskQueue: string, activities: WorkerOptions['activities']) => worker(inject('workflowBundlePath'), taskQueue, activities),
  };
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('officer actions in one round trip (patch fast-actions-v1)', () => {
  let assignmentGate: Promise<void> = Promise.resolve();
  let feeDue: Awaited<ReturnType<DossierActivities['feeDue']>> = { amountVnd: 0, timing: 'none' };
  const { client, taskQueue, events, notices, warmed, newWorker } = useWorkflowHarness({
    name: 'wf-fast',
    activities: {
      async assignSpecialist() {
        await assignmentGate;
        return { userId: SPECIALIST.userId, fullName: SPECIALIST.fullName };
      },
      async feeDue() {
        return feeDue;
      },
      async computeDeadline() {
        return new Date(Date.now() + 86_400_000).toISOString();
      },
    },
  });

  let n = 0;
  const input = (over: Partial<DossierWorkflowInput> = {}): DossierWorkflowInput => {
    n += 1;
    const id = 700_000 + (process.pid % 10_000) * 10 + n;
    return {
      dossierId: id,
      code: `000.20.20.H29-261205-${id}`,
      agencyEid: '000.20.20.H29',
      procedureCode: 'KT-HKD',
      channel: 'online',
      deliveryMethod: 'online',
      submittedAt: new Date().toISOString(),
      ...over,
    };
  };
  const wfId = (label: string) => `fast-${label}-${process.pid}-${Date.now().toString(36)}`;
  const eventsOf = (dossierId: number) => events.filter((e) => e.dossierId === dossierId);
  const noticesOf = (dossierId: number) => eventsOf(dossierId).flatMap((e) => (e.notify ? [e.notify] : []));

  it('a new dossier: local activities, the message with its event, the answer before the assignment', async () => {
    notices.length = 0;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const args = input();
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: wfId('accept'), args: [args] });
      const g = gate();
      assignmentGate = g.wait;
      let accepted: DossierView;
      try {
        // The assignment is held back: the Update must answer all the same.
        accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
        expect(accepted).toMatchObject({ status: 'RECEIVED', assignee: null, appointmentAt: expect.any(String) });
        expect(eventsOf(args.dossierId).map((e) => e.type)).toEqual(['submitted', 'intake_accepted']);
        // The officer's own write is there when the answer comes (read-your-writes).
        expect(eventsOf(args.dossierId).at(-1)).toMatchObject({ toStatus: 'RECEIVED', notify: 'intake_accepted', projection: { status: 'RECEIVED', appointmentAt: accepted.appointmentAt } });
      } finally {
        g.open();
        assignmentGate = Promise.resolve();
      }
      // Then the specialist is assigned, after the answer.
      for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(eventsOf(args.dossierId).at(-1)).toMatchObject({ type: 'assigned', toStatus: 'IN_REVIEW', projection: { assigneeId: SPECIALIST.userId } });
      // The specialist may act at once: an action in the follow-up's window waits, it is not refused.
      const proposed = await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      expect(proposed).toMatchObject({ status: 'AWAITING_DECISION', assignee: { userId: SPECIALIST.userId } });
      await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
      // Patch small-markers-v1: the run ends with its outcome, not its whole view.
      expect(await handle.result()).toEqual({ code: args.code, status: 'COMPLETED', resultNumber: expect.any(String), lastSeq: 7 });

      const history = await historyOf(handle);
      // A new run asks only patch status-in-read-model-v1: the merged, fast and lean paths hold without their markers.
      expect(patchMarkers(history).map((m) => JSON.parse(m).id)).toEqual(['status-in-read-model-v1']);
      // Its status is the read model's: no DossierStatus search attribute at any change.
      expect(statusIndexed(history)).toEqual([]);
      expect(scheduledActivities(history)).toEqual([]);
      // One local activity per step (patch merged-records-v1): the submission with its fee; the acceptance's look-up
      // with its event; the specialist's choice with the assignment's event; the proposal; the decision with its
      // number; the online result's delivery with the completion.
      expect(localActivityMarkers(history).map((m) => /"activity_type":"(\w+)"/.exec(m)?.[1])).toEqual([
        'recordSubmission',
        'acceptAndRecord',
        'assignAndRecord',
        'recordDossierEvent',
        'issueAndRecord',
        'recordDossierEvents',
      ]);
      const local = localActivityMarkers(history).join('\n');
      // Compact answers: no explanation, no steps of the default version.
      for (const type of ['notifyApplicant', 'feeDue', 'pinInternalProcedure', 'scheduleDeadline', 'issueResult', 'receiptFacts', 'assignSpecialist', 'explanation', '"steps"']) expect(local).not.toContain(type);
      // The acceptance's event carries what its look-up decided, filled in by the activity that wrote it.
      expect(eventsOf(args.dossierId).find((e) => e.type === 'intake_accepted')).toMatchObject({
        projection: { receivedBy: OFFICER.userId, calendarCode: expect.any(String), calendarVersion: expect.any(Number), procedureVersion: 1, deadlineState: 'running', dueAt: accepted!.appointmentAt },
        clock: [{ kind: 'start', actorId: OFFICER.userId }],
      });
      expect(eventsOf(args.dossierId).find((e) => e.type === 'assigned')).toMatchObject({
        data: { assignee: { userId: SPECIALIST.userId, fullName: SPECIALIST.fullName } },
        handoff: { open: { step: 'review', receiverId: SPECIALIST.userId, receiverUnit: SPECIALIST.fullName, giverId: OFFICER.userId } },
      });
      expect(eventsOf(args.dossierId).find((e) => e.type === 'approved')).toMatchObject({ projection: { resultNumber: '0001/2026/KQ-000.20.20.H29' }, data: { resultNumber: '0001/2026/KQ-000.20.20.H29' } });
      // Exactly one message per event that tells the citizen.
      expect(noticesOf(args.dossierId)).toEqual(['intake_accepted', 'result_delivered']);
      expect(eventsOf(args.dossierId).map((e) => e.type)).toEqual(['submitted', 'intake_accepted', 'assigned', 'approval_proposed', 'approved', 'result_delivered_online', 'completed']);
      await keep('unindexed-accept-propose-decide-online', handle);
    });
  });

  it('a dossier whose submission the API recorded begins from it: no record, no index, one local activity per step', async () => {
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const args = input({ submitted: { feeVnd: 0, feeTiming: 'none' } });
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: wfId('api-submitted'), args: [args] });
      const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      expect(accepted).toMatchObject({ status: 'RECEIVED', lastSeq: 2, fee: { amountVnd: 0, paid: true } });
      for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
      expect(await handle.result()).toEqual({ code: args.code, status: 'COMPLETED', resultNumber: expect.any(String), lastSeq: 7 });
      const history = await historyOf(handle);
      expect(localActivityMarkers(history).map((m) => /"activity_type":"(\w+)"/.exec(m)?.[1])).toEqual(['acceptAndRecord', 'assignAndRecord', 'recordDossierEvent', 'issueAndRecord', 'recordDossierEvents']);
      // Patch status-in-read-model-v1: the status is not indexed, neither by the start nor by the run.
      expect(statusIndexed(history)).toEqual([]);
      // The workflow writes from the second event on: the first is the API's.
      expect(eventsOf(args.dossierId).map((e) => [e.seq, e.type])).toEqual([
        [2, 'intake_accepted'],
        [3, 'assigned'],
        [4, 'approval_proposed'],
        [5, 'approved'],
        [6, 'result_delivered_online'],
        [7, 'completed'],
      ]);
      await keep('unindexed-submitted-by-api', handle);
    });
  });

  it('a run asks its worker once, as it begins, to read the dossier\'s context ahead; a worker replaying it is not asked', async () => {
    const args = input({ submitted: { feeVnd: 0, feeTiming: 'none' } });
    warmed.length = 0;
    const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: wfId('warm'), args: [args] });
    await (await newWorker()).runUntil(async () => {
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
    });
    expect(warmed).toEqual([args.dossierId]);
    // A second worker takes the run up by replaying its history: the hint is not given again, and no command came of it.
    await (await newWorker()).runUntil(async () => {
      for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
    });
    expect(warmed).toEqual([args.dossierId]);
    await handle.terminate('end of test');
  });

  it('a payment in the run\'s first task sees the fee the API fixed at submission', async () => {
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const args = input({ channel: 'counter', deliveryMethod: 'counter', submitted: { feeVnd: 50_000, feeTiming: 'before_processing' } });
      // Update-with-start: the payment is delivered with the start, in the run's first task.
      const start = new WithStartWorkflowOperation('dossierWorkflow', { taskQueue, workflowId: wfId('api-fee-paid'), args: [args], workflowIdConflictPolicy: 'FAIL' });
      const paid = await client.workflow.executeUpdateWithStart(recordPaymentUpdate, {
        args: [{ paymentId: crypto.randomUUID(), amountVnd: 50_000, method: 'cash', receiptCode: 'BL-0002', paidAt: new Date().toISOString(), recordedBy: OFFICER.userId }],
        startWorkflowOperation: start,
      });
      expect(paid.fee).toMatchObject({ amountVnd: 50_000, paid: true, receiptCode: 'BL-0002' });
      const handle = await start.workflowHandle();
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
      const proposed = await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
      expect(proposed.status).toBe('AWAITING_DECISION');
      await handle.terminate('end of test');
    });
  });

  it('a counter dossier paid in cash and handed over: one message each, completed', async () => {
    feeDue = { amountVnd: 50_000, timing: 'before_processing' };
    const worker = await newWorker();
    try {
      await worker.runUntil(async () => {
        const args = input({ channel: 'counter', deliveryMethod: 'counter' });
        const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: wfId('counter'), args: [args] });
        await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
        const paid = await handle.executeUpdate(recordPaymentUpdate, {
          args: [{ paymentId: crypto.randomUUID(), amountVnd: 50_000, method: 'cash', receiptCode: 'BL-0001', paidAt: new Date().toISOString(), recordedBy: OFFICER.userId }],
        });
        expect(paid.fee).toMatchObject({ paid: true, receiptCode: 'BL-0001' });
        await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
        await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
        const handed = await handle.executeUpdate(handOverResultUpdate, { args: [{ actor: OFFICER, receivedBy: 'Nguyễn Văn An' }] });
        expect(handed.status).toBe('RESULT_DELIVERED');
        expect((await handle.result()).status).toBe('COMPLETED');
        expect(eventsOf(args.dossierId).map((e) => e.type)).toEqual(['submitted', 'intake_accepted', 'assigned', 'fee_paid', 'approval_proposed', 'approved', 'result_handed_over', 'completed']);
        expect(noticesOf(args.dossierId)).toEqual(['intake_accepted', 'result_delivered']);
        expect(scheduledActivities(await historyOf(handle))).toEqual([]);
        await keep('merged-counter-cash-handover', handle);
      });
    } finally {
      feeDue = { amountVnd: 0, timing: 'none' };
    }
  });

  it('a supplement at intake, then acceptance: the request and the acceptance each tell the citizen once', async () => {
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const args = input();
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: wfId('supplement'), args: [args] });
      const asked = await handle.executeUpdate(requestIntakeSupplementUpdate, { args: [{ actor: OFFICER, items: ['Bản sao CCCD'] }] });
      expect(asked.status).toBe('SUPPLEMENT_AT_INTAKE');
      await handle.executeUpdate(submitSupplementUpdate, { args: [{ documents: [{ name: 'Bản sao CCCD' }] }] });
      await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
      await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'deny', reasons: ['Không đủ điều kiện'] }] });
      await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'deny', reasons: ['Không đủ điều kiện'] }] });
      expect((await handle.result()).status).toBe('DENIED');
      expect(noticesOf(args.dossierId)).toEqual(['supplement_requested', 'intake_accepted', 'denied']);
      expect(scheduledActivities(await historyOf(handle))).toEqual([]);
      await keep('merged-intake-supplement-denied', handle);
    });
  });

  describe('a dossier begun on the old code', () => {
    const code = olderCode(OLD_COMMIT, 'fast-actions-v1');

    it('finishes under the old code path after a worker with the current code takes over', async () => {
      const queue = `${taskQueue}-old`;
      const activities = mockActivities({
        async recordDossierEvent(e) {
          events.push(e);
        },
        async notifyApplicant(job) {
          notices.push(job.template);
        },
      });
      const args = input();
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue: queue, workflowId: wfId('old'), args: [args] });
      notices.length = 0;
      const old = await code.older(queue, activities);
      await old.runUntil(async () => {
        const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
        // The old path answers after the assignment.
        expect(accepted).toMatchObject({ status: 'IN_REVIEW', assignee: { userId: SPECIALIST.userId } });
      });
      const scheduledBefore = scheduledActivities(await historyOf(handle)).length;
      // Today's worker, on the same task queue, takes the dossier to the end (replaying its history first).
      const current = await code.current(queue, activities);
      await current.runUntil(async () => {
        await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
        const decided = await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
        expect(decided.status).toBe('APPROVED');
        expect((await handle.result()).status).toBe('COMPLETED');
      });
      const history = await historyOf(handle);
      expect(patchMarkers(history).some((m) => m.includes('fast-actions-v1'))).toBe(false);
      expect(localActivityMarkers(history)).toEqual([]);
      const scheduled = scheduledActivities(history);
      // Its later activities are regular ones, in the old order, the message by its own activity.
      expect(scheduled.slice(scheduledBefore)).toEqual(['recordDossierEvent', 'issueResult', 'recordDossierEvent', 'recordDossierEvent', 'notifyApplicant', 'recordDossierEvent']);
      expect(notices).toEqual(['intake_accepted', 'result_delivered']);
      await keep('old-code-then-current', handle);
    });
  });

  describe('a dossier begun on the fast path before patch small-markers-v1', () => {
    const code = olderCode(FAST_COMMIT, 'small-markers-v1');

    it('keeps its full answers and separate look-ups after a worker with the current code takes over', async () => {
      const queue = `${taskQueue}-fast`;
      const activities = mockActivities({
        async recordDossierEvent(e) {
          events.push(e);
        },
      });
      const args = input();
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue: queue, workflowId: wfId('fast-then-lean'), args: [args] });
      const fast = await code.older(queue, activities);
      await fast.runUntil(async () => {
        await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
        for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
      });
      // Today's worker replays it, then asks the deadline again twice (the supplement's pause and resume).
      const current = await code.current(queue, activities);
      await current.runUntil(async () => {
        await handle.executeUpdate(requestSupplementUpdate, { args: [{ actor: SPECIALIST, items: ['Bản sao giấy phép'], reason: 'Thiếu bản sao' }] });
        await handle.executeUpdate(submitSupplementUpdate, { args: [{ documents: [{ name: 'Bản sao giấy phép' }] }] });
        await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
        await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
        // Its run ends as runs before the patch did, with the whole view.
        expect(await handle.result()).toMatchObject({ status: 'COMPLETED', facts: expect.any(Object) });
      });
      const history = await historyOf(handle);
      const patches = patchMarkers(history).map((m) => JSON.parse(m).id);
      expect(patches).toContain('fast-actions-v1');
      expect(patches).not.toContain('small-markers-v1');
      const local = localActivityMarkers(history).join('\n');
      for (const type of ['pinInternalProcedure', 'scheduleDeadline', 'explanation']) expect(local).toContain(type);
      expect(local).not.toContain('receiptFacts');
      // The full answers go on into its events, as before.
      const resumed = eventsOf(args.dossierId).find((e) => e.type === 'supplement_submitted');
      expect(resumed?.data).toMatchObject({ clock: { explanation: expect.any(String) } });
      expect(eventsOf(args.dossierId).map((e) => e.type)).toEqual([
        'submitted',
        'intake_accepted',
        'assigned',
        'supplement_requested',
        'supplement_submitted',
        'approval_proposed',
        'approved',
        'result_delivered_online',
        'completed',
      ]);
      await keep('fast-then-lean-code', handle);
    });
  });

  describe('a dossier begun on the lean path before patch merged-records-v1', () => {
    const code = olderCode(LEAN_COMMIT, 'merged-records-v1');

    it('keeps its separate look-ups and records after a worker with the current code takes over', async () => {
      const queue = `${taskQueue}-lean`;
      const activities = mockActivities({
        async recordDossierEvent(e) {
          events.push(e);
        },
      });
      const args = input();
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue: queue, workflowId: wfId('lean-then-merged'), args: [args] });
      const lean = await code.older(queue, activities);
      await lean.runUntil(async () => {
        await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
        for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
      });
      expect(eventsOf(args.dossierId).at(-1)?.type).toBe('assigned');
      // Today's worker replays it, then takes it to the end on the lean path.
      const current = await code.current(queue, activities);
      await current.runUntil(async () => {
        await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
        await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
        expect(await handle.result()).toEqual({ code: args.code, status: 'COMPLETED', resultNumber: expect.any(String), lastSeq: 7 });
      });
      const history = await historyOf(handle);
      expect(patchMarkers(history).map((m) => JSON.parse(m).id)).toEqual(['small-markers-v1']);
      // The delivery and the completion each by their own local activity, as on the lean path.
      expect(localActivityMarkers(history).map((m) => /"activity_type":"(\w+)"/.exec(m)?.[1])).toEqual([
        'recordSubmission',
        'receiptFacts',
        'recordDossierEvent',
        'assignSpecialist',
        'recordDossierEvent',
        'recordDossierEvent',
        'issueAndRecord',
        'recordDossierEvent',
        'recordDossierEvent',
      ]);
      expect(eventsOf(args.dossierId).map((e) => e.type)).toEqual(['submitted', 'intake_accepted', 'assigned', 'approval_proposed', 'approved', 'result_delivered_online', 'completed']);
      await keep('lean-then-merged-code', handle);
    });
  });

  describe('a dossier begun before patch status-in-read-model-v1', () => {
    const code = olderCode(MERGED_COMMIT, 'status-in-read-model-v1');

    it('keeps indexing its status to the end after a worker with the current code takes over', async () => {
      const queue = `${taskQueue}-merged`;
      const activities = mockActivities({
        async recordDossierEvent(e) {
          events.push(e);
        },
      });
      const args = input({ submitted: { feeVnd: 0, feeTiming: 'none' } });
      // Started as the API did then: indexed SUBMITTED by its start.
      const handle = await client.workflow.start('dossierWorkflow', {
        taskQueue: queue,
        workflowId: wfId('merged-then-unindexed'),
        args: [args],
        typedSearchAttributes: [{ key: DossierStatusKey, value: 'SUBMITTED' }],
      });
      const merged = await code.older(queue, activities);
      await merged.runUntil(async () => {
        await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
        for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
      });
      expect(eventsOf(args.dossierId).at(-1)?.type).toBe('assigned');
      const current = await code.current(queue, activities);
      await current.runUntil(async () => {
        await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
        await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
        expect(await handle.result()).toEqual({ code: args.code, status: 'COMPLETED', resultNumber: expect.any(String), lastSeq: 7 });
      });
      const history = await historyOf(handle);
      expect(patchMarkers(history).map((m) => JSON.parse(m).id)).toEqual(['merged-records-v1']);
      // Every change indexed, those after the current worker took over too.
      expect(statusIndexed(history)).toEqual(['RECEIVED', 'IN_REVIEW', 'AWAITING_DECISION', 'APPROVED', 'COMPLETED']);
      expect((await handle.describe()).typedSearchAttributes.get(DossierStatusKey)).toBe('COMPLETED');
      await keep('merged-then-unindexed-code', handle);
    });

    it('started by an API not yet updated (indexed SUBMITTED), the attribute is removed rather than left stale', async () => {
      const worker = await newWorker();
      await worker.runUntil(async () => {
        const args = input({ submitted: { feeVnd: 0, feeTiming: 'none' } });
        const handle = await client.workflow.start('dossierWorkflow', {
          taskQueue,
          workflowId: wfId('old-api-start'),
          args: [args],
          typedSearchAttributes: [{ key: DossierStatusKey, value: 'SUBMITTED' }],
        });
        await handle.executeUpdate(refuseIntakeUpdate, { args: [{ actor: OFFICER, reasons: ['Không thuộc thẩm quyền'] }] });
        expect(await handle.result()).toMatchObject({ status: 'REFUSED_AT_INTAKE' });
        expect(statusIndexed(await historyOf(handle))).toEqual([null]);
        expect((await handle.describe()).typedSearchAttributes.get(DossierStatusKey)).toBeUndefined();
      });
    });
  });

  describe('a run its starter says begins after patch status-in-read-model-v1 (input.begunAfter)', () => {
    const code = olderCode(UNINDEXED_COMMIT, 'begunAfter');
    const online = () => input({ submitted: { feeVnd: 0, feeTiming: 'none' }, begunAfter: 'status-in-read-model-v1' });

    it('asks no patch: no marker, no search attribute upserted, the same events as a run that asks', async () => {
      const worker = await newWorker();
      await worker.runUntil(async () => {
        const args = online();
        const handle = await client.workflow.start('dossierWorkflow', { taskQueue, workflowId: wfId('begun-after'), args: [args] });
        expect(await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] })).toMatchObject({ status: 'RECEIVED', lastSeq: 2 });
        for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
        await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
        await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
        expect(await handle.result()).toEqual({ code: args.code, status: 'COMPLETED', resultNumber: expect.any(String), lastSeq: 7 });
        const history = await historyOf(handle);
        expect(patchMarkers(history)).toEqual([]);
        expect(upsertedAttributes(history)).toEqual([]);
        // The unindexed path all the same: the merged records, one local activity per step.
        expect(localActivityMarkers(history).map((m) => /"activity_type":"(\w+)"/.exec(m)?.[1])).toEqual(['acceptAndRecord', 'assignAndRecord', 'recordDossierEvent', 'issueAndRecord', 'recordDossierEvents']);
        expect(eventsOf(args.dossierId).map((e) => e.type)).toEqual(['intake_accepted', 'assigned', 'approval_proposed', 'approved', 'result_delivered_online', 'completed']);
        await keep('begun-after-submitted-by-api', handle);
      });
    });

    it('taken first by a worker older than the field (which asks the patch), finished by a current worker that matches its marker as it replays', async () => {
      const queue = `${taskQueue}-begun-after`;
      const activities = mockActivities({
        async recordDossierEvent(e) {
          events.push(e);
        },
      });
      const args = online();
      const handle = await client.workflow.start('dossierWorkflow', { taskQueue: queue, workflowId: wfId('begun-after-older'), args: [args] });
      const older = await code.older(queue, activities);
      await older.runUntil(async () => {
        await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
        for (let i = 0; i < 100 && eventsOf(args.dossierId).at(-1)?.type !== 'assigned'; i++) await new Promise((r) => setTimeout(r, 50));
      });
      expect(eventsOf(args.dossierId).at(-1)?.type).toBe('assigned');
      // The older worker asked: its marker stands in the history, which the current worker matches as it replays.
      expect(patchMarkers(await historyOf(handle)).map((m) => JSON.parse(m).id)).toEqual(['status-in-read-model-v1']);
      const current = await code.current(queue, activities);
      await current.runUntil(async () => {
        await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] });
        await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] });
        expect(await handle.result()).toEqual({ code: args.code, status: 'COMPLETED', resultNumber: expect.any(String), lastSeq: 7 });
      });
      expect(eventsOf(args.dossierId).map((e) => e.type)).toEqual(['intake_accepted', 'assigned', 'approval_proposed', 'approved', 'result_delivered_online', 'completed']);
      await keep('begun-after-older-worker-then-current', handle);
    });
  });

/**
 * Read-your-writes on the real activities: when the acceptance answers, the read model already
 * shows the dossier received with its appointment, and its message is in the outbox once.
 */
  describe('on the real activities (PostgreSQL)', () => {
  const db = createDb(inject('databaseUrl'), { max: 4 });
  const real = createActivities({ db }) as unknown as DossierActivities;
  let dbGate: Promise<void> = Promise.resolve();
  let connection: NativeConnection;
  beforeAll(async () => {
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await connection?.close();
    await db.destroy();
  });
  const fullContext = async (id: number) => (await db.raw('select dossier_context_full(?) as c', [id])).rows[0].c as { version: number };

  it('the accept answer comes after the read model shows RECEIVED with the appointment, before the assignment', async () => {
    const procedure = await db('procedures').where('code', 'TP-SAOSOGOC').first('id');
    const agency = await db('agencies').where('eid', '000.20.20.H29').first('id');
    const code = `000.20.20.H29-261205-${crypto.randomInt(10_000, 99_999_999)}`;
    const workflowId = `fast-db-${code}`;
    const [row] = await db('dossiers')
      .insert({
        code,
        workflow_id: workflowId,
        procedure_id: procedure.id,
        agency_id: agency.id,
        channel: 'online',
        delivery_method: 'online',
        status: 'SUBMITTED',
        applicant_full_name: 'Nguyễn Thị Hồng Nhung',
        applicant_id_number: '079199001234',
        applicant_phone: '0912345678',
        applicant_email: 'nhung.nguyen@example.vn',
        submitted_at: new Date(),
        fee_due_vnd: 0,
        fee_status: 'none',
      })
      .returning('id');
    const dossierId = Number(row.id);
    const activities: DossierActivities = {
      ...real,
      async assignAndRecord(i) {
        await dbGate;
        return real.assignAndRecord(i);
      },
    };
    const worker = await Worker.create({ connection, taskQueue: `${taskQueue}-db`, workflowBundle: { codePath: inject('workflowBundlePath') }, activities, sinks: dossierWorkerSinks(db) });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('dossierWorkflow', {
        taskQueue: `${taskQueue}-db`,
        workflowId,
        args: [{ dossierId, code, agencyEid: '000.20.20.H29', procedureCode: 'TP-SAOSOGOC', channel: 'online', deliveryMethod: 'online', submittedAt: new Date().toISOString() }],
      });
      const g = gate();
      dbGate = g.wait;
      try {
        const accepted = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
        expect(accepted).toMatchObject({ status: 'RECEIVED', assignee: null, appointmentAt: expect.any(String) });
        const dossier = await db('dossiers')
          .where('id', dossierId)
          .first('status', 'appointment_at', 'received_at', 'assignee_id', 'due_at', 'deadline_state', 'calendar_code', 'calendar_version', 'procedure_version', 'received_by');
        // What the acceptance's look-up decided, written with its event (patch merged-records-v1: one local activity).
        expect(dossier).toMatchObject({ status: 'RECEIVED', assignee_id: null, deadline_state: 'running', calendar_code: expect.any(String), calendar_version: expect.any(Number), procedure_version: expect.any(Number), received_by: OFFICER.userId });
        expect(new Date(dossier.due_at).toISOString()).toBe(new Date(accepted.appointmentAt!).toISOString());
        expect(new Date(dossier.appointment_at).toISOString()).toBe(new Date(accepted.appointmentAt!).toISOString());
        expect(await db('dossier_events').where('dossier_id', dossierId).orderBy('seq').pluck('type')).toEqual(['submitted', 'intake_accepted']);
        expect(await db('notification_outbox').where('dossier_id', dossierId).pluck('template')).toEqual(['intake_accepted']);
      } finally {
        g.open();
        dbGate = Promise.resolve();
      }
      let after: { status: string; assignee_id: number | null } | undefined;
      for (let i = 0; i < 100; i++) {
        after = await db('dossiers').where('id', dossierId).first('status', 'assignee_id');
        if (after?.status === 'IN_REVIEW') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(after).toMatchObject({ status: 'IN_REVIEW', assignee_id: expect.any(Number) });
      // The review hand-off (process-control sheet) names the specialist the same activity chose.
      const sheet = await db('dossier_handoffs').where('dossier_id', dossierId).orderBy('opened_seq').select('step', 'receiver_id', 'closed_seq');
      expect(sheet).toEqual([
        { step: 'intake', receiver_id: null, closed_seq: 2 },
        { step: 'review', receiver_id: after!.assignee_id, closed_seq: null },
      ]);
      expect(await db('notification_outbox').where('dossier_id', dossierId).pluck('template')).toEqual(['intake_accepted']);
      // The acceptance's one local activity (patch merged-records-v1) keeps only what the workflow needs in its marker.
      const receipt = localActivityMarkers(await historyOf(handle)).filter((m) => m.includes('"acceptAndRecord"'));
      expect(receipt).toHaveLength(1);
      // The default version by its number; the ledger's start is the receipt the workflow gave (its limit only); PAUSE is assumed.
      expect(receipt[0]).toMatch(/"pinned":\{"version":\d+\}/);
      expect(receipt[0]).toMatch(/"limit":\{"unit":"\w+"/);
      for (const big of ['explanation', '"steps"', 'appointmentAt', 'overdueAt', '"start"', '"isDefault"', '"clockPolicy"']) expect(receipt[0]).not.toContain(big);
      await handle.terminate('end of test');
    });
  });

  it('a dossier the API filed: its run has the worker read its context ahead, and the acceptance writes its event in one call', async () => {
    const agency = await db('agencies').where('eid', '000.20.20.H29').first('id', 'eid');
    const procedure = await db('procedures').where('code', 'TP-SAOSOGOC').first('id');
    const file = async (tag: string) => {
      const { dossierId } = await storeSubmission(db, {
        caller: 'citizen:079199001234', key: crypto.randomUUID(), request: { tag }, channel: 'online', procedureId: procedure.id, agency, deliveryMethod: 'online',
        applicant: { fullName: 'Nguyễn Thị Hồng Nhung', idNumber: '079199001234' }, postalAddress: null, documents: [{ name: 'Tờ khai' }], submittedAt: new Date(),
      });
      // The API's process wrote the first event; a worker is another process, which holds nothing of it.
      forgetEventContext(dossierId);
      return dossierWorkflowInput(db, dossierId);
    };
    // The acceptance's calls of the function (its event is the dossier's second).
    const calls = new Map<number, number>();
    const count = (q: { sql: string; bindings?: unknown[] }) => {
      if (!q.sql.includes('record_dossier_event(')) return;
      const e = JSON.parse(String(q.bindings?.[0])) as { dossierId: number; seq: number };
      if (e.seq === 2) calls.set(e.dossierId, (calls.get(e.dossierId) ?? 0) + 1);
    };
    const accept = async (queue: string, sinks: WorkerOptions['sinks'], input: DossierWorkflowInput, before: () => Promise<void>) => {
      const worker = await Worker.create({ connection, taskQueue: queue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities: real, sinks });
      await worker.runUntil(async () => {
        const handle = await client.workflow.start('dossierWorkflow', { taskQueue: queue, workflowId: `fast-warm-${input.code}`, args: [input] });
        await before();
        expect(await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] })).toMatchObject({ status: 'RECEIVED', lastSeq: 2 });
        await handle.terminate('end of test');
      });
    };
    db.on('query', count);
    try {
      // The worker's own sinks (worker/dossier-worker.ts): the run's start reads the context before any action comes.
      const warmed = await file('warmed');
      expect(warmed.submitted).toBeDefined();
      await accept(`${taskQueue}-warm`, dossierWorkerSinks(db), warmed, async () => {
        for (let i = 0; i < 100 && !cachedEventContext(warmed.dossierId); i++) await new Promise((r) => setTimeout(r, 20));
        expect(cachedEventContext(warmed.dossierId)).toMatchObject({ version: (await fullContext(warmed.dossierId)).version });
      });
      expect(calls.get(warmed.dossierId)).toBe(1);
      // Without the read ahead, the same acceptance is answered "stale" once and written by a second call.
      const cold = await file('cold');
      await accept(`${taskQueue}-cold`, { dossierContext: { warm: { fn: () => undefined } } }, cold, async () => {
        await new Promise((r) => setTimeout(r, 200));
        expect(cachedEventContext(cold.dossierId)).toBeUndefined();
      });
      expect(calls.get(cold.dossierId)).toBe(2);
      expect(await db('dossier_events').where('dossier_id', warmed.dossierId).orderBy('seq').pluck('type')).toEqual(['submitted', 'intake_accepted']);
    } finally {
      db.off('query', count);
    }
  });
});
});
