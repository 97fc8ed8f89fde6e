import type { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connection';
import { RATING_COMMENT_MAX, SATISFACTION_LABELS, SATISFACTION_LEVELS } from '../domain/rating';
import { ownDossierToRate, rateDossier } from '../dossiers/ratings';
import { citizenIdOf } from './identity';
import { declareRoute, dossierCodeParam, jsonBody, parse, vnInstant } from './contract';
import { apiRouter } from './router';

const levels = SATISFACTION_LEVELS.map((l) => `${l} (${SATISFACTION_LABELS[l]})`).join(', ');

export const ratingBody = z.strictObject({
  level: z.enum(SATISFACTION_LEVELS, { error: `phải là một trong các mức: ${levels}` }).describe(`Mức độ hài lòng: ${levels}`),
  comment: z.string().trim().max(RATING_COMMENT_MAX).optional().describe('Ý kiến (không bắt buộc)'),
});

/** The applicant's rating, as recorded. */
export const ratingResponse = z.strictObject({
  code: z.string(),
  level: z.enum(SATISFACTION_LEVELS),
  label: z.string(),
  comment: z.string().nullable(),
  ratedAt: vnInstant,
}).meta({ id: 'Rating' });

declareRoute({
  method: 'post',
  path: '/api/v1/citizen/dossiers/:code/rating',
  summary: 'The applicant rates their satisfaction (đánh giá mức độ hài lòng) once, after completion: Rất hài lòng / Hài lòng / Không hài lòng, with an optional comment',
  tags: ['Citizen'],
  access: 'citizen',
  params: dossierCodeParam,
  body: ratingBody,
  responses: {
    201: 'Rated',
    401: 'Not signed in',
    403: 'Not a citizen',
    404: 'No such dossier of theirs',
    409: 'Not yet completed (reason RatingBeforeCompletion) or already rated (reason AlreadyRated, with the rating)',
    422: 'Invalid level or comment',
  },
  responseBodies: { 201: ratingResponse },
});

export function ratingRoutes(db: Db): Router {
  const router = apiRouter();
  router.post('/citizen/dossiers/:code/rating', async (req, res) => {
    const idNumber = citizenIdOf(req);
    // Whose dossier first: another citizen learns nothing, not even what the body should hold.
    const dossier = await ownDossierToRate(db, String(req.params.code).trim(), idNumber);
    const body = parse(ratingBody, jsonBody(req));
    const rating = await rateDossier(db, dossier, body);
    res.status(201).set('Cache-Control', 'no-store').json(rating);
  });
  return router;
}
