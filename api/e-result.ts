import type { Router } from 'express';
import { apiRouter } from './router';
import { documentPagePolicy } from './security-headers';
import type { Db } from '../db/connection';
import { eResult, resultDossier } from '../delivery/e-result';
import { citizenIdOf, requireApplicant } from './identity';

/** The applicant downloads the electronic result of their dossier (delivery/e-result.ts). */
export function eResultRoutes(db: Db): Router {
  const router = apiRouter();
  router.post('/citizen/dossiers/:code/result', documentPagePolicy, async (req, res) => {
    const idNumber = citizenIdOf(req);
    const d = await resultDossier(db, String(req.params.code));
    requireApplicant(d, idNumber);
    const doc = await eResult(db, d!);
    res
      .status(200)
      .type('html')
      .set('Content-Disposition', `attachment; filename="${doc.fileName}"`)
      .set('Repr-Digest', `sha-256=:${doc.digest}:`)
      .set('Cache-Control', 'no-store')
      .send(doc.html);
  });
  return router;
}
