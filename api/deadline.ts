import type { Router, Request } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { deadlineDossier, explainDeadline } from '../calendars/deadline';
import { parseDossierCode } from '../domain/dossier-code';
import { alertsOf, readAlert } from '../supervision/alerts';
import { identifiedUser, officerDossier } from './identity';
import { HttpProblem } from './problem';

/**
 * The deadline explained (GET /dossiers/{code}/deadline, calendars/deadline.ts) and officers'
 * deadline alerts (supervision/alerts.ts).
 */
export function deadlineRoutes(db: Db): Router {
  const router = apiRouter();

  router.get('/dossiers/:code/deadline', async (req, res) => {
    const code = String(req.params.code);
    const { dossier } = await officerDossier(db, req, async () => {
      if (!parseDossierCode(code)) throw new HttpProblem(400, 'Bad dossier code', `"${code}" không phải mã hồ sơ (dạng <mã định danh cơ quan>-<YYMMDD>-<số thứ tự>).`, { reason: 'MalformedDossierCode' });
      return deadlineDossier(db, code);
    });
    res.json(await explainDeadline(db, dossier, () => parseAsOf(req)));
  });

  /** Deadline alerts (sắp đến hạn, quá hạn, nhắc lại) of the calling officer. */
  router.get('/alerts', async (req, res) => {
    const user = await identifiedUser(db, req);
    res.json(await alertsOf(db, user.id, req.query.unread === 'true'));
  });

  router.post('/alerts/:id/read', async (req, res) => {
    const user = await identifiedUser(db, req);
    const raw = String(req.params.id);
    const id = Number(raw);
    // A bigint column: anything past a safe integer is no alert of ours, not a database error.
    if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id)) throw new HttpProblem(404, 'Not found', `No alert ${raw.slice(0, 40)}.`);
    await readAlert(db, user, id);
    res.status(204).end();
  });

  return router;
}

function parseAsOf(req: Request): Date {
  const raw = req.query.asOf;
  if (raw === undefined) return new Date();
  const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(at)) throw new HttpProblem(422, 'Invalid request', 'Thời điểm tính (asOf) phải là ngày giờ theo ISO 8601.', { reason: 'InvalidAsOf' });
  return new Date(at);
}
