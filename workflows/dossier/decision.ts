import type { CancelCommand, DecideCommand, WithdrawCommand } from '../contracts/dossier-v1';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import { cancelOpenLegs } from './legs';
import { advance, arrive, currentStep, enterStep, issuedLater, landingStatus, routeOf, stepIndex } from './route';
import { LEADERS_UNIT, ONE_STOP_UNIT, type Action, type Dossier, type Transition } from './state';

/**
 * Quyết định (docs/domain.md §2.2, §3.3, §3.7): the leader approves (a numbered result), denies (a
 * reasoned notice) or returns the dossier to the specialist. Before any decision the citizen may
 * withdraw and an officer may stop it; either way a numbered stop notice is issued (Form 05).
 */

export const decide: Action<DecideCommand> = {
  validate(d, cmd) {
    d.allow('decide', cmd.actor);
    if (!['approve', 'deny', 'return'].includes(cmd.decision)) d.invalid(`Quyết định "${String(cmd.decision)}" không hợp lệ.`);
    if (cmd.decision === 'deny') d.requireTexts(cmd.reasons, 'reasons');
    if (cmd.decision === 'return') d.requireText(cmd.note, 'note (ý kiến cho chuyên viên)');
    const r = routeOf(d);
    if (r && cmd.decision === 'return') {
      const back = currentStep(r).sendBackTo?.[0];
      if (!back || !landingStatus(r, d.state.status, stepIndex(r, back))) {
        d.refuse(`Bước phê duyệt của hồ sơ ${d.code} không quy định trả lại bước trước.`, FAILURE_TYPES.invalidState, 'SendBackTargetNotAllowed');
      }
    }
  },
  async run(d, cmd) {
    const { input, state } = d;
    const leader = { actor: cmd.actor, role: 'leader' as const };
    const r = routeOf(d);
    if (r && cmd.decision === 'return') {
      // Trả lại: to the step the version names (the first of sendBackTo).
      const target = stepIndex(r, currentStep(r).sendBackTo![0]!);
      const to = landingStatus(r, state.status, target)!;
      const giver = { id: cmd.actor.userId, unit: cmd.actor.fullName };
      const back = await enterStep(d, target, giver);
      await d.transition({ ...back, to, type: 'returned_to_specialist', by: leader, data: { note: cmd.note ?? null, toStep: currentStep(r).key } });
      await d.afterAnswer(() => arrive(d, giver));
      return d.view();
    }
    if (r && cmd.decision === 'approve' && issuedLater(r)) {
      // The result is numbered and issued at the version's issue step, not at the signature.
      const decidedAt = d.now();
      await advance(d, 'approved', leader, { id: cmd.actor.userId, unit: cmd.actor.fullName }, {
        to: 'APPROVED',
        projection: { decidedBy: cmd.actor.userId, decidedAt },
        data: { decision: cmd.decision, note: cmd.note ?? null, resultNumber: null },
      });
      return d.view();
    }
    if (cmd.decision === 'return') {
      await d.transition({
        to: 'IN_REVIEW',
        type: 'returned_to_specialist',
        by: leader,
        data: { note: cmd.note ?? null },
        handoff: {
          close: true,
          open: {
            step: 'review',
            giverId: cmd.actor.userId,
            giverUnit: cmd.actor.fullName,
            receiverId: state.assignee?.userId ?? null,
            receiverUnit: state.assignee?.fullName ?? LEADERS_UNIT,
            dueAt: state.appointmentAt,
          },
        },
      });
      return d.view();
    }
    const decidedAt = d.now();
    const issue = {
      dossierId: input.dossierId,
      agencyEid: input.agencyEid,
      procedureCode: input.procedureCode,
      signerId: cmd.actor.userId,
      issuedAt: decidedAt,
      ...(cmd.decision === 'deny' ? { kind: 'denial_notice' as const } : {}),
    };
    const denied = (number: string | null): Transition => ({
      to: 'DENIED',
      type: 'denied',
      by: leader,
      projection: { decidedBy: cmd.actor.userId, decidedAt, ...(number !== null ? { resultNumber: number } : {}), closingReason: cmd.reasons!.join('; ') },
      data: { decision: 'deny', reasons: cmd.reasons, note: cmd.note ?? null, noticeNumber: number },
      handoff: { close: true },
      notify: 'denied',
    });
    const approved = (number: string | null): Transition => ({
      to: 'APPROVED',
      type: 'approved',
      by: leader,
      projection: { decidedBy: cmd.actor.userId, decidedAt, ...(number !== null ? { resultNumber: number } : {}) },
      data: { decision: cmd.decision, note: cmd.note ?? null, resultNumber: number },
      handoff: { close: true, open: { step: 'result', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: state.appointmentAt } },
    });
    if (state.lean && !r) {
      // Lean path (patch small-markers-v1): numbered and recorded in one local activity, the
      // number filled into the event there; the answer carries it.
      const numberAt = cmd.decision === 'deny' ? ('noticeNumber' as const) : ('resultNumber' as const);
      await d.transition(cmd.decision === 'deny' ? denied(null) : approved(null), async (event) => {
        state.resultNumber = (await d.rec.issueAndRecord({ issue, event, numberAt })).number;
      });
      return d.view();
    }
    const result = await d.rec.issueResult(issue);
    state.resultNumber = result.number;
    if (cmd.decision === 'deny') {
      await d.transition(denied(result.number));
      return d.view();
    }
    if (r) {
      await advance(d, 'approved', leader, { id: cmd.actor.userId, unit: cmd.actor.fullName }, {
        to: 'APPROVED',
        projection: { decidedBy: cmd.actor.userId, decidedAt, resultNumber: result.number },
        data: { decision: cmd.decision, note: cmd.note ?? null, resultNumber: result.number },
      });
      return d.view();
    }
    await d.transition(approved(result.number));
    return d.view();
  },
};

/** Thông báo dừng giải quyết hồ sơ (TT 03/2025 art. 7, Form 05): numbered, on record (patched: older runs had none). */
async function stopNotice(d: Dossier, signerId: number | null): Promise<string | null> {
  if (!d.since('stop-notice-v1')) return null;
  const notice = await d.rec.issueResult({
    dossierId: d.input.dossierId,
    agencyEid: d.input.agencyEid,
    procedureCode: d.input.procedureCode,
    signerId,
    issuedAt: d.now(),
    kind: 'stop_notice',
  });
  d.state.resultNumber = notice.number;
  return notice.number;
}

/**
 * The stop event, the open legs cancelled and the citizen told. The old path keeps its order
 * (event, the children's cancel signals, then the message activity); on the fast path the message
 * goes with the event and the signals follow the answer (legs.ts).
 */
async function stopped(d: Dossier, event: Transition, reason: string): Promise<void> {
  if (d.state.fast) {
    await d.transition(event);
    await cancelOpenLegs(d, reason);
    return;
  }
  const { notify, ...rest } = event;
  await d.transition(rest);
  await cancelOpenLegs(d, reason);
  await d.notify(notify!);
}

/** The citizen's own request to stop, before any decision (ND 118 art. 21). */
export const withdraw: Action<WithdrawCommand> = {
  validate(d, cmd) {
    d.allow('withdraw', null);
    d.requireText(cmd.reason, 'reason');
  },
  async run(d, cmd) {
    d.state.pending = null;
    const notice = await stopNotice(d, null);
    await stopped(d, {
      to: 'WITHDRAWN',
      type: 'withdrawn',
      by: { applicant: true },
      projection: { closingReason: cmd.reason, pendingAction: null, ...(notice ? { resultNumber: notice } : {}) },
      data: { reason: cmd.reason, noticeNumber: notice },
      handoff: { close: true },
      notify: 'withdrawn',
    }, cmd.reason);
    return d.view();
  },
};

/** An officer stops processing, with a reason. */
export const cancel: Action<CancelCommand> = {
  validate(d, cmd) {
    d.allow('cancel', cmd.actor);
    d.requireText(cmd.reason, 'reason');
  },
  async run(d, cmd) {
    d.state.pending = null;
    const role = cmd.actor.roles.includes('leader') ? 'leader' : 'one_stop_officer';
    const notice = await stopNotice(d, cmd.actor.userId);
    await stopped(d, {
      to: 'CANCELLED',
      type: 'cancelled',
      by: { actor: cmd.actor, role },
      projection: { closingReason: cmd.reason, pendingAction: null, ...(notice ? { resultNumber: notice } : {}) },
      data: { reason: cmd.reason, noticeNumber: notice },
      handoff: { close: true },
      notify: 'cancelled',
    }, cmd.reason);
    return d.view();
  },
};
