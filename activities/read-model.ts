import type { Knex } from 'knex';
import { toOffsetIso } from '../domain/calendar';

/** Read-model columns a workflow event may set (camelCase here, snake_case in PostgreSQL). */
export interface ProjectionFields {
  status?: string;
  receivedAt?: string;
  appointmentAt?: string;
  calendarCode?: string;
  calendarVersion?: number;
  assigneeId?: number | null;
  receivedBy?: number;
  decidedBy?: number;
  decidedAt?: string;
  resultNumber?: string;
  resultDeliveredAt?: string;
  completedAt?: string;
  workflowStartedAt?: string;
  pendingAction?: Record<string, unknown> | null;
  closingReason?: string | null;
  feeDueVnd?: number;
  feeTiming?: string;
  feeStatus?: 'none' | 'unpaid' | 'paid';
}

export type HandoffStep = 'intake' | 'citizen_supplement' | 'assignment' | 'review' | 'verification' | 'decision' | 'result' | 'postal';

/** One row of the process-control sheet opened by an event (giver → receiver, with the time due). */
export interface HandoffOpening {
  step: HandoffStep;
  giverId: number | null;
  giverUnit: string;
  receiverId: number | null;
  receiverUnit: string;
  dueAt: string | null;
}

export interface DossierEventRecord {
  dossierId: number;
  /** Position in the workflow's own event sequence: the idempotency key of this write. */
  seq: number;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorId: number | null;
  actorRole: string | null;
  occurredAt: string;
  isPublic: boolean;
  data: Record<string, unknown>;
  projection: ProjectionFields;
  /** Hand-offs: the open one is closed at `occurredAt` and/or a new one opens. */
  handoff?: { close?: boolean; open?: HandoffOpening };
}

const COLUMNS: Record<keyof ProjectionFields, string> = {
  status: 'status',
  receivedAt: 'received_at',
  appointmentAt: 'appointment_at',
  calendarCode: 'calendar_code',
  calendarVersion: 'calendar_version',
  assigneeId: 'assignee_id',
  receivedBy: 'received_by',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  resultNumber: 'result_number',
  resultDeliveredAt: 'result_delivered_at',
  completedAt: 'completed_at',
  workflowStartedAt: 'workflow_started_at',
  pendingAction: 'pending_action',
  closingReason: 'closing_reason',
  feeDueVnd: 'fee_due_vnd',
  feeTiming: 'fee_timing',
  feeStatus: 'fee_status',
};

/**
 * Early (trước hạn) when done on an earlier local day than due, on time (đúng hạn) when
 * done by the due moment on its day, late (quá hạn) after it.
 */
export function handoffOutcome(doneAt: Date, dueAt: Date | null): 'early' | 'on_time' | 'late' | null {
  if (!dueAt) return null;
  if (doneAt.getTime() > dueAt.getTime()) return 'late';
  return toOffsetIso(doneAt).slice(0, 10) < toOffsetIso(dueAt).slice(0, 10) ? 'early' : 'on_time';
}

/**
 * Appends one event to the dossier's log and applies it to the read model and the
 * process-control sheet, in one transaction. The event row is the idempotency guard:
 * when it already exists the whole event was applied before, so a retry changes nothing.
 */
export async function recordDossierEvent(db: Knex, e: DossierEventRecord): Promise<{ inserted: boolean }> {
  return db.transaction(async (trx) => {
    const inserted = await trx('dossier_events')
      .insert({
        dossier_id: e.dossierId,
        seq: e.seq,
        type: e.type,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        actor_id: e.actorId,
        actor_role: e.actorRole,
        occurred_at: e.occurredAt,
        is_public: e.isPublic,
        data: JSON.stringify(e.data),
      })
      .onConflict(['dossier_id', 'seq'])
      .ignore()
      .returning('id');
    if (inserted.length === 0) return { inserted: false };

    const update: Record<string, unknown> = { projection_seq: e.seq, updated_at: trx.fn.now() };
    for (const [key, value] of Object.entries(e.projection)) {
      if (value === undefined) continue;
      update[COLUMNS[key as keyof ProjectionFields]] = key === 'pendingAction' && value !== null ? JSON.stringify(value) : value;
    }
    await trx('dossiers').where('id', e.dossierId).andWhere('projection_seq', '<', e.seq).update(update);

    if (e.handoff?.close) {
      const open = await trx('dossier_handoffs').where({ dossier_id: e.dossierId }).whereNull('done_at').first('id', 'due_at');
      if (open) {
        const doneAt = new Date(e.occurredAt);
        await trx('dossier_handoffs')
          .where('id', open.id)
          .update({ done_at: doneAt, closed_seq: e.seq, outcome: handoffOutcome(doneAt, open.due_at ? new Date(open.due_at) : null) });
      }
    }
    if (e.handoff?.open) {
      const h = e.handoff.open;
      await trx('dossier_handoffs').insert({
        dossier_id: e.dossierId,
        opened_seq: e.seq,
        step: h.step,
        giver_id: h.giverId,
        giver_unit: h.giverUnit,
        receiver_id: h.receiverId,
        receiver_unit: h.receiverUnit,
        received_at: e.occurredAt,
        due_at: h.dueAt,
      });
    }
    return { inserted: true };
  });
}
