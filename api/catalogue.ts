import type { Router } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { describeProcedure, listProcedures } from '../calendars/catalogue';

/** Public procedure catalogue (calendars/catalogue.ts): what can be filed, where, how long it takes and what it costs. */
export function catalogueRoutes(db: Db): Router {
  const router = apiRouter();

  router.get('/procedures', async (_req, res) => {
    res.json({ items: await listProcedures(db) });
  });

  router.get('/procedures/:code', async (req, res) => {
    res.json(await describeProcedure(db, req.params.code));
  });

  return router;
}
