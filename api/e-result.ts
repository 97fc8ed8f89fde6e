import type { Router } from 'express';
import { apiRouter } from './router';
import { documentPagePolicy } from './security-headers';
import type { Db } from '../db/connection';
import { eResult, resultDossier } from '../delivery/e-result';
import { sendForm } from './forms';
import { citizenIdOf, requireApplicant } from './identity';

/** The applicant downloads the electronic result of their dossier (delivery/e-result.ts); also at /citizen/dossiers/{code}/forms/result. */
export function eResultRoutes(db: Db): Router {
  const router = apiRouter();
  router.post('/citizen/dossiers/:code/result', documentPagePolicy, async (req, res) => {
    const idNumber = citizenIdOf(req);
    const d = await resultDossier(db, String(req.params.code));
    requireApplicant(d, idNumber);
    sendForm(res, await eResult(db, d!));
  });
  return router;
}
