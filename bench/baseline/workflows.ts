/**
 * Baseline of scenario (b): the dossier happy path with everything of ours taken out. The
 * same Updates in the same order (accept at intake, proposal, decision) and the same number
 * of activities at the same points, each a no-op, on the same dev server: what the Temporal
 * server and SDK can do at best on this machine (the ceiling). Bundled on its own for the bench
 * worker; never part of workflows/index.ts. Deterministic: no Node built-ins, no I/O.
 */
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BaselineInput {
  code: string;
}

export interface BaselineView {
  code: string;
  status: string;
  seq: number;
}

export interface BaselineActivities {
  noop(input: { code: string; step: string; seq: number }): Promise<void>;
}

export const baselineAcceptUpdate = defineUpdate<BaselineView, [{ actor: string }]>('baselineAccept');
export const baselineProposeUpdate = defineUpdate<BaselineView, [{ actor: string }]>('baselinePropose');
export const baselineDecideUpdate = defineUpdate<BaselineView, [{ actor: string }]>('baselineDecide');

// The same activity options as the dossier workflow's read-model writes.
const act = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Activities per step, as in workflows/dossier/ for a procedure without a fee, delivered online:
 * start: feeDue, recordDossierEvent(submitted) = 2; accept: scheduleDeadline, recordDossierEvent,
 * notifyApplicant, assignSpecialist, recordDossierEvent = 5; proposal: recordDossierEvent = 1;
 * decision: issueResult, recordDossierEvent = 2; delivery: recordDossierEvent, notifyApplicant,
 * recordDossierEvent = 3. Thirteen in all, three Updates.
 */
export const BASELINE_ACTIVITIES = { start: 2, accept: 5, propose: 1, decide: 2, deliver: 3 } as const;

export async function baselineDossierWorkflow(input: BaselineInput): Promise<BaselineView> {
  let status = 'SUBMITTED';
  let busy = false;
  let seq = 0;
  let started = false;
  const view = (): BaselineView => ({ code: input.code, status, seq });

  const steps = async (step: keyof typeof BASELINE_ACTIVITIES) => {
    for (let i = 0; i < BASELINE_ACTIVITIES[step]; i++) {
      seq += 1;
      await act.noop({ code: input.code, step, seq });
    }
  };

  const exclusively = async (to: string, step: keyof typeof BASELINE_ACTIVITIES) => {
    busy = true;
    try {
      if (!started) await condition(() => started);
      await steps(step);
      status = to;
    } finally {
      busy = false;
    }
    return view();
  };

  const guard = (expected: string) => (_cmd: { actor: string }) => {
    if (busy) throw new Error('busy');
    if (status !== expected) throw new Error(`not in ${expected}`);
  };

  setHandler(baselineAcceptUpdate, (_cmd) => exclusively('IN_REVIEW', 'accept'), { validator: guard('SUBMITTED') });
  setHandler(baselineProposeUpdate, (_cmd) => exclusively('AWAITING_DECISION', 'propose'), { validator: guard('IN_REVIEW') });
  setHandler(baselineDecideUpdate, (_cmd) => exclusively('APPROVED', 'decide'), { validator: guard('AWAITING_DECISION') });

  await steps('start');
  started = true;
  await condition(() => status === 'APPROVED' && !busy);
  await steps('deliver');
  status = 'COMPLETED';
  await condition(allHandlersFinished);
  return view();
}
