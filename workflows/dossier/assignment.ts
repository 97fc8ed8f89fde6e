import type { Actor } from '../../domain/types';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { AssignCommand, ClaimCommand } from '../contracts/dossier-v1';
import { advance, currentStep, enterStep, routeOf, stepIndex } from './route';
import { LEADERS_UNIT, ONE_STOP_UNIT, type Action, type Dossier } from './state';

/**
 * Phân công (docs/domain.md §2.2): a received dossier goes to the least-loaded specialist, or
 * waits for a leader to assign it or a specialist to claim it; a specialist may give it back.
 */

/** Right after intake: the least-loaded specialist, or the dossier waits at assignment. */
export async function assignAfterIntake(d: Dossier, receivedBy: Actor): Promise<void> {
  const { input, state } = d;
  if (state.merged) return assignInOneWrite(d, receivedBy);
  let assignee: { userId: number; fullName: string };
  try {
    assignee = await d.look.assignSpecialist({ dossierId: input.dossierId, agencyEid: input.agencyEid });
  } catch (err) {
    // Received all the same: the dossier waits for a leader to assign it or a specialist to claim it.
    await d.transition({
      to: 'RECEIVED',
      type: 'assignment_pending',
      by: null,
      data: { reason: (err as Error).message },
      handoff: {
        open: { step: 'assignment', giverId: receivedBy.userId, giverUnit: ONE_STOP_UNIT, receiverId: null, receiverUnit: LEADERS_UNIT, dueAt: state.appointmentAt },
      },
    });
    return;
  }
  state.assignee = assignee;
  await d.transition({
    to: 'IN_REVIEW',
    type: 'assigned',
    by: null,
    projection: { assigneeId: assignee.userId },
    data: { assignee },
    handoff: { open: d.reviewHandoff({ id: receivedBy.userId, unit: ONE_STOP_UNIT }, assignee) },
  });
}

/**
 * Patch merged-records-v1: the choice and its event in one local activity (assignAndRecord),
 * which fills the specialist into the assignment's event, or writes why the dossier waits.
 */
async function assignInOneWrite(d: Dossier, receivedBy: Actor): Promise<void> {
  const { input, state } = d;
  const giver = { id: receivedBy.userId, unit: ONE_STOP_UNIT };
  let assignee: { userId: number; fullName: string } | null = null;
  await d.transitionEither(
    {
      assigned: { to: 'IN_REVIEW', type: 'assigned', by: null, projection: {}, data: {}, handoff: { open: d.reviewHandoff(giver, { userId: 0, fullName: '' }) } },
      pending: { to: 'RECEIVED', type: 'assignment_pending', by: null, data: {}, handoff: { open: pendingAssignment(d, giver) } },
    },
    async (events) => {
      const r = await d.look.assignAndRecord({ agencyEid: input.agencyEid, ...events });
      if ('pending' in r) return 'pending';
      assignee = { userId: r.userId, fullName: r.fullName };
      return 'assigned';
    },
  );
  state.assignee = assignee;
}

/** The hand-off to the leaders while nobody is assigned, due at the appointment. */
function pendingAssignment(d: Dossier, giver: { id: number | null; unit: string }) {
  return { step: 'assignment' as const, giverId: giver.id, giverUnit: giver.unit, receiverId: null, receiverUnit: LEADERS_UNIT, dueAt: d.state.appointmentAt };
}

/** A leader gives the dossier to a specialist, or moves it to another one. */
export const assign: Action<AssignCommand> = {
  validate(d, cmd) {
    d.allow('assign', cmd.actor);
    if (!Number.isInteger(cmd.specialist?.userId)) d.invalid('Cần chọn chuyên viên được phân công (specialist).');
    if (d.state.assignee?.userId === cmd.specialist.userId) {
      d.refuse(`Hồ sơ ${d.code} đã được phân công cho ${cmd.specialist.fullName}.`, FAILURE_TYPES.invalidState, 'AlreadyAssignedToSpecialist');
    }
  },
  async run(d, cmd) {
    const previous = d.state.assignee;
    d.state.assignee = cmd.specialist;
    const r = routeOf(d);
    if (r) {
      const giver = { id: cmd.actor.userId, unit: cmd.actor.fullName };
      const data = { assignee: cmd.specialist, previous, note: cmd.note ?? null };
      const by = { actor: cmd.actor, role: 'leader' as const };
      // At the assignment step the assignment ends it; later, the step held passes to the new specialist.
      if (currentStep(r).kind === 'assignment') await advance(d, previous ? 'reassigned' : 'assigned', by, giver, { projection: { assigneeId: cmd.specialist.userId }, data });
      else {
        const same = await enterStep(d, r.at, giver);
        await d.transition({ ...same, to: d.state.status, type: previous ? 'reassigned' : 'assigned', by, projection: { ...same.projection, assigneeId: cmd.specialist.userId }, data });
      }
      return d.view();
    }
    await d.transition({
      to: 'IN_REVIEW',
      type: previous ? 'reassigned' : 'assigned',
      by: { actor: cmd.actor, role: 'leader' },
      projection: { assigneeId: cmd.specialist.userId },
      data: { assignee: cmd.specialist, previous, note: cmd.note ?? null },
      handoff: { close: true, open: d.reviewHandoff({ id: cmd.actor.userId, unit: cmd.actor.fullName }, cmd.specialist) },
    });
    return d.view();
  },
};

/** A specialist takes an unassigned dossier. */
export const claim: Action<ClaimCommand> = {
  validate(d, cmd) {
    d.allow('claim', cmd.actor);
  },
  async run(d, cmd) {
    const assignee = { userId: cmd.actor.userId, fullName: cmd.actor.fullName };
    d.state.assignee = assignee;
    if (routeOf(d)) {
      await advance(d, 'claimed', { actor: cmd.actor, role: 'specialist' }, { id: null, unit: LEADERS_UNIT }, { projection: { assigneeId: cmd.actor.userId }, data: { note: cmd.note ?? null } });
      return d.view();
    }
    await d.transition({
      to: 'IN_REVIEW',
      type: 'claimed',
      by: { actor: cmd.actor, role: 'specialist' },
      projection: { assigneeId: cmd.actor.userId },
      data: { note: cmd.note ?? null },
      handoff: { close: true, open: d.reviewHandoff({ id: null, unit: LEADERS_UNIT }, assignee) },
    });
    return d.view();
  },
};

/** The assigned specialist gives the dossier back for someone else. */
export const release: Action<ClaimCommand> = {
  validate(d, cmd) {
    d.allow('release', cmd.actor);
  },
  async run(d, cmd) {
    d.state.assignee = null;
    const r = routeOf(d);
    if (r) {
      // Back to the version's assignment step, for a leader to assign or a specialist to claim.
      const back = await enterStep(d, stepIndex(r, r.procedure.steps.find((s) => s.kind === 'assignment')!.key), { id: cmd.actor.userId, unit: cmd.actor.fullName });
      await d.transition({ ...back, to: 'RECEIVED', type: 'released', by: { actor: cmd.actor, role: 'specialist' }, projection: { ...back.projection, assigneeId: null }, data: { note: cmd.note ?? null } });
      return d.view();
    }
    await d.transition({
      to: 'RECEIVED',
      type: 'released',
      by: { actor: cmd.actor, role: 'specialist' },
      projection: { assigneeId: null },
      data: { note: cmd.note ?? null },
      handoff: {
        close: true,
        open: { step: 'assignment', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: null, receiverUnit: LEADERS_UNIT, dueAt: d.state.appointmentAt },
      },
    });
    return d.view();
  },
};
