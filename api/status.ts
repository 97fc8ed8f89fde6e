import type { Response, Router } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { parseDossierCode } from '../domain/dossier-code';
import { applicantDossiers, checkedStatus, lookupNotFound, ownerStatus } from '../dossiers/lookup';
import { idNumberKey, sendLookupCode, type IdLookupCodes } from '../dossiers/id-lookup';
import { logger } from '../platform/logger';
import { principalOf, requireCitizen } from './auth';
import { declareRoute, jsonBody, parse } from './contract';
import { applicantDossiersResponse, idLookupSentResponse } from './dossier-schemas';
import { HttpProblem } from './problem';
import type { CheckGuard, LookupGate } from './rate-limit';
import { weakEtag, type LookupCache } from '../dossiers/lookup-cache';
import { z } from 'zod';
import { CITIZEN_ID, CITIZEN_ID_MESSAGE } from '../domain/principal';

const idNumber = z.string().trim().regex(CITIZEN_ID, { error: `phải là ${CITIZEN_ID_MESSAGE}` });
export const idLookupBody = z.strictObject({ idNumber: idNumber.describe('Số CCCD (12 chữ số) hoặc CMND (9 chữ số) của người nộp hồ sơ') });
export const idLookupVerifyBody = z.strictObject({
  idNumber,
  code: z.string().trim().regex(/^\d{6}$/, { error: 'mã xác thực gồm 6 chữ số' }).describe('The one-time code sent by SMS / e-mail'),
});

declareRoute({
  method: 'post',
  path: '/api/v1/status/by-id-number',
  summary: 'Lookup by ID number, step 1: sends a one-time code by SMS and e-mail to the contact on file for that ID’s dossiers; the same answer whether or not any exist',
  tags: ['Citizen'],
  access: 'public',
  body: idLookupBody,
  responses: { 202: 'Accepted (said the same of every ID number)', 422: 'Malformed ID number', 429: 'Too many codes asked for this ID number or from this client (Retry-After)', 503: 'Lookup unavailable' },

  responseBodies: { 202: idLookupSentResponse },
});
declareRoute({
  method: 'post',
  path: '/api/v1/status/by-id-number/verify',
  summary: 'Lookup by ID number, step 2: the ID number and the one-time code give the list of that person’s dossiers (code, procedure, masked applicant, receipt and appointment dates, status)',
  tags: ['Citizen'],
  access: 'public',
  body: idLookupVerifyBody,
  responses: {
    200: 'The dossiers, applicant masked',
    422: 'Malformed input, a wrong code (reason LookupCodeWrong, attemptsLeft) or no valid code (reason LookupCodeExpired: expired, used, or too many wrong tries)',
    429: 'Too many wrong codes for this ID number or from this client (Retry-After)',
    503: 'Lookup unavailable',
  },

  responseBodies: { 200: applicantDossiersResponse },
});

/** The lookup by ID number: its codes, and the lock-outs of asking for codes and of wrong codes. */
export interface IdLookupDeps {
  codes: IdLookupCodes;
  /** Counts every code asked for, per ID number and per client. */
  sendGuard: CheckGuard;
  /** Counts wrong codes, per ID number and per client. */
  codeGuard: CheckGuard;
}

function locked(wait: number, reason: string, detail: string): HttpProblem {
  return new HttpProblem(429, 'Too many attempts', detail, { reason, retryAfterSeconds: wait });
}

/** Said the same of every code, known or not: it tells that checks failed, not that the dossier exists. */
function lookupLocked(res: Response, wait: number): HttpProblem {
  res.set('Retry-After', String(wait));
  return new HttpProblem(
    429,
    'Too many failed checks',
    `Mã hồ sơ này hoặc thiết bị của Ông/Bà đã nhập sai 4 số cuối giấy tờ quá nhiều lần. Vui lòng thử lại sau ${wait} giây, hoặc đăng nhập bằng tài khoản định danh điện tử để tra cứu hồ sơ của mình.`,
    { reason: 'LookupLocked', retryAfterSeconds: wait },
  );
}

export interface PublicLookupDeps {
  db: Db;
  /** The rate limit and the lock-outs, read in one Redis call before any work. */
  gate: LookupGate;
  /** Records a failed check (the same guard as the full route's). */
  guard: CheckGuard;
  /** The answers kept in this process (dossiers/lookup-cache.ts); none when absent. */
  cache?: LookupCache | null;
}

const CHECK = /^\d{4}$/;

/**
 * The public lookup as almost every citizen asks it — `GET /status/{code}?check=NNNN`, no token,
 * no body, no other parameter — mounted before the middleware it does not need (authentication,
 * body parser, audit, the unknown-field and idempotency guards, every other router), after the
 * request id, security headers, metrics, access log and URL check every request gets. Anything
 * else (a token, a malformed code or check, another parameter) goes on to the full route
 * (`statusRoutes`), which answers it as before. Same answers and same lock-outs as the full
 * route: the rate limit and the lock-outs in one Redis call before any work (api/rate-limit.ts
 * `lookupGate`), a failed check counted after (`guard.settle`); an unknown code and a wrong
 * check do the same work (the database) and get the same 404. A found answer is kept
 * (dossiers/lookup-cache.ts) until the dossier changes.
 */
export function publicStatusRoute(deps: PublicLookupDeps): Router {
  const { db, gate, guard, cache } = deps;
  type Found = { answer: NonNullable<Awaited<ReturnType<typeof checkedStatus>>>; body: Buffer; etag: string };
  const reading = new Map<string, Promise<Found | null>>();
  /** The database's answer for a code and check, kept in the cache when found (unless the code changed meanwhile). */
  const read = async (code: string, check: string): Promise<Found | null> => {
    const r = cache?.begin(code);
    try {
      const answer = await checkedStatus(db, code, check);
      if (!answer) return null;
      const body = Buffer.from(JSON.stringify(answer));
      const found = { answer, body, etag: weakEtag(body) };
      // A stage of a chain shows the other stages, whose changes are told under their own codes: not kept.
      if (r && !answer.chain) cache!.store(r, check, found);
      return found;
    } finally {
      if (r) cache!.end(r);
    }
  };
  const router = apiRouter();
  router.get('/status/:code', async (req, res, next) => {
    const query = req.query as Record<string, unknown>;
    const check = query.check;
    const code = String(req.params.code);
    const plain =
      typeof check === 'string' &&
      CHECK.test(check) &&
      Object.keys(query).length === 1 &&
      req.headers.authorization === undefined &&
      req.headers['content-length'] === undefined &&
      req.headers['transfer-encoding'] === undefined &&
      code.trim() === code &&
      parseDossierCode(code) !== null;
    if (!plain) return next();
    const wait = await gate.enter(req, res, code);
    if (wait === 'limited') return;
    if (wait > 0) throw lookupLocked(res, wait);
    const kept = cache?.get(code, check);
    if (kept) {
      res.set({ 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8', ETag: kept.etag }).send(kept.body);
      return;
    }
    // Requests for the same code and check while one reads the database wait for its answer (one read, not one each).
    const key = `${code}\u0000${check}`;
    let pending = reading.get(key);
    const first = !pending;
    if (!pending) {
      pending = read(code, check).finally(() => reading.delete(key));
      reading.set(key, pending);
    }
    const found = await pending;
    if (!found) {
      // Counted for every request, the ones that waited included: each is a failed check.
      const locked = await guard.settle(code, req.ip ?? 'unknown', true);
      if (locked > 0) throw lookupLocked(res, locked);
      throw lookupNotFound();
    }
    res.set({ 'Cache-Control': 'no-store', ETag: found.etag });
    if (first) res.json(found.answer);
    else res.set('Content-Type', 'application/json; charset=utf-8').send(found.body);
  });
  return router;
}

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
export function statusRoutes(db: Db, guard?: CheckGuard, idLookup?: IdLookupDeps): Router {
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
    if (wait > 0) throw lookupLocked(res, wait);
    if (!answer) throw lookupNotFound();
    res.set('Cache-Control', 'no-store').json(answer);
  });
  if (idLookup) {
    const { codes, sendGuard, codeGuard } = idLookup;
    /**
     * Step 1. Everything before the answer is the same work for any ID number: count the
     * request, make and store a code. Finding the contact and queueing the SMS and e-mail come
     * after the answer is sent (not awaited), so its time does not tell whether dossiers exist.
     */
    router.post('/status/by-id-number', async (req, res) => {
      const { idNumber: id } = parse(idLookupBody, jsonBody(req));
      const wait = await sendGuard.settle(idNumberKey(id), req.ip ?? 'unknown', true);
      if (wait > 0) {
        res.set('Retry-After', String(wait));
        throw locked(wait, 'LookupCodeRequestsLocked', `Đã yêu cầu mã xác thực quá nhiều lần cho số giấy tờ này hoặc từ thiết bị này. Vui lòng thử lại sau ${wait} giây.`);
      }
      const code = await codes.issue(id);
      res
        .status(202)
        .set('Cache-Control', 'no-store')
        .json({
          message: `Nếu số giấy tờ này có hồ sơ, mã xác thực đã được gửi qua tin nhắn SMS và thư điện tử tới số điện thoại, địa chỉ thư đã khai trong hồ sơ. Mã có hiệu lực ${code.validMinutes} phút và chỉ dùng một lần.`,
          expiresInSeconds: codes.ttlSeconds,
          next: '/api/v1/status/by-id-number/verify',
        });
      sendLookupCode(db, id, code).catch((err: Error) => logger.error({ err: err.message }, 'lookup code not queued'));
    });

    /** Step 2. The code checked (a match uses it up), then the lock-outs, then the list. */
    router.post('/status/by-id-number/verify', async (req, res) => {
      const { idNumber: id, code } = parse(idLookupVerifyBody, jsonBody(req));
      const check = await codes.check(id, code);
      const wait = await codeGuard.settle(idNumberKey(id), req.ip ?? 'unknown', check.kind !== 'match');
      if (wait > 0) {
        res.set('Retry-After', String(wait));
        throw locked(wait, 'LookupCodeLocked', `Đã nhập sai mã xác thực quá nhiều lần cho số giấy tờ này hoặc từ thiết bị này. Vui lòng thử lại sau ${wait} giây.`);
      }
      if (check.kind === 'wrong' && check.attemptsLeft > 0) {
        throw new HttpProblem(422, 'Wrong lookup code', `Mã xác thực không đúng. Ông/Bà còn ${check.attemptsLeft} lần nhập.`, { reason: 'LookupCodeWrong', attemptsLeft: check.attemptsLeft });
      }
      if (check.kind !== 'match') {
        throw new HttpProblem(422, 'Lookup code expired', 'Mã xác thực đã hết hiệu lực, đã được sử dụng hoặc đã nhập sai quá số lần cho phép. Vui lòng yêu cầu mã mới.', { reason: 'LookupCodeExpired' });
      }
      res.set('Cache-Control', 'no-store').json(await applicantDossiers(db, id));
    });
  }

  /** Tra cứu theo số CCCD: the signed-in citizen's own dossiers, and nobody else's. */
  router.get('/citizen/dossiers', async (req, res) => {
    const citizen = requireCitizen(req);
    const answer = await applicantDossiers(db, citizen.idNumber);
    res.set('Cache-Control', 'no-store').json(answer);
  });
  return router;
}
