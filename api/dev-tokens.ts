import type { Router } from 'express';
import { apiRouter } from './router';
import { CITIZEN_ID } from '../domain/principal';
import { DEV_CITIZEN_TOKEN_SECONDS, devTokenLifetime, signCitizenToken, type AuthConfig } from './auth';
import { HttpProblem } from './problem';
import { bodyOf } from './validation';

/**
 * The development citizen sign-in, standing in for VNeID: it hands out a citizen token for
 * an ID number. Mounted only when AUTH_DEV_CITIZEN_ISSUER is on (never in production).
 */
export function devTokenRoutes(auth: AuthConfig): Router {
  const router = apiRouter();
  router.post('/citizen-token', async (req, res) => {
    const body = bodyOf(req.body);
    const idNumber = typeof body.idNumber === 'string' ? body.idNumber.trim() : '';
    if (!CITIZEN_ID.test(idNumber)) throw new HttpProblem(422, 'Invalid request', 'Số CCCD gồm 12 chữ số hoặc CMND gồm 9 chữ số.');
    const fullName = typeof body.fullName === 'string' && body.fullName.trim() ? body.fullName.trim().slice(0, 200) : undefined;
    res.json({ token: await signCitizenToken(auth.citizen, { idNumber, fullName }), tokenType: 'Bearer', expiresIn: devTokenLifetime(auth.citizen, DEV_CITIZEN_TOKEN_SECONDS) });
  });
  return router;
}
