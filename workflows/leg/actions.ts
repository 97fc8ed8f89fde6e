import { patched } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { AnswerConsultationCommand, ForwardStepCommand, LegAssignCommand, LegFinishCommand, SendBackCommand } from '../contracts/interagency-v1';
import { record } from './proxies';
import type { LegAction } from './state';

/** The leg agency's officers move the leg along its own steps, as the dossier's officers do theirs. */

export const legForward: LegAction<ForwardStepCommand> = {
  validate(leg, cmd) {
    const step = leg.requireStep(cmd, 'chuyển bước tiếp theo');
    // Inside a leg a review step's proposal (dự thảo, trình) is passed on to the next step: there is no decision of the lead's to propose to.
    const passesOn = step.actions.includes('forward') || (step.kind === 'review' && step.actions.includes('propose'));
    if (!passesOn) leg.refuse(`Bước «${step.name}» không có thao tác chuyển bước tiếp theo.`, FAILURE_TYPES.invalidState, 'StepActionNotAllowed');
    if (leg.state.at + 1 >= leg.steps.length) leg.refuse(`Bước «${step.name}» là bước cuối của cơ quan phối hợp: kết thúc phần liên thông bằng kết quả hoặc từ chối.`, FAILURE_TYPES.invalidState, 'StepActionNotAllowed');
  },
  async run(leg, cmd) {
    const step = leg.steps[leg.state.at]!;
    await leg.moveTo(leg.state.at + 1, 'leg_step_forwarded', { actor: cmd.actor, role: step.role }, { note: cmd.note ?? null });
    return leg.view();
  },
};

export const legSendBack: LegAction<SendBackCommand> = {
  validate(leg, cmd) {
    const step = leg.requireStep(cmd, 'trả lại bước trước');
    if (typeof cmd.reason !== 'string' || !cmd.reason.trim()) leg.invalid('Trường reason là bắt buộc.');
    if (!step.actions.includes('send_back') || !(step.sendBackTo ?? []).includes(cmd.toStep)) {
      leg.refuse(`Bước «${step.name}» không được trả lại bước "${String(cmd.toStep)}".`, FAILURE_TYPES.invalidInput, 'SendBackTargetNotAllowed');
    }
  },
  async run(leg, cmd) {
    const step = leg.steps[leg.state.at]!;
    const target = leg.steps.findIndex((s) => s.key === cmd.toStep);
    if (leg.steps[target]!.kind === 'assignment') leg.state.assignee = null;
    await leg.moveTo(target, 'leg_sent_back', { actor: cmd.actor, role: step.role }, { reason: cmd.reason });
    return leg.view();
  },
};

export const legAssign: LegAction<LegAssignCommand> = {
  validate(leg, cmd) {
    const step = leg.requireStep(cmd, 'phân công chuyên viên');
    if (step.kind !== 'assignment') leg.refuse(`Bước «${step.name}» không phải bước phân công chuyên viên.`, FAILURE_TYPES.invalidState, 'StepActionNotAllowed');
    if (!Number.isInteger(cmd.specialist?.userId)) leg.invalid('Cần chọn chuyên viên được phân công (specialist).');
  },
  async run(leg, cmd) {
    leg.state.assignee = cmd.specialist;
    await leg.moveTo(leg.state.at + 1, 'leg_assigned', { actor: cmd.actor, role: 'leader' }, { assignee: cmd.specialist });
    return leg.view();
  },
};

/**
 * The leg ends: approve at its decision step (at its issue step when one follows the decision, or
 * at its last step when it has no decision) issues the
 * result under the leg agency's number when its result is the dossier's decision; deny at the
 * decision step, with reasons; refuse at any step gives the dossier back to the lead agency.
 */
export const legFinish: LegAction<LegFinishCommand> = {
  validate(leg, cmd) {
    const step = leg.requireStep(cmd, 'kết thúc phần liên thông');
    const hasDecision = leg.steps.some((s) => s.kind === 'decision');
    if (!['approve', 'deny', 'refuse'].includes(cmd.outcome)) leg.invalid(`Kết quả "${String(cmd.outcome)}" không hợp lệ.`);
    const atDecision = step.kind === 'decision' || (!hasDecision && leg.state.at === leg.steps.length - 1);
    // Vào số, phát hành: the clerk's issue step after the decision gives the approved result.
    const atIssue = step.kind === 'issue' && cmd.outcome === 'approve';
    if (cmd.outcome !== 'refuse' && !atDecision && !atIssue) {
      leg.refuse(`Chỉ bước phê duyệt của cơ quan phối hợp mới ra kết quả; hồ sơ ${leg.input.code} đang ở bước «${step.name}».`, FAILURE_TYPES.invalidState, 'StepActionNotAllowed');
    }
    if (cmd.outcome !== 'approve' && (!Array.isArray(cmd.reasons) || cmd.reasons.length === 0 || cmd.reasons.some((r) => typeof r !== 'string' || !r.trim()))) {
      leg.invalid('Cần nêu lý do (reasons) khi không giải quyết hoặc trả lại hồ sơ.');
    }
  },
  async run(leg, cmd) {
    const { input, state: s } = leg;
    const step = leg.steps[s.at]!;
    const by = { actor: cmd.actor, role: step.role };
    if (cmd.outcome === 'refuse') {
      s.reasons = cmd.reasons!;
      await leg.finish('refused', 'leg_refused', by, { reasons: cmd.reasons, note: cmd.note ?? null });
      return leg.view();
    }
    const next = leg.steps[s.at + 1];
    if (cmd.outcome === 'approve' && step.kind === 'decision' && next?.kind === 'issue' && patched('leg-issue-step-v1')) {
      // Approved: the leg's clerk numbers and issues the result at the next step (legs begun before numbered it here).
      await leg.moveTo(s.at + 1, 'leg_approved', by, { note: cmd.note ?? null });
      return leg.view();
    }
    if (input.decides) {
      // The leg agency decides: its number is the dossier's result (or denial notice).
      const issued = await record.issueResult({
        dossierId: input.dossierId,
        agencyEid: input.agencyEid,
        procedureCode: input.procedureCode ?? '',
        signerId: cmd.actor.userId,
        issuedAt: leg.now(),
        ...(cmd.outcome === 'deny' ? { kind: 'denial_notice' as const } : {}),
      });
      s.resultNumber = issued.number;
    }
    if (cmd.outcome === 'deny') {
      s.reasons = cmd.reasons!;
      await leg.finish('denied', 'leg_denied', by, { reasons: cmd.reasons, noticeNumber: s.resultNumber, note: cmd.note ?? null });
      return leg.view();
    }
    await leg.finish('result', 'leg_result', by, { resultNumber: s.resultNumber, note: cmd.note ?? null });
    return leg.view();
  },
};

/** The consulted agency's opinion; after its deadline it is late but still collected. */
export const answerConsultation: LegAction<AnswerConsultationCommand> = {
  validate(leg, cmd) {
    leg.requireOpen('trả lời xin ý kiến');
    if (leg.input.kind !== 'consultation') leg.refuse('Đây là phần liên thông, không phải yêu cầu xin ý kiến.', FAILURE_TYPES.invalidState, 'StepActionNotAllowed');
    if (typeof cmd.opinion !== 'string' || !cmd.opinion.trim()) leg.invalid('Trường opinion là bắt buộc.');
    if (typeof cmd.agrees !== 'boolean') leg.invalid('Trường agrees phải là true hoặc false.');
  },
  async run(leg, cmd) {
    leg.state.opinion = cmd.opinion;
    leg.state.agrees = cmd.agrees;
    const role = cmd.actor.roles.includes('leader') ? 'leader' : (cmd.actor.roles[0] ?? 'specialist');
    await leg.finish('answered', 'consultation_answered', { actor: cmd.actor, role }, { opinion: cmd.opinion, agrees: cmd.agrees });
    return leg.view();
  },
};
