import { Router, type Request } from 'express';
import type { Knex } from 'knex';
import { calendarFor } from '../activities';
import { ledgerFromRows } from '../calendars/ledger-rows';
import { toOffsetIso } from '../domain/calendar';
import { deriveDeadline } from '../domain/clock-ledger';
import { parseDossierCode } from '../domain/dossier-code';
import { identifiedUser, officerFor } from './identity';
import { HttpProblem } from './problem';
import { vnTime } from '../domain/vn-time';

/** Statuses whose event ends the legal clock (the end of processing, QĐ 766). */
const CLOCK_STOPS = ['APPROVED', 'DENIED', 'WITHDRAWN', 'CANCELLED', 'CLOSED_UNSUPPLEMENTED'];

/**
 * The deadline explained (GET /dossiers/{code}/deadline): start, working time counted,
 * days skipped, pauses, extensions and the resulting date, re-derived from the clock
 * ledger on the calendar version the dossier is dated by; and officers' deadline alerts.
 */
export function deadlineRoutes(db: Knex): Router {
  const router = Router();

  router.get('/dossiers/:code/deadline', async (req, res) => {
    const code = String(req.params.code);
    if (!parseDossierCode(code)) throw new HttpProblem(400, 'Bad dossier code', `"${code}" is not a dossier code (<agency e-ID>-<YYMMDD>-<sequence>).`);
    const d = await db('dossiers as d')
      .join('agencies as a', 'a.id', 'd.agency_id')
      .where('d.code', code)
      .first('d.id', 'd.code', 'd.agency_id', 'a.eid as agency_eid', 'd.status', 'd.received_at', 'd.appointment_at', 'd.due_at', 'd.calendar_code', 'd.calendar_version', 'd.deadline_state', 'd.escalation_level', 'd.supplement_requests', 'd.apology_issued_at');
    if (!d) throw new HttpProblem(404, 'Not found', `No dossier ${code}.`);
    await officerFor(db, req, d.agency_id);
    const rows = await db('dossier_clock_entries as c')
      .leftJoin('users as u', 'u.id', 'c.actor_id')
      .where('c.dossier_id', d.id)
      .orderBy([{ column: 'c.seq' }, { column: 'c.id' }])
      .select('c.id', 'c.seq', 'c.kind', 'c.at', 'c.reason', 'c.legal_basis', 'c.actor_id', 'c.data', 'u.full_name as actor_name');
    const base = { code: d.code, status: d.status, receivedAt: vnTime(d.received_at), appointmentAt: vnTime(d.appointment_at) };
    if (!d.received_at) {
      res.json({ ...base, dueAt: null, explanation: ['Hồ sơ chưa được tiếp nhận: thời hạn giải quyết chưa bắt đầu.'] });
      return;
    }
    if (!rows.length) {
      res.json({ ...base, dueAt: vnTime(d.appointment_at), explanation: ['Hồ sơ tiếp nhận trước khi có sổ theo dõi thời hạn: ngày hẹn trả giữ nguyên như đã in.'] });
      return;
    }
    const stop = await db('dossier_events').where('dossier_id', d.id).whereIn('to_status', CLOCK_STOPS).orderBy('seq').first('occurred_at', 'to_status');
    const asOf = stop ? new Date(stop.occurred_at) : parseAsOf(req);
    const { calendar, dayNames } = await calendarFor(db, d.agency_eid, { code: d.calendar_code, version: d.calendar_version });
    const derivation = deriveDeadline(calendar, ledgerFromRows(rows), asOf, dayNames);
    const late = stop ? asOf.getTime() > Date.parse(derivation.dueAt) || d.supplement_requests > 1 : null;
    res.json({
      ...base,
      ...derivation,
      state: d.deadline_state,
      escalationLevel: d.escalation_level,
      asOf: toOffsetIso(asOf),
      // The end of processing and how the statistics count it (QĐ 766: more than one supplement request is late).
      outcome: stop
        ? {
            endedAt: toOffsetIso(asOf),
            endedAs: stop.to_status,
            result: late ? 'late' : toOffsetIso(asOf).slice(0, 10) < derivation.dueAt.slice(0, 10) ? 'early' : 'on_time',
          }
        : null,
      ledger: rows.map((r) => ({
        kind: r.kind,
        at: vnTime(r.at),
        reason: r.reason,
        legalBasis: r.legal_basis,
        actor: r.actor_id ? { userId: r.actor_id, fullName: r.actor_name } : null,
        ...r.data,
      })),
    });
  });

  /** Deadline alerts (sắp đến hạn, quá hạn, nhắc lại) of the calling officer. */
  router.get('/alerts', async (req, res) => {
    const user = await identifiedUser(db, req);
    const unreadOnly = req.query.unread === 'true';
    const q = db('officer_alerts as al')
      .join('dossiers as d', 'd.id', 'al.dossier_id')
      .where('al.user_id', user.id)
      .orderBy('al.id', 'desc')
      .limit(200)
      .select('al.id', 'al.kind', 'al.level', 'al.message', 'al.created_at', 'al.read_at', 'd.code', 'd.due_at', 'd.appointment_at');
    if (unreadOnly) q.whereNull('al.read_at');
    const rows = await q;
    res.json({
      alerts: rows.map((a) => ({
        id: Number(a.id),
        kind: a.kind,
        level: a.level,
        message: a.message,
        dossier: { code: a.code, dueAt: vnTime(a.due_at), appointmentAt: vnTime(a.appointment_at) },
        createdAt: vnTime(a.created_at),
        readAt: vnTime(a.read_at),
      })),
    });
  });

  router.post('/alerts/:id/read', async (req, res) => {
    const user = await identifiedUser(db, req);
    const raw = String(req.params.id);
    const id = Number(raw);
    // A bigint column: anything past a safe integer is no alert of ours, not a database error.
    if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id)) throw new HttpProblem(404, 'Not found', `No alert ${raw.slice(0, 40)}.`);
    const updated = await db('officer_alerts').where({ id, user_id: user.id }).update({ read_at: db.raw('coalesce(read_at, now())') });
    if (!updated) throw new HttpProblem(404, 'Not found', `No alert ${id} for ${user.username}.`);
    res.status(204).end();
  });

  return router;
}

function parseAsOf(req: Request): Date {
  const raw = req.query.asOf;
  if (raw === undefined) return new Date();
  const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(at)) throw new HttpProblem(422, 'Invalid request', 'asOf must be an ISO 8601 date-time.');
  return new Date(at);
}
