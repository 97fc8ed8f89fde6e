import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { LegEventRecord } from '../../activities/interagency';
import type { Tx } from '../connection';
import { closeOpenHandoff, routedColumns, routedHandoffDue } from './dossier-events';
import { noteDossierChange } from './dossier-changes';

/**
 * Inter-agency legs and consultations (issue 17): the row of each child workflow, its own event
 * log, and its rows on the lead dossier's process-control sheet (dossier_handoffs with
 * leg_workflow_id, numbered by the leg's own sequence).
 */

export interface LegRow {
  id: number;
  dossier_id: number;
  workflow_id: string;
  kind: 'leg' | 'consultation';
  agency_eid: string;
  step_key: string;
  status: 'open' | 'result' | 'denied' | 'refused' | 'answered' | 'unanswered' | 'cancelled';
  question: string | null;
  opinion: string | null;
  agrees: boolean | null;
  reasons: string[] | null;
  result_number: string | null;
  started_at: Date;
  due_at: Date | null;
  finished_at: Date | null;
  late: boolean;
  route_step: { key: string; name: string; unit: string; kind: string; role: string; dueAt: string | null } | null;
  assignee_id: number | null;
  chased_at: Date | null;
  last_seq: number;
}

/**
 * Applies one event of a leg, once: its log row (unique per leg and seq) is the guard; the leg's
 * row is created by its first event and takes what the latest event says; the leg's own row of
 * the lead dossier's sheet is closed and/or opened (its due time on the leg agency's calendar).
 */
export async function recordLegEvent(db: Knex, e: LegEventRecord): Promise<{ inserted: boolean }> {
  return db.transaction(async (trx) => {
    const l = e.leg;
    const row = {
      dossier_id: e.dossierId,
      workflow_id: e.legWorkflowId,
      kind: e.kind,
      agency_eid: e.agencyEid,
      step_key: e.stepKey,
      status: l.status,
      started_at: l.startedAt,
      due_at: l.dueAt,
      late: l.late,
      finished_at: l.finishedAt,
      route_step: l.step ? JSON.stringify(l.step) : null,
      assignee_id: l.assigneeId,
      ...(l.resultNumber !== undefined ? { result_number: l.resultNumber } : {}),
      ...(l.question !== undefined ? { question: l.question } : {}),
      ...(l.opinion !== undefined ? { opinion: l.opinion } : {}),
      ...(l.agrees !== undefined ? { agrees: l.agrees } : {}),
      ...(l.reasons !== undefined ? { reasons: l.reasons === null ? null : JSON.stringify(l.reasons) } : {}),
      ...(l.chasedAt !== undefined ? { chased_at: l.chasedAt } : {}),
    };
    // The leg's row, created by its first event (last_seq 0: the update below applies this event).
    await trx('dossier_legs')
      .insert({ ...row, last_seq: 0 })
      .onConflict('workflow_id')
      .ignore();
    const leg: { id: number } = await trx('dossier_legs').where('workflow_id', e.legWorkflowId).forUpdate().first('id');
    const inserted = await trx('dossier_leg_events')
      .insert({
        leg_id: leg.id,
        seq: e.seq,
        type: e.type,
        actor_id: e.actorId,
        actor_role: e.actorRole,
        occurred_at: e.occurredAt,
        data: JSON.stringify(e.data),
      })
      .onConflict(['leg_id', 'seq'])
      .ignore()
      .returning('id');
    if (inserted.length === 0) return { inserted: false };

    const { dossier_id: _d, workflow_id: _w, kind: _k, ...changes } = row;
    await trx('dossier_legs')
      .where('id', leg.id)
      .andWhere('last_seq', '<', e.seq)
      .update({ ...changes, last_seq: e.seq, updated_at: trx.fn.now() });

    if (e.handoff?.close) await closeOpenHandoff(trx, e.dossierId, e.legWorkflowId, e.occurredAt, e.seq);
    if (e.handoff?.open) {
      const h = { ...e.handoff.open, agencyEid: e.handoff.open.agencyEid ?? e.agencyEid };
      const dueAt = await routedHandoffDue(trx, e.dossierId, h, e.occurredAt, e.legWorkflowId);
      await trx('dossier_handoffs')
        .insert({
          dossier_id: e.dossierId,
          leg_workflow_id: e.legWorkflowId,
          opened_seq: e.seq,
          step: h.step,
          giver_id: h.giverId,
          giver_unit: h.giverUnit,
          receiver_id: h.receiverId,
          receiver_unit: h.receiverUnit,
          received_at: e.occurredAt,
          due_at: dueAt,
          ...(h.countFrom ? { count_from: h.countFrom } : {}),
          ...routedColumns(h),
        })
        .onConflict(trx.raw(`(dossier_id, coalesce(leg_workflow_id, ''), opened_seq)`))
        .ignore();
    }
    await auditLegEvent(trx, e);
    // The lead agency's worklist (its ETag and live queue) shows the leg's progress.
    await noteDossierChange(trx, e.dossierId);
    return { inserted: true };
  });
}

/** The leg's event in the audit trail, under the leg's agency. */
async function auditLegEvent(trx: Knex.Transaction, e: LegEventRecord): Promise<void> {
  const reason =
    ['reason', 'note', 'opinion'].map((k) => e.data[k]).find((v): v is string => typeof v === 'string' && v !== '') ??
    (Array.isArray(e.data.reasons) ? (e.data.reasons as string[]).join('; ') : null);
  await trx.raw(
    `insert into audit_log (actor_kind, actor_id, actor_label, actor_role, agency_id, action, dossier_id, target, reason, before, after)
     select ?, ?, ?, ?, coalesce((select id from agencies where eid = ?), d.agency_id), ?, d.id, d.code, ?, null, ?::jsonb from dossiers d where d.id = ?`,
    [
      e.actorId ? 'officer' : 'system',
      e.actorId,
      e.actorId ? null : 'Hệ thống (quy trình liên thông)',
      e.actorRole,
      e.agencyEid,
      `leg.${e.type}`,
      reason,
      JSON.stringify({ leg: e.legWorkflowId, kind: e.kind, agencyEid: e.agencyEid, status: e.leg.status }),
      e.dossierId,
    ],
  );
}

/** The legs and consultations of a dossier, in the order they started. */
export async function dossierLegs(db: Tx, dossierId: number): Promise<LegRow[]> {
  return db('dossier_legs').where('dossier_id', dossierId).orderBy([{ column: 'started_at' }, { column: 'id' }]).select('*');
}

/** The consultations of a dossier still waiting for an answer. */
export async function openConsultationCount(db: Tx, dossierId: number): Promise<number> {
  const r = await db('dossier_legs').where({ dossier_id: dossierId, kind: 'consultation', status: 'open' }).count<{ count: string }[]>('* as count');
  return Number(r[0]?.count ?? 0);
}

export interface LegWorklistRow extends LegRow {
  code: string;
  procedure_code: string;
  procedure_name: string;
  lead_agency_eid: string;
  assignee_name: string | null;
}

const worklistQuery = (db: Tx) =>
  db('dossier_legs as l')
    .join('dossiers as d', 'd.id', 'l.dossier_id')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .leftJoin('users as u', 'u.id', 'l.assignee_id')
    .select('l.*', 'd.code', 'p.code as procedure_code', 'p.name as procedure_name', 'a.eid as lead_agency_eid', 'u.full_name as assignee_name');

/** The open legs and consultations of these agencies, the most urgent first. */
export async function openLegsOf(db: Tx, agencyEids: readonly string[], limit = 500): Promise<LegWorklistRow[]> {
  if (!agencyEids.length) return [];
  return worklistQuery(db)
    .whereIn('l.agency_eid', [...agencyEids])
    .andWhere('l.status', 'open')
    .orderByRaw('l.due_at asc nulls last, l.id asc')
    .limit(limit);
}

/** One leg by its row id or its workflow ID, with its dossier. */
export async function findLeg(db: Tx, id: string): Promise<LegWorklistRow | undefined> {
  const q = worklistQuery(db);
  if (/^\d{1,15}$/.test(id)) q.where('l.id', Number(id));
  else q.where('l.workflow_id', id);
  return q.first();
}

/** A leg's own event log, with the actors' names. */
export async function legEventLog(db: Tx, legId: number): Promise<Array<{ seq: number; type: string; actor_role: string | null; actor_name: string | null; occurred_at: Date; data: Record<string, unknown> }>> {
  return db('dossier_leg_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.leg_id', legId)
    .orderBy('e.seq')
    .select('e.seq', 'e.type', 'e.actor_role', 'u.full_name as actor_name', 'e.occurred_at', 'e.data');
}

/** The leg's current assignee, if any (a retried assignment keeps it). */
export async function legAssignee(db: Tx, workflowId: string): Promise<{ id: number; full_name: string } | undefined> {
  return db('dossier_legs as l').join('users as u', 'u.id', 'l.assignee_id').where('l.workflow_id', workflowId).first('u.id', 'u.full_name');
}

/** The active specialist of the agency with the fewest open legs (ties: the lowest id). */
export async function leastLoadedLegSpecialist(db: Tx, agencyEid: string): Promise<{ id: number; full_name: string; open_count: number } | undefined> {
  return db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .join('agencies as a', 'a.id', 'r.agency_id')
    .where({ 'a.eid': agencyEid, 'r.role': 'specialist', 'u.active': true })
    .select('u.id', 'u.full_name')
    .select(db.raw(`(select count(*) from dossier_legs l where l.assignee_id = u.id and l.status = 'open')::int as open_count`))
    .orderBy([{ column: 'open_count', order: 'asc' }, { column: 'u.id', order: 'asc' }])
    .first();
}

export type LegAlertKind = 'leg_received' | 'leg_chased' | 'consultation_requested' | 'leg_overdue';

/**
 * Alerts the leaders, specialists and supervisors of an agency about a leg (and sends each a
 * message through the outbox). Leg alerts have no event seq of the dossier: their key is made
 * of the agency, the leg, the kind and the message, so a retried activity alerts nobody twice.
 */
export async function alertAgencyOfficers(
  db: Knex,
  input: { agencyEid: string; dossierId: number; legWorkflowId: string | null; kind: LegAlertKind; message: string },
): Promise<number> {
  const key = `leg-${createHash('sha256').update(JSON.stringify([input.agencyEid, input.dossierId, input.legWorkflowId, input.kind, input.message])).digest('hex').slice(0, 32)}`;
  return db.transaction(async (trx) => {
    const officers = `select distinct r.user_id from user_roles r join agencies a on a.id = r.agency_id join users u on u.id = r.user_id
                       where a.eid = ? and u.active and r.role in ('leader', 'specialist', 'supervisor')`;
    const rows = await trx.raw(
      `insert into officer_alerts (dossier_id, seq, user_id, kind, level, message, alert_key, leg_workflow_id)
       select ?, null, o.user_id, ?::alert_kind, 0, ?, ?, ? from (${officers}) o
       on conflict (alert_key, user_id) where alert_key is not null do nothing
       returning user_id`,
      [input.dossierId, input.kind, input.message, key, input.legWorkflowId, input.agencyEid],
    );
    await trx.raw(
      `insert into notification_outbox (job_key, dossier_id, template, recipient_user_id, payload)
       select ? || '-' || o.user_id, ?, 'officer_alert', o.user_id, ?::jsonb from (${officers}) o
       on conflict (job_key) do nothing`,
      [key, input.dossierId, JSON.stringify({ kind: input.kind, level: 0, message: input.message, legWorkflowId: input.legWorkflowId }), input.agencyEid],
    );
    return (rows.rows as unknown[]).length;
  });
}

/**
 * The pinned version of a dossier as its view names it. Whether it is the default path is read
 * from the versions table (internal_procedure_versions) when there is one; version 0 is the
 * default path derived from the procedure's step budgets.
 */
export async function procedureVersionOf(db: Tx, procedureId: number, version: number): Promise<{ procedureCode: string; version: number; isDefault: boolean }> {
  const p: { code: string } = await db('procedures').where('id', procedureId).first('code');
  let isDefault = version === 0;
  const table = await db.raw(`select to_regclass('internal_procedure_versions') as t`);
  if (!isDefault && table.rows[0]?.t) {
    const v = await db('internal_procedure_versions').where({ procedure_id: procedureId, version }).first('is_default');
    isDefault = !!v?.is_default;
  }
  return { procedureCode: p.code, version, isDefault };
}
