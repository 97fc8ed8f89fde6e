import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { DossierActivities } from '../../activities';
import { chainViewQuery, type ChainActivities, type ChainWorkflowInput } from '../../workflows/contracts/chain-v1';
import { acceptIntakeUpdate, decideUpdate, dossierViewQuery, proposeDecisionUpdate, type DossierWorkflowInput } from '../../workflows/contracts/dossier-v1';
import { LEADER, OFFICER, SPECIALIST } from '../helpers/mock-activities';
import { useWorkflowHarness } from '../helpers/workflow-harness';

/**
 * The inter-agency chain (ND 297/2025) with its activities and the stages' activities mocked,
 * on the test dev server: each stage is the dossier workflow as a child; an approved and
 * delivered stage makes the next one from its result; a denial stops the chain.
 */
describe('procedure chain workflow (activities mocked)', () => {
  const run = Date.now() % 100_000;
  const STAGES = [
    { procedureCode: 'KT-HKD', agencyEid: '000.20.20.H29' },
    { procedureCode: 'CA-ANTT', agencyEid: '000.20.21.H29' },
    { procedureCode: 'VH-KARAOKE', agencyEid: '000.00.23.H29' },
  ];
  const stageInput = (chain: number, stage: number): DossierWorkflowInput => ({
    dossierId: chain * 10 + stage,
    code: `${STAGES[stage - 1]!.agencyEid}-261205-${String(run).padStart(5, '0')}${chain}${stage}`,
    agencyEid: STAGES[stage - 1]!.agencyEid,
    procedureCode: STAGES[stage - 1]!.procedureCode,
    channel: 'online',
    deliveryMethod: 'online',
    submittedAt: new Date().toISOString(),
  });
  const wfId = (input: DossierWorkflowInput) => `chain-test-dossier-${input.code}`;

  const calls: { marked: Array<{ chainId: number; stage: number }>; created: Array<{ chainId: number; fromDossierId: number; stage: number }>; finished: Array<Parameters<ChainActivities['finishChain']>[0]> } = { marked: [], created: [], finished: [] };
  const chainMocks: ChainActivities = {
    async markChainStage(input) {
      calls.marked.push(input);
    },
    async createNextStage(input) {
      calls.created.push(input);
      const next = stageInput(input.chainId, input.stage);
      return { input: next, workflowId: wfId(next) };
    },
    async finishChain(input) {
      calls.finished.push(input);
    },
  };
  let resultNo = 0;
  const { client, taskQueue, newWorker } = useWorkflowHarness({
    name: 'wf-chain',
    activities: {
      ...(chainMocks as unknown as Partial<DossierActivities>),
      async issueResult(input) {
        resultNo += 1;
        return { number: `${String(resultNo).padStart(4, '0')}/2026/KQ-${input.agencyEid}` };
      },
    },
  });

  const chainInput = (chainId: number): ChainWorkflowInput => {
    const first = stageInput(chainId, 1);
    return { chainId, code: first.code, chainCode: 'LT-297-KARAOKE', stageCount: 3, firstStage: first, firstWorkflowId: wfId(first) };
  };

  /** The stage's dossier workflow, once the chain has started it. */
  async function stageHandle(input: DossierWorkflowInput): Promise<WorkflowHandle> {
    const handle = client.workflow.getHandle(wfId(input));
    for (let i = 0; i < 100; i++) {
      try {
        await handle.query(dossierViewQuery);
        return handle;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`stage ${input.code} never started`);
  }

  /** One stage through its agency: received, proposed, decided. */
  async function processStage(input: DossierWorkflowInput, decision: 'approve' | 'deny') {
    const handle = await stageHandle(input);
    await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor: OFFICER }] });
    const reasons = decision === 'deny' ? ['Địa điểm kinh doanh không bảo đảm điều kiện về an ninh, trật tự'] : undefined;
    await handle.executeUpdate(proposeDecisionUpdate, { args: [{ actor: SPECIALIST, proposal: decision, reasons }] });
    await handle.executeUpdate(decideUpdate, { args: [{ actor: LEADER, decision, reasons }] });
    return handle.result();
  }

  it('runs the three stages one after the other, each made from the previous result, and completes', async () => {
    const chainId = 1;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const chain = await client.workflow.start('procedureChainWorkflow', { taskQueue, workflowId: `chain-test-${run}-${chainId}`, args: [chainInput(chainId)] });
      for (const stage of [1, 2, 3]) {
        const done = await processStage(stageInput(chainId, stage), 'approve');
        expect(done.status).toBe('COMPLETED');
        expect(done.resultNumber).toMatch(new RegExp(`/KQ-${STAGES[stage - 1]!.agencyEid.replace(/\./g, '\\.')}$`));
      }
      const view = await chain.result();
      expect(view).toMatchObject({ status: 'COMPLETED', currentStage: 3, stop: null });
      expect(view.stages.map((s: { stage: number; outcome: string }) => [s.stage, s.outcome])).toEqual([
        [1, 'COMPLETED'],
        [2, 'COMPLETED'],
        [3, 'COMPLETED'],
      ]);
      expect(view.stages.every((s: { resultNumber: string | null }) => s.resultNumber)).toBe(true);
      expect(await chain.query(chainViewQuery)).toEqual(view);
    });
    // Each next stage is made from the stage before it.
    expect(calls.created.filter((c) => c.chainId === chainId)).toEqual([
      { chainId, fromDossierId: 11, stage: 2 },
      { chainId, fromDossierId: 12, stage: 3 },
    ]);
    expect(calls.marked.filter((c) => c.chainId === chainId).map((c) => c.stage)).toEqual([1, 2, 3]);
    expect(calls.finished.filter((c) => c.chainId === chainId)).toEqual([expect.objectContaining({ outcome: 'COMPLETED', stage: 3, stageStatus: 'COMPLETED' })]);
  });

  it('stops at a denied stage: the later stages never start', async () => {
    const chainId = 2;
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const chain = await client.workflow.start('procedureChainWorkflow', { taskQueue, workflowId: `chain-test-${run}-${chainId}`, args: [chainInput(chainId)] });
      expect((await processStage(stageInput(chainId, 1), 'approve')).status).toBe('COMPLETED');
      expect((await processStage(stageInput(chainId, 2), 'deny')).status).toBe('DENIED');
      const view = await chain.result();
      expect(view).toMatchObject({ status: 'STOPPED', currentStage: 2, stop: { stage: 2, status: 'DENIED' } });
      expect(view.stages).toHaveLength(2);
    });
    expect(calls.created.filter((c) => c.chainId === chainId)).toEqual([{ chainId, fromDossierId: 21, stage: 2 }]);
    expect(calls.finished.filter((c) => c.chainId === chainId)).toEqual([expect.objectContaining({ outcome: 'STOPPED', stage: 2, stageStatus: 'DENIED' })]);
    await expect(client.workflow.getHandle(wfId(stageInput(chainId, 3))).describe()).rejects.toThrow();
  });
});
