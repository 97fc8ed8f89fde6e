import type { Channel, DeliveryMethod } from './types';
import { APPLICANT, ONE_STOP_UNIT } from './units';

/**
 * Nộp hồ sơ: the dossier's first event, as both its writers build it: the API with the dossier
 * (dossiers/submission.ts) and the workflow for a dossier stored without it
 * (Dossier.recordSubmission: older dossiers, a chain's stages). The hand-off from the applicant
 * to the one-stop unit opens. `projection`: what the writer fills in besides the status (the fee
 * fields, the workflow's start).
 */
export function submittedEvent<P extends object>(s: {
  dossierId: number;
  seq: number;
  channel: Channel;
  deliveryMethod: DeliveryMethod;
  workflowId: string;
  submittedAt: string;
  projection: P;
}) {
  return {
    dossierId: s.dossierId,
    seq: s.seq,
    type: 'submitted',
    fromStatus: null,
    toStatus: 'SUBMITTED' as const,
    actorId: null,
    actorRole: 'applicant',
    occurredAt: s.submittedAt,
    isPublic: true,
    data: { channel: s.channel, deliveryMethod: s.deliveryMethod, workflowId: s.workflowId },
    projection: { status: 'SUBMITTED' as const, ...s.projection },
    handoff: { open: { step: 'intake' as const, giverId: null, giverUnit: APPLICANT, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: null } },
  };
}
