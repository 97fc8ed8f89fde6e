import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { STEP_BUDGETS } from '../../db/seeds/04_deadline_settings';
import { SEEDED_VERSIONS } from '../../db/seeds/05_internal_procedures';
import { defaultSteps, type PinnedProcedure } from '../../domain/internal-procedure';
import type { Actor, OfficerRole } from '../../domain/types';
import {
  acceptIntakeUpdate,
  decideUpdate,
  dossierViewQuery,
  proposeDecisionUpdate,
  recordVerificationUpdate,
  scheduleVerificationUpdate,
  type DossierView,
} from '../../workflows/contracts/dossier-v1';
import { forwardStepUpdate, issueResultUpdate, legFinishUpdate, legForwardUpdate, legViewQuery, type LegStateView } from '../../workflows/contracts/interagency-v1';
import { LEADER, OFFICER, SPECIALIST } from '../helpers/mock-activities';
import { visitStartingNow } from '../helpers/site-visits';
import { recordHistory } from '../helpers/stack';
import { settledAnswers, useWorkflowHarness } from '../helpers/workflow-harness';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/**
 * Every seeded internal procedure version, as published in db/seeds/05_internal_procedures.ts
 * (the Hanoi 1594 structure with its deciding leg, the construction permit with its on-site
 * inspection) and a default path, driven end to end through the dossier workflow by whoever each
 * step names: no step of a seeded version may be one its officers cannot end.
 * Activities mocked; a working hour is a wall-clock hour, so no budget runs out here.
 */
const ACTOR: Partial<Record<OfficerRole, Actor>> = { one_stop_officer: OFFICER, specialist: SPECIALIST, leader: LEADER };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('seeded internal procedure versions, end to end (activities mocked)', () => {
  let pinned: PinnedProcedure;
  const { client, taskQueue, events, newWorker } = useWorkflowHarness({
    name: 'wf-seeded-versions',
    activities: {
      async pinInternalProcedure() {
        return pinned;
      },
    },
  });

  /** Retries an Update the dossier refuses only because it is busy recording a child's report. */
  async function act<T>(fn: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (err) {
        const reason = ((err as WorkflowUpdateFailedError).cause as ApplicationFailure | undefined)?.details?.[0] as { reason?: string } | undefined;
        if (reason?.reason !== 'DossierBusy' || i > 30) throw err;
        await sleep(150);
      }
    }
  }

  /** Drives the leg of the City office along its own steps, each by the role it names. */
  async function driveLeg(leg: WorkflowHandle): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      const v: LegStateView = await leg.query(legViewQuery);
      if (v.status !== 'open') return seen;
      if (!v.step) {
        await sleep(100); // just started: its first step is being opened
        continue;
      }
      const step = v.step;
      if (seen.at(-1) !== step.key) seen.push(step.key);
      const actor = ACTOR[step.role]!;
      if (step.kind === 'assignment') await sleep(200); // the least-loaded specialist is picked by itself
      else if (step.kind === 'decision' || step.kind === 'issue') await act(() => leg.executeUpdate(legFinishUpdate, { args: [{ actor, stepKey: step.key, outcome: 'approve' }] }));
      else await act(() => leg.executeUpdate(legForwardUpdate, { args: [{ actor, stepKey: step.key }] }));
    }
    throw new Error(`the leg did not end: ${seen.join(' → ')}`);
  }

  /** Drives the dossier from receipt to completion; the keys of the steps it held, in order. */
  async function drive(handle: WorkflowHandle): Promise<{ steps: string[]; legSteps: string[]; final: DossierView }> {
    const steps: string[] = [];
    let legSteps: string[] = [];
    await act(() => handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] }));
    for (let i = 0; i < 80; i++) {
      const v = await handle.query(dossierViewQuery);
      if (v.status === 'COMPLETED') return { steps, legSteps, final: v };
      const step = v.step;
      if (!step) {
        await sleep(200);
        continue;
      }
      if (steps.at(-1) !== step.key) steps.push(step.key);
      const actor = ACTOR[step.role]!;
      switch (step.kind) {
        case 'relay':
        case 'approval':
          await act(() => handle.executeUpdate(forwardStepUpdate, { args: [{ actor, stepKey: step.key }] }));
          break;
        case 'review': {
          const actions = pinned.steps.find((s) => s.key === step.key)!.actions;
          if (actions.includes('propose')) await act(() => handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: 'approve' }] }));
          else await act(() => handle.executeUpdate(forwardStepUpdate, { args: [{ actor: SPECIALIST, stepKey: step.key }] }));
          break;
        }
        case 'verification': {
          const visit = { ...(await visitStartingNow()), place: 'Khu đất xây dựng', officers: [SPECIALIST.fullName] };
          await act(() => handle.executeUpdate(scheduleVerificationUpdate, { args: [{ actor: SPECIALIST, visit, purpose: 'Kiểm tra hiện trạng khu đất' }] }));
          await act(() =>
            handle.executeUpdate(recordVerificationUpdate, { args: [{ actor: SPECIALIST, outcome: 'confirmed', findings: 'Đúng hiện trạng', attachments: [{ name: 'Biên bản kiểm tra', fileId: 'f1' }] }] }),
          );
          break;
        }
        case 'decision':
          await act(() => handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision: 'approve' }] }));
          break;
        case 'issue':
          await act(() => handle.executeUpdate(issueResultUpdate, { args: [{ actor, stepKey: step.key }] }));
          break;
        case 'leg': {
          const open = (v.legs ?? []).find((l) => l.kind === 'leg' && l.status === 'open');
          if (!open) {
            await sleep(200);
            break;
          }
          legSteps = await driveLeg(client.workflow.getHandle(open.workflowId));
          break;
        }
        default:
          // The assignment picks a specialist by itself; the result goes back online by itself.
          await sleep(200);
      }
    }
    throw new Error(`the dossier did not complete: ${steps.join(' → ')}`);
  }

  const versions: Array<[string, PinnedProcedure]> = [
    ['KT-HKD default path', { procedureCode: 'KT-HKD', version: 1, isDefault: false, steps: defaultSteps(STEP_BUDGETS['KT-HKD']!.budgets), consultations: [] }],
    ...Object.entries(SEEDED_VERSIONS).map(([code, doc]): [string, PinnedProcedure] => [code, { procedureCode: code, version: 2, isDefault: false, steps: doc.steps, consultations: doc.consultations ?? [] }]),
  ];

  for (const [name, version] of versions) {
    it(`${name}: every step is held in order, by its role, to the result`, async () => {
      pinned = version;
      events.length = 0;
      const worker = await newWorker();
      await worker.runUntil(async () => {
        const id = 8800 + (process.pid % 100) * 10 + versions.findIndex(([n]) => n === name);
        const handle = await client.workflow.start('dossierWorkflow', {
          taskQueue,
          workflowId: `seeded-${version.procedureCode}-${process.pid}-${Date.now()}`,
          args: [{ dossierId: id, code: `000.20.20.H29-261205-${id}`, agencyEid: '000.20.20.H29', procedureCode: version.procedureCode, channel: 'online', deliveryMethod: 'online', submittedAt: new Date().toISOString() }],
        });
        await sleep(300);
        const { steps, legSteps, final } = await drive(settledAnswers(handle));
        // Every step after intake was held, in the version's order (the assignment and the result pass by themselves).
        const expected = version.steps.filter((s) => s.kind !== 'intake').map((s) => s.key);
        expect(steps.filter((k) => expected.includes(k))).toEqual(expected.filter((k) => steps.includes(k)));
        expect(steps).toEqual(expect.arrayContaining(version.steps.filter((s) => !['intake', 'assignment', 'result'].includes(s.kind)).map((s) => s.key)));
        const leg = version.steps.find((s) => s.kind === 'leg');
        if (leg) expect(legSteps).toEqual(expect.arrayContaining(leg.steps!.filter((s) => s.kind !== 'assignment').map((s) => s.key)));
        expect(final).toMatchObject({ status: 'COMPLETED', procedureVersion: { version: version.version } });
        expect(final.resultNumber).toBeTruthy();
        // Each step entered opened its row of the sheet, with its budget.
        const opened = events.filter((e) => e.handoff?.open?.stepKey).map((e) => e.handoff!.open!.stepKey);
        expect(opened).toEqual(expect.arrayContaining(version.steps.filter((s) => s.kind !== 'intake' && s.kind !== 'result').map((s) => s.key)));
        // With RECORD_HISTORIES=1: the seeded versions' histories (and the leg's) for the replay test.
        if (process.env.RECORD_HISTORIES === '1') {
          recordHistory(`seeded-${version.procedureCode}`, historyToJSON(await handle.fetchHistory()));
          for (const l of final.legs ?? []) recordHistory(`seeded-${version.procedureCode}-${l.kind}-${l.agencyEid}`, historyToJSON(await client.workflow.getHandle(l.workflowId).fetchHistory()));
        }
      });
    }, 120_000);
  }
});
