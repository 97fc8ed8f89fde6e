import type { Router, Request, Response } from 'express';
import { apiRouter } from './router';
import type { z } from 'zod';
import type { DossierClient } from '../dossiers/client';
import type { Db } from '../db/connection';
import { changeAgencyCalendar } from '../calendars/agency-calendar';
import { describeCalendar, listCalendars } from '../calendars/read';
import { applyRecompute, listRecomputations, recomputePreviewReport } from '../calendars/recompute';
import { createCalendar, createVersion, type CreatedVersion } from '../calendars/versions';
import { requireAdmin } from '../domain/officer';
import { callerFor } from './caller';
import * as schemas from './calendar-schemas';
import { jsonBody, parse } from './contract';

/**
 * Working calendars as data (issue 4): officers read them, administrators write new
 * versions, move an agency to another calendar, and recompute open dossiers on a newer
 * version by an explicit, logged decision. Requests are parsed with the schemas of
 * `calendar-schemas.ts`; the checks against stored calendars are made by calendars/.
 */
export function calendarRoutes(deps: { db: Db; dossiers: DossierClient }): Router {
  const { db, dossiers } = deps;
  const router = apiRouter();
  const { noQuery, calendarCodeParam } = schemas;

  /**
   * A command on calendars: the caller (an administrator when `admin`), then the path
   * parameters, no query, and the body, refused in that order.
   */
  async function command<P extends z.ZodType, B extends z.ZodType>(req: Request, admin: boolean, params: P, body: B) {
    const caller = await callerFor(db, req);
    if (admin) requireAdmin(caller);
    const path = parse(params, req.params, 'params');
    parse(noQuery, req.query, 'query');
    return { caller, path, body: parse(body, jsonBody(req)) };
  }

  /** 201 with the new version in full, where it can be read again, and the versions that followed it. */
  async function sendCreated(res: Response, created: CreatedVersion): Promise<void> {
    res
      .status(201)
      .location(`/api/v1/calendars/${encodeURIComponent(created.code)}?version=${created.version}`)
      .json({ ...(await describeCalendar(db, created.code, created.version)), propagated: created.propagated });
  }

  router.get('/calendars', async (req, res) => {
    await callerFor(db, req);
    parse(noQuery, req.query, 'query');
    res.json({ items: await listCalendars(db) });
  });

  router.post('/calendars', async (req, res) => {
    // No path parameters: `noQuery` is the empty object they are.
    const { caller, body } = await command(req, true, noQuery, schemas.createCalendarBody);
    const { code, name, baseCode, reason, weeklyHours, coverageFrom, coverageTo, days } = body;
    await sendCreated(res, await createCalendar(db, { code, name, baseCode, reason, weeklyHours, coverageFrom, coverageTo, days }, caller.userId));
  });

  router.get('/calendars/:code', async (req, res) => {
    await callerFor(db, req);
    const { code } = parse(calendarCodeParam, req.params, 'params');
    const { version } = parse(schemas.calendarQuery, req.query, 'query');
    res.json(await describeCalendar(db, code, version));
  });

  router.post('/calendars/:code/versions', async (req, res) => {
    const { caller, path, body } = await command(req, true, calendarCodeParam, schemas.newVersionBody);
    await sendCreated(res, await createVersion(db, path.code, body, caller.userId));
  });

  router.post('/calendars/:code/recompute-preview', async (req, res) => {
    const { path, body } = await command(req, false, calendarCodeParam, schemas.recomputePreviewBody);
    res.json(await recomputePreviewReport(db, path.code, body.version));
  });

  router.post('/calendars/:code/recompute', async (req, res) => {
    const { caller, path, body } = await command(req, true, calendarCodeParam, schemas.recomputeBody);
    const { version, reason, dossierCodes } = body;
    res.json(await applyRecompute(db, dossiers, caller, { code: path.code, version, reason, dossierCodes }));
  });

  router.get('/calendars/:code/recomputations', async (req, res) => {
    await callerFor(db, req);
    const { code } = parse(calendarCodeParam, req.params, 'params');
    res.json({ items: await listRecomputations(db, code) });
  });

  router.put('/agencies/:eid/calendar', async (req, res) => {
    const { caller, path, body } = await command(req, true, schemas.agencyEidParam, schemas.agencyCalendarBody);
    const { eid } = path;
    const { code, reason } = body;
    const result = await changeAgencyCalendar(db, caller, { eid, code, reason });
    // No audit table for agency settings yet: the decision is at least in the API log.
    process.stdout.write(
      `api: agency ${eid} now works by calendar ${result.calendar.code} (was ${result.previous?.code ?? 'none'}), by ${caller.username}: ${reason}\n`,
    );
    res.json(result);
  });

  return router;
}
