import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { describeCalendar, listCalendars } from '../calendars/read';
import { applyRecompute, listRecomputations, previewRecompute } from '../calendars/recompute';
import { createCalendar, createVersion, latestRow } from '../calendars/versions';
import { callerFor, requireAdmin } from './caller';
import {
  agencyCalendarBody,
  agencyEidParam,
  calendarCodeParam,
  calendarQuery,
  createCalendarBody,
  newVersionBody,
  noQuery,
  recomputeBody,
  recomputePreviewBody,
} from './calendar-schemas';
import { jsonBody, parse } from './contract';
import { HttpProblem } from './problem';

/**
 * Working calendars as data (issue 4): officers read them, administrators write new
 * versions, move an agency to another calendar, and recompute open dossiers on a newer
 * version by an explicit, logged decision. Requests are parsed with the schemas of
 * `calendar-schemas.ts`; the checks against stored calendars are made here and below.
 */
export function calendarRoutes(deps: { db: Knex; temporal: Client }): Router {
  const { db, temporal } = deps;
  const router = Router();

  router.get('/calendars', async (req, res) => {
    await callerFor(db, req);
    parse(noQuery, req.query, 'query');
    res.json({ items: await listCalendars(db) });
  });

  router.post('/calendars', async (req, res) => {
    const caller = await callerFor(db, req);
    requireAdmin(caller);
    parse(noQuery, req.query, 'query');
    const { code, name, baseCode, reason, weeklyHours, coverageFrom, coverageTo, days } = parse(createCalendarBody, jsonBody(req));
    const created = await createCalendar(db, { code, name, baseCode, reason, weeklyHours, coverageFrom, coverageTo, days }, caller.userId);
    res
      .status(201)
      .location(`/api/v1/calendars/${encodeURIComponent(created.code)}?version=${created.version}`)
      .json({ ...(await describeCalendar(db, created.code, created.version)), propagated: created.propagated });
  });

  router.get('/calendars/:code', async (req, res) => {
    await callerFor(db, req);
    const { code } = parse(calendarCodeParam, req.params, 'params');
    const { version } = parse(calendarQuery, req.query, 'query');
    res.json(await describeCalendar(db, code, version));
  });

  router.post('/calendars/:code/versions', async (req, res) => {
    const caller = await callerFor(db, req);
    requireAdmin(caller);
    const { code } = parse(calendarCodeParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const change = parse(newVersionBody, jsonBody(req));
    const created = await createVersion(db, code, change, caller.userId);
    res
      .status(201)
      .location(`/api/v1/calendars/${encodeURIComponent(code)}?version=${created.version}`)
      .json({ ...(await describeCalendar(db, code, created.version)), propagated: created.propagated });
  });

  router.post('/calendars/:code/recompute-preview', async (req, res) => {
    await callerFor(db, req);
    const { code } = parse(calendarCodeParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const { version } = parse(recomputePreviewBody, jsonBody(req));
    const preview = await previewRecompute(db, code, version);
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
    const { code } = parse(calendarCodeParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const { version, reason, dossierCodes } = parse(recomputeBody, jsonBody(req));
    res.json(await applyRecompute(db, temporal, caller, { code, version, reason, dossierCodes }));
  });

  router.get('/calendars/:code/recomputations', async (req, res) => {
    await callerFor(db, req);
    const { code } = parse(calendarCodeParam, req.params, 'params');
    res.json({ items: await listRecomputations(db, code) });
  });

  router.put('/agencies/:eid/calendar', async (req, res) => {
    const caller = await callerFor(db, req);
    requireAdmin(caller);
    const { eid } = parse(agencyEidParam, req.params, 'params');
    parse(noQuery, req.query, 'query');
    const { code, reason } = parse(agencyCalendarBody, jsonBody(req));
    const result = await db.transaction(async (trx) => {
      const agency = await trx('agencies as a')
        .leftJoin('work_calendars as c', 'c.id', 'a.calendar_id')
        .where('a.eid', eid)
        .forUpdate('a')
        .first('a.id', 'a.eid', 'a.name', 'c.code as calendar_code', 'c.version as calendar_version');
      if (!agency) throw new HttpProblem(404, 'Agency not found', `Không có cơ quan mã ${eid}.`);
      const latest = await latestRow(trx, code);
      if (!latest) {
        throw new HttpProblem(422, 'Invalid request', `Không có lịch ${code}.`, { errors: [{ field: 'code', message: 'không có lịch này' }] });
      }
      // Pointing at the latest row is only a convenience: an agency always works by the latest version of its code.
      await trx('agencies').where('id', agency.id).update({ calendar_id: latest.id });
      return {
        agency: { eid: agency.eid, name: agency.name },
        calendar: { code: latest.code, version: latest.version },
        previous: agency.calendar_code ? { code: agency.calendar_code, version: agency.calendar_version } : null,
        reason,
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
