import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { describeCalendar, listCalendars } from '../calendars/read';
import { applyRecompute, listRecomputations, previewRecompute } from '../calendars/recompute';
import { parseDate, parseDateList, parseDays, parseWeeklyHours } from '../calendars/rules';
import { createCalendar, createVersion, latestRow } from '../calendars/versions';
import { callerFor, requireAdmin } from './caller';
import { HttpProblem } from './problem';
import { bodyOf, Validator } from './validation';

/**
 * Working calendars as data (issue 4): officers read them, administrators write new
 * versions, move an agency to another calendar, and recompute open dossiers on a newer
 * version by an explicit, logged decision.
 */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;

function positiveInt(v: Validator, raw: unknown, path: string, required: boolean): number | undefined {
  if (raw === undefined || raw === null || raw === '') {
    if (required) v.fail(path, 'bắt buộc nhập');
    return undefined;
  }
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    v.fail(path, 'phải là số nguyên dương');
    return undefined;
  }
  return n;
}

const reasonOf = (v: Validator, body: Record<string, unknown>) => v.string(body, 'reason', 'reason', { required: true, max: 1000 });

const optionalBody = (req: Request) => (req.body === undefined ? {} : bodyOf(req.body));

export function calendarRoutes(deps: { db: Knex; temporal: Client }): Router {
  const { db, temporal } = deps;
  const router = Router();

  router.get('/calendars', async (req, res) => {
    await callerFor(db, req);
    res.json({ items: await listCalendars(db) });
  });

  router.post('/calendars', async (req, res) => {
    const caller = await callerFor(db, req);
    requireAdmin(caller);
    const body = bodyOf(req.body);
    const v = new Validator();
    const code = v.string(body, 'code', 'code', { required: true, pattern: CODE, patternMessage: 'chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (2–64 ký tự)' });
    const name = v.string(body, 'name', 'name', { required: true, max: 200 });
    const baseCode = v.string(body, 'baseCode', 'baseCode', { max: 64 });
    const reason = reasonOf(v, body);
    const weeklyHours = parseWeeklyHours(v, body.weeklyHours, 'weeklyHours');
    const coverageFrom = parseDate(v, body.coverageFrom, 'coverageFrom');
    const coverageTo = parseDate(v, body.coverageTo, 'coverageTo');
    const days = parseDays(v, body.days, 'days');
    v.throwIfInvalid();
    const created = await createCalendar(db, { code: code!, name: name!, baseCode, reason: reason!, weeklyHours, coverageFrom, coverageTo, days }, caller.userId);
    res
      .status(201)
      .location(`/api/v1/calendars/${encodeURIComponent(created.code)}?version=${created.version}`)
      .json({ ...(await describeCalendar(db, created.code, created.version)), propagated: created.propagated });
  });

  router.get('/calendars/:code', async (req, res) => {
    await callerFor(db, req);
    const v = new Validator();
    const version = positiveInt(v, req.query.version, 'version', false);
    v.throwIfInvalid();
    res.json(await describeCalendar(db, String(req.params.code), version));
  });

  router.post('/calendars/:code/versions', async (req, res) => {
    const caller = await callerFor(db, req);
    requireAdmin(caller);
    const code = String(req.params.code);
    const body = bodyOf(req.body);
    const v = new Validator();
    const basedOnVersion = positiveInt(v, body.basedOnVersion, 'basedOnVersion', true);
    const reason = reasonOf(v, body);
    const weeklyHours = parseWeeklyHours(v, body.weeklyHours, 'weeklyHours');
    const coverageFrom = parseDate(v, body.coverageFrom, 'coverageFrom');
    const coverageTo = parseDate(v, body.coverageTo, 'coverageTo');
    const days = parseDays(v, body.days, 'days');
    const removeDays = parseDateList(v, body.removeDays, 'removeDays');
    if (!v.errors.length && !weeklyHours && !coverageFrom && !coverageTo && !days?.length && !removeDays?.length) {
      v.fail('days', 'phiên bản mới phải thay đổi ít nhất một điều: weeklyHours, coverageFrom, coverageTo, days hoặc removeDays');
    }
    v.throwIfInvalid();
    const created = await createVersion(db, code, { basedOnVersion: basedOnVersion!, reason: reason!, weeklyHours, coverageFrom, coverageTo, days, removeDays }, caller.userId);
    res
      .status(201)
      .location(`/api/v1/calendars/${encodeURIComponent(code)}?version=${created.version}`)
      .json({ ...(await describeCalendar(db, code, created.version)), propagated: created.propagated });
  });

  router.post('/calendars/:code/recompute-preview', async (req, res) => {
    await callerFor(db, req);
    const body = optionalBody(req);
    const v = new Validator();
    const version = positiveInt(v, body.version, 'version', false);
    v.throwIfInvalid();
    const preview = await previewRecompute(db, String(req.params.code), version);
    res.json({
      calendar: preview.calendar,
      count: preview.dossiers.length,
      changed: preview.dossiers.filter((d) => d.changed).length,
      dossiers: preview.dossiers.map((d) => ({
        code: d.code,
        fromVersion: d.fromVersion,
        oldDueAt: d.oldDueAt,
        newDueAt: d.newDueAt,
        changed: d.changed,
        ...(d.note ? { note: d.note } : {}),
      })),
    });
  });

  router.post('/calendars/:code/recompute', async (req, res) => {
    const caller = await callerFor(db, req);
    requireAdmin(caller);
    const body = bodyOf(req.body);
    const v = new Validator();
    const version = positiveInt(v, body.version, 'version', false);
    const reason = reasonOf(v, body);
    let dossierCodes: string[] | undefined;
    if (body.dossierCodes !== undefined && body.dossierCodes !== null) {
      const raw = body.dossierCodes;
      if (!Array.isArray(raw) || !raw.length || raw.some((c) => typeof c !== 'string' || !c.trim())) {
        v.fail('dossierCodes', 'phải là danh sách mã hồ sơ (không rỗng)');
      } else {
        dossierCodes = [...new Set(raw.map((c: string) => c.trim()))];
      }
    }
    v.throwIfInvalid();
    res.json(await applyRecompute(db, temporal, caller, { code: String(req.params.code), version, reason: reason!, dossierCodes }));
  });

  router.get('/calendars/:code/recomputations', async (req, res) => {
    await callerFor(db, req);
    res.json({ items: await listRecomputations(db, String(req.params.code)) });
  });

  router.put('/agencies/:eid/calendar', async (req, res) => {
    const caller = await callerFor(db, req);
    requireAdmin(caller);
    const eid = String(req.params.eid);
    const body = bodyOf(req.body);
    const v = new Validator();
    const code = v.string(body, 'code', 'code', { required: true, max: 64 });
    const reason = reasonOf(v, body);
    v.throwIfInvalid();
    const result = await db.transaction(async (trx) => {
      const agency = await trx('agencies as a')
        .leftJoin('work_calendars as c', 'c.id', 'a.calendar_id')
        .where('a.eid', eid)
        .forUpdate('a')
        .first('a.id', 'a.eid', 'a.name', 'c.code as calendar_code', 'c.version as calendar_version');
      if (!agency) throw new HttpProblem(404, 'Agency not found', `Không có cơ quan mã ${eid}.`);
      const latest = await latestRow(trx, code!);
      if (!latest) {
        throw new HttpProblem(422, 'Invalid request', `Không có lịch ${code}.`, { errors: [{ field: 'code', message: 'không có lịch này' }] });
      }
      // Pointing at the latest row is only a convenience: an agency always works by the latest version of its code.
      await trx('agencies').where('id', agency.id).update({ calendar_id: latest.id });
      return {
        agency: { eid: agency.eid, name: agency.name },
        calendar: { code: latest.code, version: latest.version },
        previous: agency.calendar_code ? { code: agency.calendar_code, version: agency.calendar_version } : null,
        reason: reason!,
        changedBy: { userId: caller.userId, username: caller.username },
      };
    });
    // No audit table for agency settings yet: the decision is at least in the API log.
    process.stdout.write(
      `api: agency ${eid} now works by calendar ${result.calendar.code} (was ${result.previous?.code ?? 'none'}), by ${caller.username}: ${reason}\n`,
    );
    res.json(result);
  });

  return router;
}
