import { condition, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import { cancelLegSignal, chaseSignal, type ChaseLegCommand, type ConsultCommand, type LegReport } from '../contracts/interagency-v1';
import { advance, arrive, currentStep, enterStep, landingStatus, routeOf, startConsultation, stepIndex } from './route';
import type { Action, Dossier } from './state';
import type { RouteState } from './types';

/**
 * The lead agency's side of inter-agency legs and consultations (issue 17): the children report
 * by signal; the reports are queued in the state (so a continued run keeps them) and recorded
 * one at a time under the dossier's busy lock, like any action.
 */

/** The signal handler: queue only (handlers must not race the lock). */
export function queueReport(d: Dossier, report: LegReport): void {
  d.state.route?.reports.push(report);
}

/** Records queued reports for the life of the run; no commands while nothing is queued. */
export async function recordReports(d: Dossier): Promise<void> {
  const s = d.state;
  for (;;) {
    await condition(() => (s.route?.reports.length ?? 0) > 0 && !s.busy && s.submissionRecorded);
    if (s.busy) continue;
    const report = s.route!.reports.shift()!;
    try {
      await d.exclusively(() => applyReport(d, s.route!, report));
    } catch (err) {
      // A report the dossier cannot apply (its state moved on) must not fail the workflow task
      // for ever: the state is back at the last written event, the report is dropped and logged.
      log.warn('leg report not applied', { workflowId: report.workflowId, status: report.status, error: (err as Error).message });
    }
  }
}

async function applyReport(d: Dossier, r: RouteState, rep: LegReport): Promise<void> {
  const leg = r.legs.find((l) => l.workflowId === rep.workflowId);
  if (!leg || leg.status !== 'open') return;
  const stepChanged = (rep.step?.key ?? null) !== (leg.step?.key ?? null);
  const becameLate = rep.late && !leg.late;
  leg.late = leg.late || rep.late;
  if (rep.dueAt !== undefined) leg.dueAt = rep.dueAt;
  if (rep.step !== undefined) leg.step = rep.step;
  const base = { workflowId: leg.workflowId, agencyEid: leg.agencyEid, stepKey: leg.stepKey };
  if (becameLate) {
    // The agency at fault for the delay: it issues the apology (Form 04) and the reports count it.
    r.faultAgencyEid = leg.agencyEid;
    await d.transition({ to: d.state.status, type: leg.kind === 'leg' ? 'leg_late' : 'consultation_late', by: null, projection: { faultAgencyEid: leg.agencyEid }, data: { ...base, dueAt: leg.dueAt } });
  }
  if (rep.status === 'open') {
    if (stepChanged) await d.transition({ to: d.state.status, type: 'leg_progress', by: null, data: { ...base, step: rep.step ?? null } });
    return;
  }
  leg.status = rep.status;
  leg.finishedAt = rep.at;
  leg.resultNumber = rep.resultNumber ?? null;
  leg.reasons = rep.reasons ?? null;
  if (leg.kind === 'consultation') {
    leg.opinion = rep.opinion ?? null;
    leg.agrees = rep.agrees ?? null;
    const type = rep.status === 'answered' ? 'consultation_answered' : 'consultation_unanswered';
    await d.transition({ to: d.state.status, type, by: null, data: { ...base, opinion: leg.opinion, agrees: leg.agrees, late: leg.late } });
    return;
  }
  if (rep.status === 'cancelled') return;
  const step = r.procedure.steps[stepIndex(r, leg.stepKey)]!;
  // The leg's result arrives for the step the dossier holds; anything else is history only.
  const held = currentStep(r).key === leg.stepKey;
  const giver = { id: null, unit: step.unit };
  if (rep.status === 'result') {
    if (!held) return;
    const decidedAt = rep.at;
    if (step.decides) {
      d.state.resultNumber = rep.resultNumber ?? null;
      await advance(d, 'leg_result', null, giver, {
        to: 'APPROVED',
        projection: { decidedAt, ...(rep.resultNumber ? { resultNumber: rep.resultNumber } : {}) },
        data: { ...base, resultNumber: rep.resultNumber ?? null, late: leg.late, decides: true },
      });
      return;
    }
    await advance(d, 'leg_result', null, giver, { data: { ...base, resultNumber: rep.resultNumber ?? null, late: leg.late } });
    return;
  }
  if (rep.status === 'denied' && step.decides) {
    if (!held) return;
    // The denial notice is numbered by the deciding agency.
    d.state.resultNumber = rep.resultNumber ?? null;
    await d.transition({
      to: 'DENIED',
      type: 'leg_denied',
      by: null,
      projection: { decidedAt: rep.at, closingReason: (rep.reasons ?? []).join('; '), ...(rep.resultNumber ? { resultNumber: rep.resultNumber } : {}), routeStep: null },
      data: { ...base, reasons: rep.reasons ?? [], noticeNumber: rep.resultNumber ?? null },
      handoff: { close: true },
      notify: 'denied',
    });
    return;
  }
  // Refused (or denied by a leg that does not decide): the dossier goes back to the lead agency,
  // to the step the version names, whose officers decide what follows.
  if (!held) return;
  const target = step.sendBackTo?.[0] ? stepIndex(r, step.sendBackTo[0]) : r.at - 1;
  const to = landingStatus(r, d.state.status, target) ?? d.state.status;
  const next = await enterStep(d, target, giver);
  await d.transition({ ...next, to, type: rep.status === 'denied' ? 'leg_denied' : 'leg_refused', by: null, data: { ...base, reasons: rep.reasons ?? [], toStep: currentStep(r).key } });
  await d.afterAnswer(() => arrive(d, giver));
}

/** Xin ý kiến: the step's officer asks the agencies the version provides for, in parallel. */
export const consult: Action<ConsultCommand> = {
  validate(d, cmd) {
    d.allow('consult', cmd.actor, { stepKey: cmd.stepKey });
    const r = routeOf(d)!;
    if (!Array.isArray(cmd.requests) || cmd.requests.length === 0 || cmd.requests.length > 20) d.invalid('Cần nêu từ 1 đến 20 cơ quan được xin ý kiến (requests).');
    const seen = new Set<string>();
    for (const q of cmd.requests) {
      if (!r.procedure.consultations.some((c) => c.agencyEid === q?.agencyEid)) {
        d.refuse(`Quy trình nội bộ của hồ sơ ${d.code} không quy định xin ý kiến cơ quan ${String(q?.agencyEid)}.`, FAILURE_TYPES.invalidInput, 'ConsultationNotProvided');
      }
      if (seen.has(q.agencyEid)) d.invalid(`Cơ quan ${q.agencyEid} được nêu hai lần.`);
      seen.add(q.agencyEid);
      d.requireText(q.question, 'requests[].question');
      if (r.legs.some((l) => l.kind === 'consultation' && l.agencyEid === q.agencyEid && l.status === 'open')) {
        d.refuse(`Đang chờ ý kiến của cơ quan ${q.agencyEid}; không gửi lại khi chưa có trả lời hoặc chưa hết hạn.`, FAILURE_TYPES.invalidState, 'ConsultationsPending');
      }
    }
  },
  async run(d, cmd) {
    const r = routeOf(d)!;
    for (const q of cmd.requests) await startConsultation(d, r, q.agencyEid, q.question);
    return d.view();
  },
};

/** Đôn đốc: the lead agency chases a leg or consultation; its officers are alerted. */
export const chaseLeg: Action<ChaseLegCommand> = {
  validate(d, cmd) {
    d.allow('chaseLeg', cmd.actor);
    const leg = routeOf(d)?.legs.find((l) => l.workflowId === cmd.workflowId);
    if (!leg || leg.status !== 'open') d.refuse(`Hồ sơ ${d.code} không có bước liên thông hay xin ý kiến đang mở mang mã ${String(cmd.workflowId)}.`, FAILURE_TYPES.invalidState, 'NoOpenLeg');
  },
  async run(d, cmd) {
    const leg = routeOf(d)!.legs.find((l) => l.workflowId === cmd.workflowId)!;
    const at = d.now();
    await getExternalWorkflowHandle(leg.workflowId).signal(chaseSignal, { byUserId: cmd.actor.userId, note: cmd.note ?? null, at });
    leg.chasedAt = at;
    await d.transition({ to: d.state.status, type: 'leg_chased', by: { actor: cmd.actor, role: cmd.actor.roles.includes('leader') ? 'leader' : cmd.actor.roles[0]! }, data: { workflowId: leg.workflowId, agencyEid: leg.agencyEid, note: cmd.note ?? null } });
    return d.view();
  },
};

/** The dossier stopped or was withdrawn: its open legs and consultations end without a result. */
export async function cancelOpenLegs(d: Dossier, reason: string): Promise<void> {
  const r = routeOf(d);
  if (!r) return;
  if (d.state.fast) {
    // The answer shows them cancelled; telling the children does not decide it, so it follows.
    const open = r.legs.filter((l) => l.status === 'open');
    for (const leg of open) {
      leg.status = 'cancelled';
      leg.finishedAt = d.now();
    }
    await d.afterAnswer(async () => {
      for (const leg of open) {
        try {
          await getExternalWorkflowHandle(leg.workflowId).signal(cancelLegSignal, { reason });
        } catch {
          // Already ended: nothing left to cancel.
        }
      }
    });
    return;
  }
  for (const leg of r.legs.filter((l) => l.status === 'open')) {
    leg.status = 'cancelled';
    leg.finishedAt = d.now();
    try {
      await getExternalWorkflowHandle(leg.workflowId).signal(cancelLegSignal, { reason });
    } catch {
      // Already ended: nothing left to cancel.
    }
  }
}
