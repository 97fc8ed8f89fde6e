import {
  ApplicationFailure,
  condition,
  allHandlersFinished,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DossierActivities, ProjectionFields } from '../activities';
import { canTransition, type DossierStatus } from '../domain/status';
import {
  FAILURE_TYPES,
  type Actor,
  type DossierView,
  type DossierWorkflowInput,
  type OfficerRole,
} from '../domain/types';
import {
  acceptIntakeUpdate,
  decideUpdate,
  dossierViewQuery,
  DossierStatusKey,
  handOverResultUpdate,
  proposeDecisionUpdate,
} from './messages';

// Read-model writes must eventually succeed: a worker crash or a database blip only delays them.
const record = proxyActivities<DossierActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// Business look-ups: a wrong calendar or an agency without specialists will not fix itself by retrying forever.
const lookup = proxyActivities<DossierActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 5, nonRetryableErrorTypes: ['CalendarCoverageError'] },
});

/**
 * One dossier (hồ sơ) from online submission to the result being handed back.
 * Officer actions arrive as Updates: validators refuse stale or unauthorised actions
 * before anything is written to history, and a `busy` flag serialises actions
 * that wait on activities, so two officers deciding at once cannot both win.
 */
export async function dossierWorkflow(input: DossierWorkflowInput): Promise<DossierView> {
  const state = {
    status: 'SUBMITTED' as DossierStatus,
    seq: 0,
    busy: false,
    receivedAt: null as string | null,
    appointmentAt: null as string | null,
    assignee: null as { userId: number; fullName: string } | null,
    resultNumber: null as string | null,
  };

  const view = (): DossierView => ({
    code: input.code,
    status: state.status,
    receivedAt: state.receivedAt,
    appointmentAt: state.appointmentAt,
    assignee: state.assignee,
    resultNumber: state.resultNumber,
    lastSeq: state.seq,
  });

  const now = () => new Date().toISOString();

  async function transition(
    to: DossierStatus,
    type: string,
    actor: { actor: Actor; role: OfficerRole } | null,
    projection: ProjectionFields = {},
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const from = state.status;
    if (!canTransition(from, to)) {
      throw ApplicationFailure.nonRetryable(`transition ${from} → ${to} is not allowed`, FAILURE_TYPES.invalidState);
    }
    state.status = to;
    state.seq += 1;
    upsertSearchAttributes([{ key: DossierStatusKey, value: to }]);
    await record.recordDossierEvent({
      dossierId: input.dossierId,
      seq: state.seq,
      type,
      fromStatus: from,
      toStatus: to,
      actorId: actor?.actor.userId ?? null,
      actorRole: actor?.role ?? null,
      occurredAt: now(),
      isPublic: true,
      data,
      projection: { ...projection, status: to },
    });
  }

  function requireIdle(expected: DossierStatus, action: string): void {
    if (state.busy) {
      throw ApplicationFailure.nonRetryable(
        `another action on dossier ${input.code} is in progress; reload and try again`,
        FAILURE_TYPES.invalidState,
      );
    }
    if (state.status !== expected) {
      throw ApplicationFailure.nonRetryable(
        `cannot ${action}: dossier ${input.code} is ${state.status}, not ${expected}`,
        FAILURE_TYPES.invalidState,
      );
    }
  }

  function requireRole(actor: Actor, role: OfficerRole, action: string): void {
    if (!actor.roles.includes(role)) {
      throw ApplicationFailure.nonRetryable(
        `${actor.username} cannot ${action}: the ${role} role in agency ${input.agencyEid} is required`,
        FAILURE_TYPES.forbidden,
      );
    }
  }

  async function exclusively<T>(fn: () => Promise<T>): Promise<T> {
    state.busy = true;
    try {
      return await fn();
    } finally {
      state.busy = false;
    }
  }

  // Handlers are registered before the first await so no early update is lost.
  setHandler(dossierViewQuery, view);

  setHandler(
    acceptIntakeUpdate,
    (cmd) =>
      exclusively(async () => {
        // Tiếp nhận: the clock starts at the moment a complete, valid dossier is received.
        const receivedAt = now();
        const appointment = await lookup.computeAppointment({
          agencyEid: input.agencyEid,
          procedureCode: input.procedureCode,
          receivedAt,
        });
        state.receivedAt = receivedAt;
        state.appointmentAt = appointment.appointmentAt;
        await transition(
          'RECEIVED',
          'intake_accepted',
          { actor: cmd.actor, role: 'one_stop_officer' },
          {
            receivedAt,
            appointmentAt: appointment.appointmentAt,
            calendarCode: appointment.calendarCode,
            calendarVersion: appointment.calendarVersion,
            receivedBy: cmd.actor.userId,
          },
          { note: cmd.note ?? null, explanation: appointment.explanation },
        );
        await record.notifyApplicant({ dossierId: input.dossierId, seq: state.seq, template: 'intake_accepted' });
        const assignee = await lookup.assignSpecialist({ dossierId: input.dossierId, agencyEid: input.agencyEid });
        state.assignee = assignee;
        await transition('IN_REVIEW', 'assigned', null, { assigneeId: assignee.userId }, { assignee });
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('SUBMITTED', 'accept the dossier at intake');
        requireRole(cmd.actor, 'one_stop_officer', 'accept the dossier at intake');
      },
    },
  );

  setHandler(
    proposeDecisionUpdate,
    (cmd) =>
      exclusively(async () => {
        await transition(
          'AWAITING_DECISION',
          'approval_proposed',
          { actor: cmd.actor, role: 'specialist' },
          {},
          { proposal: cmd.proposal, note: cmd.note ?? null },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('IN_REVIEW', 'propose a decision');
        requireRole(cmd.actor, 'specialist', 'propose a decision');
        if (state.assignee?.userId !== cmd.actor.userId) {
          throw ApplicationFailure.nonRetryable(
            `dossier ${input.code} is assigned to ${state.assignee?.fullName ?? 'nobody'}, not to ${cmd.actor.fullName}`,
            FAILURE_TYPES.invalidState,
          );
        }
        if (cmd.proposal !== 'approve') {
          throw ApplicationFailure.nonRetryable(`unknown proposal "${String(cmd.proposal)}"`, FAILURE_TYPES.invalidInput);
        }
      },
    },
  );

  setHandler(
    decideUpdate,
    (cmd) =>
      exclusively(async () => {
        const decidedAt = now();
        const result = await record.issueResult({
          dossierId: input.dossierId,
          agencyEid: input.agencyEid,
          procedureCode: input.procedureCode,
          signerId: cmd.actor.userId,
          issuedAt: decidedAt,
        });
        state.resultNumber = result.number;
        await transition(
          'APPROVED',
          'approved',
          { actor: cmd.actor, role: 'leader' },
          { decidedBy: cmd.actor.userId, decidedAt, resultNumber: result.number },
          { decision: cmd.decision, note: cmd.note ?? null, resultNumber: result.number },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('AWAITING_DECISION', 'decide');
        requireRole(cmd.actor, 'leader', 'decide');
        if (cmd.decision !== 'approve') {
          throw ApplicationFailure.nonRetryable(`unknown decision "${String(cmd.decision)}"`, FAILURE_TYPES.invalidInput);
        }
      },
    },
  );

  setHandler(
    handOverResultUpdate,
    (cmd) =>
      exclusively(async () => {
        await transition(
          'RESULT_DELIVERED',
          input.deliveryMethod === 'postal' ? 'result_posted' : 'result_handed_over',
          { actor: cmd.actor, role: 'one_stop_officer' },
          { resultDeliveredAt: now() },
          { deliveryMethod: input.deliveryMethod, receivedBy: cmd.receivedBy, note: cmd.note ?? null },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('APPROVED', 'hand over the result');
        requireRole(cmd.actor, 'one_stop_officer', 'hand over the result');
        if (input.deliveryMethod === 'online') {
          throw ApplicationFailure.nonRetryable(
            `dossier ${input.code} receives its result online; nothing is handed over at the counter`,
            FAILURE_TYPES.invalidState,
          );
        }
        if (!cmd.receivedBy?.trim()) {
          throw ApplicationFailure.nonRetryable('receivedBy is required', FAILURE_TYPES.invalidInput);
        }
      },
    },
  );

  // Nộp hồ sơ: the submission itself is the first event of the dossier's history.
  state.seq += 1;
  upsertSearchAttributes([{ key: DossierStatusKey, value: state.status }]);
  await record.recordDossierEvent({
    dossierId: input.dossierId,
    seq: state.seq,
    type: 'submitted',
    fromStatus: null,
    toStatus: 'SUBMITTED',
    actorId: null,
    actorRole: 'applicant',
    occurredAt: input.submittedAt,
    isPublic: true,
    data: { channel: input.channel, deliveryMethod: input.deliveryMethod, workflowId: workflowInfo().workflowId },
    projection: { status: 'SUBMITTED', workflowStartedAt: now() },
  });

  await condition(() => state.status === 'APPROVED' && !state.busy);

  if (input.deliveryMethod === 'online') {
    // Trả kết quả trực tuyến: the e-result is published to the applicant's account and they are told.
    await transition('RESULT_DELIVERED', 'result_delivered_online', null, { resultDeliveredAt: now() }, {
      deliveryMethod: 'online',
    });
  } else {
    await condition(() => state.status === 'RESULT_DELIVERED' && !state.busy);
  }
  await record.notifyApplicant({ dossierId: input.dossierId, seq: state.seq, template: 'result_delivered' });

  await transition('COMPLETED', 'completed', null, { completedAt: now() });
  await condition(allHandlersFinished);
  return view();
}
