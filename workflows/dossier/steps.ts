import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { ForwardStepCommand, IssueResultCommand, SendBackCommand } from '../contracts/interagency-v1';
import { advance, arrive, currentStep, enterStep, landingStatus, routeOf, stepIndex } from './route';
import type { Action } from './state';

/**
 * The step Updates of a routed dossier (issue 17): forward to the next step, send back to a step
 * the version names (with a reason), and number and issue the result at the issue step.
 */

/** Chuyển bước: the step's officer passes the dossier on (trình, chuyển). */
export const forwardStep: Action<ForwardStepCommand> = {
  validate(d, cmd) {
    d.allow('forwardStep', cmd.actor, { stepKey: cmd.stepKey });
  },
  async run(d, cmd) {
    const step = currentStep(routeOf(d)!);
    await advance(d, 'step_forwarded', { actor: cmd.actor, role: step.role }, { id: cmd.actor.userId, unit: cmd.actor.fullName }, { data: { note: cmd.note ?? null } });
    return d.view();
  },
};

/** Trả lại: back to an earlier step the version names, with a reason; the status follows that step. */
export const sendBack: Action<SendBackCommand> = {
  validate(d, cmd) {
    d.allow('sendBack', cmd.actor, { stepKey: cmd.stepKey });
    d.requireText(cmd.reason, 'reason');
    const r = routeOf(d)!;
    const step = currentStep(r);
    if (!(step.sendBackTo ?? []).includes(cmd.toStep)) {
      d.refuse(
        `Bước «${step.name}» chỉ được trả lại ${(step.sendBackTo ?? []).map((k) => `«${r.procedure.steps[stepIndex(r, k)]?.name ?? k}»`).join(' hoặc ')}, không trả về bước "${String(cmd.toStep)}".`,
        FAILURE_TYPES.invalidInput,
        'SendBackTargetNotAllowed',
      );
    }
    if (!landingStatus(r, d.state.status, stepIndex(r, cmd.toStep))) {
      d.refuse(`Không thể trả hồ sơ ${d.code} về bước "${cmd.toStep}" từ trạng thái hiện tại.`, FAILURE_TYPES.invalidState, 'SendBackTargetNotAllowed');
    }
  },
  async run(d, cmd) {
    const r = routeOf(d)!;
    const from = currentStep(r);
    const target = stepIndex(r, cmd.toStep);
    const to = landingStatus(r, d.state.status, target)!;
    // Back before the assignment: whoever held it is no longer the assignee.
    const clearAssignee = r.procedure.steps[target]!.kind === 'assignment';
    if (clearAssignee) d.state.assignee = null;
    const next = await enterStep(d, target, { id: cmd.actor.userId, unit: cmd.actor.fullName });
    await d.transition({
      ...next,
      to,
      type: 'sent_back',
      by: { actor: cmd.actor, role: from.role },
      projection: { ...next.projection, ...(clearAssignee ? { assigneeId: null } : {}) },
      data: { stepKey: from.key, toStep: cmd.toStep, reason: cmd.reason },
    });
    if (!clearAssignee) await d.afterAnswer(() => arrive(d, { id: cmd.actor.userId, unit: cmd.actor.fullName }));
    return d.view();
  },
};

/** Vào số, phát hành: the approved result gets its number at the issue step. */
export const issueResult: Action<IssueResultCommand> = {
  validate(d, cmd) {
    d.allow('issueResult', cmd.actor, { stepKey: cmd.stepKey });
  },
  async run(d, cmd) {
    const { input, state } = d;
    const step = currentStep(routeOf(d)!);
    const issuedAt = d.now();
    const result = await d.rec.issueResult({ dossierId: input.dossierId, agencyEid: input.agencyEid, procedureCode: input.procedureCode, signerId: cmd.actor.userId, issuedAt });
    state.resultNumber = result.number;
    await advance(d, 'result_issued', { actor: cmd.actor, role: step.role }, { id: cmd.actor.userId, unit: cmd.actor.fullName }, {
      projection: { resultNumber: result.number },
      data: { resultNumber: result.number, issuedAt },
    });
    return d.view();
  },
};
