import { ApplicationFailure, ChildWorkflowFailure, executeChild, ParentClosePolicy, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DossierStatus } from '../../domain/status';
import { chainViewQuery, type ChainActivities, type ChainView, type ChainWorkflowInput } from '../contracts/chain-v1';
import type { DossierView, DossierWorkflowInput } from '../contracts/dossier-v1';

/** Read-model writes and the next stage's creation must eventually succeed. */
const chain = proxyActivities<ChainActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Liên thông điện tử (ND 297/2025, docs/domain.md §3.8): the citizen submits once; each stage
 * is an ordinary dossier of its own agency, run as this workflow's child (the dossier workflow
 * unchanged: its officers, worklists, calendar and legal limit); when a stage is approved and
 * its result delivered (online, to the next agency), the next stage's dossier is created with
 * that result among its documents and started. A stage that ends otherwise (refused, denied,
 * withdrawn, stopped, closed) stops the chain: the later stages never start.
 */
export async function procedureChainWorkflow(input: ChainWorkflowInput): Promise<ChainView> {
  const view: ChainView = { code: input.code, status: 'IN_PROGRESS', currentStage: 1, stages: [], stop: null };
  setHandler(chainViewQuery, () => view);

  let stage = 1;
  let stageInput: DossierWorkflowInput = input.firstStage;
  let workflowId = input.firstWorkflowId;
  for (;;) {
    view.currentStage = stage;
    view.stages.push({ stage, code: stageInput.code, workflowId, outcome: null, resultNumber: null });
    await chain.markChainStage({ chainId: input.chainId, stage });
    let result: DossierView;
    try {
      result = await executeChild<(input: DossierWorkflowInput) => Promise<DossierView>>('dossierWorkflow', {
        workflowId,
        args: [stageInput],
        // The stage's dossier is its agency's: it finishes even if the chain were ended.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        taskQueue: workflowInfo().taskQueue,
      });
    } catch (err) {
      if (err instanceof ChildWorkflowFailure) throw ApplicationFailure.nonRetryable(`stage ${stage} (${stageInput.code}) failed: ${err.message}`, 'ChainStageFailed');
      throw err;
    }
    const current = view.stages[view.stages.length - 1]!;
    current.outcome = result.status;
    current.resultNumber = result.resultNumber;
    const at = new Date().toISOString();
    if (result.status !== 'COMPLETED') {
      view.status = 'STOPPED';
      view.stop = { stage, status: result.status };
      await chain.finishChain({ chainId: input.chainId, outcome: 'STOPPED', stage, stageStatus: result.status, at });
      return view;
    }
    if (stage >= input.stageCount) {
      view.status = 'COMPLETED';
      await chain.finishChain({ chainId: input.chainId, outcome: 'COMPLETED', stage, stageStatus: result.status satisfies DossierStatus, at });
      return view;
    }
    const next = await chain.createNextStage({ chainId: input.chainId, fromDossierId: stageInput.dossierId, stage: stage + 1 });
    stage += 1;
    stageInput = next.input;
    workflowId = next.workflowId;
  }
}
