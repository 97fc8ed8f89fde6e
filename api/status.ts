import type { Router } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { parseDossierCode } from '../domain/dossier-code';
import { applicantDossiers, publicStatus } from '../dossiers/lookup';
import { principalOf, requireCitizen } from './auth';
import { HttpProblem } from './problem';

/**
 * Public status lookup (tra cứu tình trạng hồ sơ): the fields the HCMC portal guide names,
 * personal data masked. Dossier codes are sequential by law, so the code alone would let
 * anyone walk through every dossier: the lookup also asks for the last 4 digits of the
 * applicant's ID number (`check`), and an unknown code and a wrong check get the same
 * answer from the same work. A signed-in applicant needs no check for their own dossiers,
 * and lists them all at GET /citizen/dossiers (the lookup by ID number).
 */
export function statusRoutes(db: Db): Router {
  const router = apiRouter();
  router.get('/status/:code', async (req, res) => {
    const code = String(req.params.code).trim();
    if (!parseDossierCode(code)) {
      throw new HttpProblem(400, 'Bad dossier code', `Mã hồ sơ "${code}" không đúng định dạng <mã cơ quan>-<YYMMDD>-<số thứ tự>, ví dụ 000.20.20.H29-260310-0001.`);
    }
    const principal = principalOf(req);
    const owner = principal?.kind === 'citizen' ? principal.idNumber : null;
    const check = typeof req.query.check === 'string' ? req.query.check.trim() : '';
    if (!owner && !/^\d{4}$/.test(check)) {
      throw new HttpProblem(400, 'Check digits required', 'Vui lòng nhập 4 số cuối số CCCD/CMND của người nộp hồ sơ (tham số check) cùng mã hồ sơ.');
    }
    const answer = await publicStatus(db, code, owner, check);
    res.set('Cache-Control', 'no-store').json(answer);
  });
  /** Tra cứu theo số CCCD: the signed-in citizen's own dossiers, and nobody else's. */
  router.get('/citizen/dossiers', async (req, res) => {
    const citizen = requireCitizen(req);
    const answer = await applicantDossiers(db, citizen.idNumber);
    res.set('Cache-Control', 'no-store').json(answer);
  });
  return router;
}
