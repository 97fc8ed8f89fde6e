import type { UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { AWAITING_SUPPLEMENT, isTerminal } from '../../domain/status';
import * as contract from '../contracts/dossier-v1';
import type { DossierOutcome, DossierView, DossierWorkflowInput } from '../contracts/dossier-v1';
import { assign, claim, release } from './assignment';
import { extendDeadline, pauseClock, reappoint, rebaseCalendar, resumeClock } from './clock';
import { watchDeadline } from './deadline';
import { cancel, decide, withdraw } from './decision';
import { deliverResult, handOverResult, recordShipmentEvent } from './delivery';
import { fixFeeAtSubmission, recordPayment } from './fees';
import { acceptIntake, refuseIntake, requestIntakeSupplement } from './intake';
import { closeUnsupplemented, proposeDecision, recordVerification, requestSupplement, scheduleVerification, submitSupplement } from './review';
import { chaseLeg, consult, queueReport, recordReports } from './legs';
import { worker } from './proxies';
import { currentStep } from './route';
import { Dossier, type Action, type CarriedDossierState } from './state';
import { forwardStep, issueResult, sendBack } from './steps';
import * as interagency from '../contracts/interagency-v1';

export type { CarriedDossierState } from './state';

/**
 * One dossier (hồ sơ) from submission to the result being handed back, or to its refusal,
 * closure, denial, withdrawal or stop (docs/domain.md §2.2). Every human action is an Update
 * whose validator refuses stale or unauthorised actions before anything is written to history;
 * the dossier's busy lock serialises actions that wait on activities, so two officers deciding
 * at once cannot both win. The phases live beside this file, one module each.
 */
export async function dossierWorkflow(input: DossierWorkflowInput, carried?: CarriedDossierState): Promise<DossierOutcome> {
  const d = new Dossier(input, carried);
  // While the follow-ups of an answered action hold the lock (fast path), an Update is let
  // through and waits for them, then is validated on the state they left (state.ts, exclusively).
  const on = <C>(update: UpdateDefinition<DossierView, [C]>, action: Action<C>) =>
    setHandler(update, (cmd) => d.exclusively(() => action.run(d, cmd), { answering: true, revalidate: () => action.validate(d, cmd) }), {
      validator: (cmd) => {
        if (!d.settling()) action.validate(d, cmd);
      },
    });

  // Handlers are registered before the first await, so no early update is lost.
  setHandler(contract.dossierViewQuery, () => d.view());
  // 1. Tiếp nhận: the one-stop officer receives the dossier, asks once for a supplement, or refuses it.
  on(contract.acceptIntakeUpdate, acceptIntake);
  on(contract.requestIntakeSupplementUpdate, requestIntakeSupplement);
  on(contract.refuseIntakeUpdate, refuseIntake);
  on(contract.submitSupplementUpdate, submitSupplement);
  // 2. Phân công: a leader assigns a specialist; a specialist claims or releases.
  on(contract.assignUpdate, assign);
  on(contract.claimUpdate, claim);
  on(contract.releaseUpdate, release);
  // 3. Thẩm định: review, one supplement during processing, on-site verification, the proposal.
  on(contract.requestSupplementUpdate, requestSupplement);
  on(contract.scheduleVerificationUpdate, scheduleVerification);
  on(contract.recordVerificationUpdate, recordVerification);
  on(contract.proposeDecisionUpdate, proposeDecision);
  // 4. Quyết định: approve, deny or return; before it, the citizen may withdraw or an officer stop it.
  on(contract.decideUpdate, decide);
  on(contract.withdrawUpdate, withdraw);
  on(contract.cancelUpdate, cancel);
  // Fees, paid online or at the counter, whenever they are due.
  on(contract.recordPaymentUpdate, recordPayment);
  // 5. Trả kết quả: at the counter, or by post until delivered or returned.
  on(contract.handOverResultUpdate, handOverResult);
  on(contract.recordShipmentEventUpdate, recordShipmentEvent);
  // The legal clock: extension, clock-excluded steps, the apology with a new date, a newer calendar.
  on(contract.extendDeadlineUpdate, extendDeadline);
  on(contract.pauseClockUpdate, pauseClock);
  on(contract.resumeClockUpdate, resumeClock);
  on(contract.reappointUpdate, reappoint);
  on(contract.rebaseCalendarUpdate, rebaseCalendar);
  // Internal procedures as data (issue 17): the steps of a routed dossier, its legs and consultations.
  on(interagency.forwardStepUpdate, forwardStep);
  on(interagency.sendBackUpdate, sendBack);
  on(interagency.issueResultUpdate, issueResult);
  on(interagency.consultUpdate, consult);
  on(interagency.chaseLegUpdate, chaseLeg);
  setHandler(interagency.legReportSignal, (report) => queueReport(d, report));

  // Warnings, overdue and escalations: started before any await so that it is part of every
  // run; it ends when the clock stops.
  if (d.state.deadline) void watchDeadline(d, d.state.deadline);
  // Children's reports are recorded one at a time; it issues no command until one arrives.
  void recordReports(d);
  // What answered actions left to do after their answer (fast path); no command until queued.
  void d.runFollowUps();
  // This worker reads the dossier's event context now, off the first action's path (no command: a hint).
  if (!workflowInfo().unsafe.isReplaying) worker.dossierContext.warm(input.dossierId);

  // Nộp hồ sơ: the fee is fixed, then the submission is the first event of the history.
  await fixFeeAtSubmission(d, !!carried);
  if (!carried) await d.recordSubmission();

  // Until a decision is issued or the dossier ends, handlers drive it; this loop watches the
  // citizen's supplement deadline and starts a fresh history when this one grows too long.
  for (;;) {
    const { state } = d;
    await condition(
      () => !state.busy && (AWAITING_SUPPLEMENT.includes(state.status) || state.status === 'APPROVED' || isTerminal(state.status) || d.historyTooLong()),
    );
    if (d.historyTooLong() && !isTerminal(state.status) && state.status !== 'APPROVED') {
      // Pending actions finish first; the supplement deadline is carried and re-armed.
      await condition(() => allHandlersFinished() && !state.busy);
      await continueAsNew<typeof dossierWorkflow>(input, { ...state, busy: false });
    }
    if (!AWAITING_SUPPLEMENT.includes(state.status) || state.pending?.kind !== 'supplement') break;
    const waitingIn = state.status;
    const remaining = Date.parse(state.pending.deadline) - Date.now();
    if (remaining > 0) {
      await condition(() => state.status !== waitingIn, remaining);
      continue;
    }
    await closeUnsupplemented(d);
  }

  // 5. Trả kết quả: once approved, the result goes back to the citizen and the dossier completes.
  if (d.state.status === 'APPROVED') {
    // Routed dossiers: relays and the issue step after the decision come first, then the return.
    const route = d.state.route;
    if (route) await condition(() => !d.state.busy && currentStep(route).kind === 'result');
    await deliverResult(d);
  }
  await condition(() => allHandlersFinished() && !d.state.busy);
  // Lean path: the outcome, not the whole view, stays in the completion event.
  return d.state.lean ? d.outcome() : d.view();
}
