import type { Knex } from 'knex';

/** Read-model columns a workflow event may set (camelCase here, snake_case in PostgreSQL). */
export interface ProjectionFields {
  status?: string;
  receivedAt?: string;
  appointmentAt?: string;
  calendarCode?: string;
  calendarVersion?: number;
  assigneeId?: number;
  receivedBy?: number;
  decidedBy?: number;
  decidedAt?: string;
  resultNumber?: string;
  resultDeliveredAt?: string;
  completedAt?: string;
  workflowStartedAt?: string;
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
};

/**
 * Appends one event to the dossier's log and projects it onto the read model, in one
 * transaction. Replaying the same (dossier, seq) writes nothing twice, and a late
 * retry of an older event never overwrites a newer projection.
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
    const update: Record<string, unknown> = { projection_seq: e.seq, updated_at: trx.fn.now() };
    for (const [key, value] of Object.entries(e.projection)) {
      if (value !== undefined) update[COLUMNS[key as keyof ProjectionFields]] = value;
    }
    await trx('dossiers').where('id', e.dossierId).andWhere('projection_seq', '<', e.seq).update(update);
    return { inserted: inserted.length > 0 };
  });
}
