import type { Router, RequestHandler } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { previewAppointment } from '../calendars/sla-preview';
import { HttpProblem } from './problem';
import { jsonBody } from './contract';
import { previewIssues, slaPreviewBody } from './sla-preview-schemas';

/** Public deadline preview (xem trước ngày hẹn trả), computed by calendars/sla-preview.ts. Citizens read the errors. */
export function slaPreviewRoutes(deps: { db: Db; limiter?: RequestHandler }): Router {
  const { db } = deps;
  const router = apiRouter();
  const limited: RequestHandler[] = deps.limiter ? [deps.limiter] : [];

  router.post('/sla/preview', ...limited, async (req, res) => {
    const raw = jsonBody(req);
    const parsed = slaPreviewBody.safeParse(raw);
    if (!parsed.success) {
      // The citizen reads `detail`: every mistake named there, in Vietnamese.
      const errors = previewIssues(parsed.error, raw);
      throw new HttpProblem(422, 'Invalid request', `Thông tin chưa hợp lệ: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, { errors });
    }
    res.set('Cache-Control', 'no-store').json(await previewAppointment(db, parsed.data));
  });

  return router;
}
