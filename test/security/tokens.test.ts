import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { Redis } from 'ioredis';
import { createApp } from '../../api/app';
import { signCitizenToken, signOfficerToken } from '../../api/auth';
import { createDb } from '../../db/connection';
import { authConfig } from '../../platform/config';
import { serve } from '../helpers/stack';

/**
 * Issue 14, finding 8: every token must expire, and soon. A token without `exp`, one whose
 * lifetime (exp − iat, or exp − now without iat or with an iat in the future) is longer than
 * AUTH_MAX_TOKEN_LIFETIME_SECONDS (12 h by default), and an expired one are refused with 401
 * and a reason; the development issuers sign within the limit.
 */
const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

describe('token lifetimes', () => {
  const db = createDb(inject('databaseUrl'), { max: 2 });
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  const auth = authConfig({});
  const short = authConfig({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: '3600' });
  const servers: Array<{ baseUrl: string; close(): Promise<void> }> = [];
  let base: string;
  let shortBase: string;

  beforeAll(async () => {
    for (const a of [auth, short]) servers.push(await serve(createApp({ db, redis, temporal: {} as never, taskQueue: 'unused', auth: a })));
    [base, shortBase] = servers.map((s) => s.baseUrl) as [string, string];
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    redis.disconnect();
    await db.destroy();
  });

  /** A token of a development issuer with exactly these time claims (absent when undefined). */
  const token = (who: 'officer' | 'citizen', times: { iat?: number; exp?: number }) => {
    const cfg = auth[who];
    const claims: JWTPayload = who === 'officer' ? { preferred_username: 'giamsat.saigon', roles: [{ agency: '000.20.20.H29', role: 'supervisor' }] } : {};
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(who === 'officer' ? 'giamsat.saigon' : '079301880001').setIssuer(cfg.issuer).setAudience(cfg.audience);
    if (times.iat !== undefined) jwt = jwt.setIssuedAt(times.iat);
    if (times.exp !== undefined) jwt = jwt.setExpirationTime(times.exp);
    return jwt.sign(new TextEncoder().encode(cfg.secret));
  };
  const ask = async (who: 'officer' | 'citizen', jwt: string, at = base) => {
    const res = await fetch(`${at}${who === 'officer' ? '/api/v1/alerts' : '/api/v1/citizen/dossiers'}`, { headers: { Authorization: `Bearer ${jwt}` } });
    const body = (await res.json()) as { reason?: string; detail?: string };
    return { status: res.status, reason: body.reason ?? null };
  };

  for (const who of ['officer', 'citizen'] as const) {
    it(`${who}: accepts a token of up to 12 hours, refuses one without exp, too long-lived or expired`, async () => {
      const t = now();
      expect(await ask(who, await token(who, { iat: t, exp: t + HOUR }))).toEqual({ status: 200, reason: null });
      expect(await ask(who, await token(who, { iat: t, exp: t + 12 * HOUR }))).toEqual({ status: 200, reason: null });
      expect(await ask(who, await token(who, { exp: t + HOUR }))).toEqual({ status: 200, reason: null }); // no iat: counted from now

      expect(await ask(who, await token(who, { iat: t }))).toEqual({ status: 401, reason: 'TokenWithoutExpiry' });
      expect(await ask(who, await token(who, {}))).toEqual({ status: 401, reason: 'TokenWithoutExpiry' });
      expect(await ask(who, await token(who, { iat: t, exp: t + 12 * HOUR + 120 }))).toEqual({ status: 401, reason: 'TokenLifetimeTooLong' });
      expect(await ask(who, await token(who, { iat: t - 30 * 24 * HOUR, exp: t + HOUR }))).toEqual({ status: 401, reason: 'TokenLifetimeTooLong' }); // issued a month ago
      expect(await ask(who, await token(who, { exp: t + 10 * 365 * 24 * HOUR }))).toEqual({ status: 401, reason: 'TokenLifetimeTooLong' });
      expect(await ask(who, await token(who, { iat: t + 24 * HOUR, exp: t + 25 * HOUR }))).toEqual({ status: 401, reason: 'TokenLifetimeTooLong' }); // "issued" tomorrow
      expect(await ask(who, await token(who, { iat: t - 2 * HOUR, exp: t - HOUR }))).toEqual({ status: 401, reason: 'TokenExpired' });
    });
  }

  it('takes its limit from AUTH_MAX_TOKEN_LIFETIME_SECONDS, and refuses a limit under a minute', async () => {
    expect(short.officer.maxLifetimeSeconds).toBe(3600);
    expect(auth.citizen.maxLifetimeSeconds).toBe(12 * HOUR);
    const t = now();
    expect(await ask('officer', await token('officer', { iat: t, exp: t + HOUR }), shortBase)).toEqual({ status: 200, reason: null });
    expect(await ask('officer', await token('officer', { iat: t, exp: t + 2 * HOUR }), shortBase)).toEqual({ status: 401, reason: 'TokenLifetimeTooLong' });
    expect(() => authConfig({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: '30' })).toThrow(/at least 60/);
    expect(() => authConfig({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: 'forever' })).toThrow(/AUTH_MAX_TOKEN_LIFETIME_SECONDS/);
  });

  it('has the development issuers sign within the limit', async () => {
    const lifetime = (jwt: string) => {
      const { iat, exp } = decodeJwt(jwt);
      return exp! - iat!;
    };
    const officer = await signOfficerToken(short.officer, { username: 'giamsat.saigon', fullName: 'x', roles: [{ agency: '000.20.20.H29', role: 'supervisor' }] }, 48 * HOUR);
    expect(lifetime(officer)).toBe(HOUR);
    expect((await ask('officer', officer, shortBase)).status).toBe(200);
    expect(lifetime(await signOfficerToken(auth.officer, { username: 'giamsat.saigon', fullName: 'x', roles: [] }))).toBe(8 * HOUR);
    expect(lifetime(await signCitizenToken(short.citizen, { idNumber: '079301880001' }, 48 * HOUR))).toBe(HOUR);

    const res = await fetch(`${base}/dev/citizen-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ idNumber: '079301880001' }) });
    const issued = (await res.json()) as { token: string; expiresIn: number };
    expect(issued.expiresIn).toBe(2 * HOUR);
    expect(lifetime(issued.token)).toBe(issued.expiresIn);
    const shortIssued = (await (await fetch(`${shortBase}/dev/citizen-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ idNumber: '079301880001' }) })).json()) as { token: string; expiresIn: number };
    expect([shortIssued.expiresIn, lifetime(shortIssued.token)]).toEqual([HOUR, HOUR]);
  });

  it('writes nothing for a refused token', async () => {
    const before = Number((await db('audit_log').count<{ count: string }[]>('* as count'))[0]!.count);
    const res = await fetch(`${base}/api/v1/alerts/1/read`, { method: 'POST', headers: { Authorization: `Bearer ${await token('officer', { iat: now() })}` } });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(Number((await db('audit_log').count<{ count: string }[]>('* as count'))[0]!.count)).toBe(before);
  });
});
