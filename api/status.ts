import type { Router } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { parseDossierCode } from '../domain/dossier-code';
import { applicantDossiers, checkedStatus, lookupNotFound, ownerStatus } from '../dossiers/lookup';
import { principalOf, requireCitizen } from './auth';
import { HttpProblem } from './problem';
import type { CheckGuard } from './rate-limit';

/**
 * Public status lookup (tra cứu tình trạng hồ sơ): the fields the HCMC portal guide names,
 * personal data masked. Dossier codes are sequential by law, so the code alone would let
 * anyone walk through every dossier: the lookup also asks for the last 4 digits of the
 * applicant's ID number (`check`), and an unknown code and a wrong check get the same
 * answer from the same work. Four digits are 10,000 guesses: failed checks are counted per
 * code and per client (`guard`, api/rate-limit.ts `checkGuard`), unknown codes like known
 * ones, and a locked code or client gets 429 for any check, right or wrong, until the
 * lock-out ends. A signed-in applicant needs no check for their own dossiers and is never
 * locked out; they list them all at GET /citizen/dossiers (the lookup by ID number).
 */
export function statusRoutes(db: Db, guard?: CheckGuard): Router {
  const router = apiRouter();
  router.get('/status/:code', async (req, res) => {
    const code = String(req.params.code).trim();
    if (!parseDossierCode(code)) {
      throw new HttpProblem(400, 'Bad dossier code', `Mã hồ sơ "${code}" không đúng định dạng <mã cơ quan>-<YYMMDD>-<số thứ tự>, ví dụ 000.20.20.H29-260310-0001.`);
    }
    const principal = principalOf(req);
    if (principal?.kind === 'citizen') {
      res.set('Cache-Control', 'no-store').json(await ownerStatus(db, code, principal.idNumber));
      return;
    }
    const check = typeof req.query.check === 'string' ? req.query.check.trim() : '';
    if (!/^\d{4}$/.test(check)) {
      throw new HttpProblem(400, 'Check digits required', 'Vui lòng nhập 4 số cuối số CCCD/CMND của người nộp hồ sơ (tham số check) cùng mã hồ sơ.');
    }
    const answer = await checkedStatus(db, code, check);
    const wait = guard ? await guard.settle(code, req.ip ?? 'unknown', answer === null) : 0;
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      // Said the same of every code, known or not: it tells that checks failed, not that the dossier exists.
      throw new HttpProblem(
        429,
        'Too many failed checks',
        `Mã hồ sơ này hoặc thiết bị của Ông/Bà đã nhập sai 4 số cuối giấy tờ quá nhiều lần. Vui lòng thử lại sau ${wait} giây, hoặc đăng nhập bằng tài khoản định danh điện tử để tra cứu hồ sơ của mình.`,
        { reason: 'LookupLocked', retryAfterSeconds: wait },
      );
    }
    if (!answer) throw lookupNotFound();
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
