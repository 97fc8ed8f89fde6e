import type { UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import * as contract from '../contracts/interagency-v1';
import type { LegStateView, LegWorkflowInput } from '../contracts/interagency-v1';
import { answerConsultation, legAssign, legFinish, legForward, legSendBack } from './actions';
import { Leg, type LegAction } from './state';

/**
 * An inter-agency leg (liên thông) or a consultation (xin ý kiến) of a lead agency's dossier
 * (issue 17, docs/domain.md §3.8): the other agency's own officers move it along its own steps,
 * on its own calendar and deadline, with its own history. It reports to the dossier's workflow by
 * signal (legReportSignal) as it moves and when it ends, so the lead dossier may continue as new.
 * Past its deadline it is marked late (the agency at fault), the lead agency is alerted, and it
 * keeps waiting; a consultation not answered by then ends unanswered.
 */
export async function legWorkflow(input: LegWorkflowInput): Promise<LegStateView> {
  const leg = new Leg(input);
  const on = <C>(update: UpdateDefinition<LegStateView, [C]>, action: LegAction<C>) =>
    setHandler(update, (cmd) => leg.exclusively(() => action.run(leg, cmd)), { validator: (cmd) => action.validate(leg, cmd) });

  // Handlers before the first await.
  setHandler(contract.legViewQuery, () => leg.view());
  on(contract.legForwardUpdate, legForward);
  on(contract.legSendBackUpdate, legSendBack);
  on(contract.legAssignUpdate, legAssign);
  on(contract.legFinishUpdate, legFinish);
  on(contract.answerConsultationUpdate, answerConsultation);
  setHandler(contract.chaseSignal, (chase) => void leg.state.chases.push(chase));
  setHandler(contract.cancelLegSignal, ({ reason }) => {
    leg.state.cancelReason = reason;
  });

  await leg.exclusively(() => leg.receive());
  const s = leg.state;
  for (;;) {
    // Until the deadline (once: a late leg keeps waiting without a timer), or something to do.
    const overdue = !s.late && s.dueAt !== null ? Math.max(1, Date.parse(s.dueAt) - Date.now()) : undefined;
    const something = () => s.status !== 'open' || s.chases.length > 0 || s.cancelReason !== null;
    const woke = overdue === undefined ? (await condition(something), true) : await condition(something, overdue);
    await condition(() => !s.busy);
    if (s.status !== 'open') break;
    if (s.busy) continue;
    if (s.cancelReason !== null) {
      await leg.exclusively(() => leg.cancelled());
      break;
    }
    if (s.chases.length > 0) {
      const chase = s.chases.shift()!;
      await leg.exclusively(() => leg.chased(chase));
      continue;
    }
    if (!woke && !s.late && s.dueAt !== null && Date.now() >= Date.parse(s.dueAt)) await leg.exclusively(() => leg.overdue());
  }
  await condition(allHandlersFinished);
  return leg.view();
}
