import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import type { Server } from 'node:http';
import { createApp } from '../../api/app';
import { signOfficerToken, type AuthConfig } from '../../api/auth';
import { createDb } from '../../db/connection';
import { authConfig } from '../../platform/config';
import { freePort } from '../../platform/temporal-dev-server';

/**
 * Token verification as production runs it: officer tokens signed by an identity provider
 * and checked against its JWKS (RS256 here, served by a local stand-in), and every way a
 * token can be wrong refused with 401.
 */
describe('bearer tokens', () => {
  const db = createDb(inject('databaseUrl'), { max: 2 });
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  let idp: Server;
  let api: Server;
  let base: string;
  let privateKey: SigningKey;
  let otherKey: SigningKey;
  let auth: AuthConfig;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    const idpPort = await freePort();
    idp = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => idp.listen(idpPort, '127.0.0.1', r));
    const dev = authConfig({});
    auth = { ...dev, officer: { issuer: 'https://idp.hochiminhcity.gov.vn', audience: 'dossier-api', jwksUrl: `http://127.0.0.1:${idpPort}/jwks.json` } };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const app = createApp({ db, redis, temporal: {} as never, taskQueue: 'unused', auth });
    await new Promise<void>((r) => {
      api = app.listen(port, '127.0.0.1', () => r());
    });
  });
  afterAll(async () => {
    await new Promise((r) => api?.close(r));
    await new Promise((r) => idp?.close(r));
    redis.disconnect();
    await db.destroy();
  });

  const provider = (claims: Record<string, unknown> = {}, key: SigningKey = privateKey, opts: { exp?: string; aud?: string; iss?: string } = {}) =>
    new SignJWT({ preferred_username: 'giamsat.saigon', roles: [{ agency: '000.20.20.H29', role: 'supervisor' }], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setIssuer(opts.iss ?? 'https://idp.hochiminhcity.gov.vn')
      .setAudience(opts.aud ?? 'dossier-api')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign(key);
  const alerts = async (token: string) => {
    const res = await fetch(`${base}/api/v1/alerts`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { detail?: string; reason?: string } };
  };

  it('accepts an officer token signed by the identity provider, checked against its JWKS', async () => {
    expect((await alerts(await provider())).status).toBe(200);
  });

  it('refuses a token signed with another key, expired, for another audience or issuer, or unsigned', async () => {
    expect((await alerts(await provider({}, otherKey))).status).toBe(401);
    expect((await alerts(await provider({}, privateKey, { exp: '-1h' }))).status).toBe(401);
    expect((await alerts(await provider({}, privateKey, { aud: 'another-api' }))).status).toBe(401);
    const foreign = await alerts(await provider({}, privateKey, { iss: 'https://evil.example' }));
    expect(foreign.status).toBe(401);
    expect(foreign.body.reason).toBe('UntrustedIssuer');
    expect(foreign.body.detail).toMatch(/không tin cậy/);
    const [h, p] = (await provider()).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expect((await alerts(none)).status).toBe(401);
    expect((await alerts(`${h}.${p}.AAAA`)).status).toBe(401);
    expect((await alerts('not-a-token')).status).toBe(401);
    // The development secret is worthless once the provider's keys are configured.
    const dev = await signOfficerToken({ ...authConfig({}).officer, issuer: 'https://idp.hochiminhcity.gov.vn' }, { username: 'quantri', fullName: 'x', roles: [{ agency: '000.00.01.H29', role: 'admin' }] });
    expect((await alerts(dev)).status).toBe(401);
  });

  it('refuses an officer the directory does not know or has deactivated', async () => {
    expect((await alerts(await provider({ preferred_username: 'nobody.here' }))).status).toBe(401);
  });
});
