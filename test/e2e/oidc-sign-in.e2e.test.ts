import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { DEV_CLIENTS } from '../../api/dev-identity-provider';
import { authConfig } from '../../platform/config';
import { readAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15, sign-in: the development identity provider (oidc-provider at /dev/idp) on the real
 * API, driven like a browser would — authorization code with PKCE (S256), the Vietnamese sign-in
 * pages filled in with plain HTTP requests — by oauth4webapi; the access tokens it issues work
 * on the API, and tokens the API must not believe are refused.
 */
const stack = useStack({ name: 'oidc-sign-in', worker: false });
const AUTH = authConfig({});
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** A tiny cookie jar: name=value of every Set-Cookie, sent back on each request. */
class Jar {
  private cookies = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const value = pair!.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(pair!.slice(0, i));
      else this.cookies.set(pair!.slice(0, i), value);
    }
  }
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function discover(kind: 'officers' | 'citizens') {
  const issuer = new URL(`${stack.api.baseUrl}/dev/idp/${kind}`);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
}

/** The authorization request of `clientId` with PKCE (unless `pkce` is false), as a browser would open it. */
async function authorizationUrl(as: oauth.AuthorizationServer, clientId: string, redirectUri: string, pkce: false | 'S256' | 'plain' = 'S256') {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid profile api');
  url.searchParams.set('state', state);
  if (pkce === 'S256') {
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
  } else if (pkce === 'plain') {
    url.searchParams.set('code_challenge', verifier);
    url.searchParams.set('code_challenge_method', 'plain');
  }
  return { url, verifier, state };
}

/**
 * Follows the redirects from `start` with a cookie jar, filling in the sign-in page with `form`
 * when it shows, until the provider sends the browser back to `redirectUri`; that URL.
 */
async function browse(start: URL, redirectUri: string, form: Record<string, string>, pages: string[] = []): Promise<URL> {
  const jar = new Jar();
  let next: { url: string; method: 'GET' | 'POST'; body?: string } = { url: start.href, method: 'GET' };
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(next.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: next.body,
    });
    jar.take(res);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location')!, next.url);
      if (`${location.origin}${location.pathname}` === redirectUri) return location;
      next = { url: location.href, method: 'GET' };
      continue;
    }
    const html = await res.text();
    pages.push(html);
    expect(res.status, html).toBe(200);
    const action = /<form method="post" action="([^"]+\/login)"/.exec(html)?.[1];
    expect(action, html).toBeTruthy();
    next = { url: new URL(action!, next.url).href, method: 'POST', body: new URLSearchParams(form).toString() };
  }
  throw new Error('too many redirects');
}

/** The whole sign-in: an access token of the issuer `kind` for the client `clientId`. */
async function signIn(kind: 'officers' | 'citizens', form: Record<string, string>, client: 'portal' | 'console', pages: string[] = []) {
  const as = await discover(kind);
  const redirectUri = `${stack.api.baseUrl}${client === 'portal' ? '/' : '/console/'}`;
  const c: oauth.Client = { client_id: DEV_CLIENTS[client] };
  const { url, verifier, state } = await authorizationUrl(as, c.client_id, redirectUri);
  const back = await browse(url, redirectUri, form, pages);
  const params = oauth.validateAuthResponse(as, c, back, state);
  const response = await oauth.authorizationCodeGrantRequest(as, c, oauth.None(), params, redirectUri, verifier, insecure);
  const tokens = await oauth.processAuthorizationCodeResponse(as, c, response);
  return tokens.access_token;
}

const get = async (path: string, token: string) => readAnswer(await fetch(`${stack.api.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } }));
const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

async function expectRefused(token: string, reason: string) {
  const r = await get('/api/v1/me', token);
  expect(r.status).toBe(401);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body.reason).toBe(reason);
  expect(r.body.detail).toMatch(/đăng nhập/);
}

describe('the development identity provider', () => {
  it('signs an officer in to the console: code + PKCE, a short-lived JWT whose roles come from the database, accepted by GET /me', async () => {
    const pages: string[] = [];
    const token = await signIn('officers', { username: 'motcua.saigon' }, 'console', pages);
    expect(pages[0]).toContain('<html lang="vi">');
    expect(pages[0]).toContain('Đăng nhập cán bộ');
    expect(pages[0]).toContain('<label for="username">');
    const claims = payload(token);
    expect(claims).toMatchObject({ iss: `${stack.api.baseUrl}/dev/idp/officers`, aud: AUTH.officer.audience, sub: 'motcua.saigon', preferred_username: 'motcua.saigon' });
    expect(claims.roles).toEqual(expect.arrayContaining([{ agency: '000.20.20.H29', role: 'one_stop_officer' }]));
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(600);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });

    const me = await get('/api/v1/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'officer', username: 'motcua.saigon', fullName: 'Trần Thị Mai' });
    // The worklist is an officer's route, and the token's roles open it.
    expect((await get('/api/v1/dossiers', token)).status).toBe(200);
  });

  it('signs a citizen in to the portal by ID number and name; the token opens the citizen routes and no officer route', async () => {
    const token = await signIn('citizens', { idNumber: '079301550011', fullName: 'Đỗ Thị Thanh' }, 'portal');
    expect(payload(token)).toMatchObject({ iss: `${stack.api.baseUrl}/dev/idp/citizens`, sub: '079301550011', name: 'Đỗ Thị Thanh' });
    const me = await get('/api/v1/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'citizen' });
    const mine = await get('/api/v1/citizen/dossiers', token);
    expect(mine.status).toBe(200);
    expect((await get('/api/v1/dossiers', token)).status).toBe(403);
  });

  it('shows the sign-in page again, with the error in Vietnamese, for an invalid ID number', async () => {
    const as = await discover('citizens');
    const redirectUri = `${stack.api.baseUrl}/`;
    const { url } = await authorizationUrl(as, DEV_CLIENTS.portal, redirectUri);
    await expect(browse(url, redirectUri, { idNumber: '12', fullName: 'X' })).rejects.toThrow(/CCCD gồm 12 chữ số/);
  });

  it('refuses the code flow without PKCE, and with the plain method', async () => {
    const as = await discover('officers');
    const redirectUri = `${stack.api.baseUrl}/console/`;
    for (const pkce of [false, 'plain'] as const) {
      const { url } = await authorizationUrl(as, DEV_CLIENTS.console, redirectUri, pkce);
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status, String(pkce)).toBe(303);
      const back = new URL(res.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
      expect(back.searchParams.get('error'), String(pkce)).toBe('invalid_request');
      expect(back.searchParams.get('code')).toBeNull();
    }
  });

  it('refuses a code redeemed without its verifier', async () => {
    const as = await discover('officers');
    const redirectUri = `${stack.api.baseUrl}/console/`;
    const c: oauth.Client = { client_id: DEV_CLIENTS.console };
    const { url, state } = await authorizationUrl(as, c.client_id, redirectUri);
    const params = oauth.validateAuthResponse(as, c, await browse(url, redirectUri, { username: 'motcua.saigon' }), state);
    const response = await oauth.authorizationCodeGrantRequest(as, c, oauth.None(), params, redirectUri, oauth.generateRandomCodeVerifier(), insecure);
    await expect(oauth.processAuthorizationCodeResponse(as, c, response)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses, with 401 problem+json in Vietnamese and a reason, a token from an unknown issuer, for another audience, expired, or tampered with', async () => {
    // Unknown issuer: signed well, by a key nobody trusts.
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    void exportJWK(publicKey);
    const now = Math.floor(Date.now() / 1000);
    const foreign = await new SignJWT({ preferred_username: 'motcua.saigon' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('https://idp.example.com')
      .setAudience(AUTH.officer.audience)
      .setSubject('motcua.saigon')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    await expectRefused(foreign, 'UntrustedIssuer');

    // Another audience, and expired: the HS256 development issuer's key, with the wrong claims.
    const secret = new TextEncoder().encode(AUTH.officer.secret);
    const hs = (aud: string, iat: number, exp: number) =>
      new SignJWT({ preferred_username: 'motcua.saigon' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(AUTH.officer.issuer).setAudience(aud).setSubject('motcua.saigon').setIssuedAt(iat).setExpirationTime(exp).sign(secret);
    await expectRefused(await hs('another-api', now, now + 300), 'WrongAudience');
    await expectRefused(await hs(AUTH.officer.audience, now - 3600, now - 600), 'TokenExpired');

    // Tampered: a real token of the provider, its subject changed to another officer, its signature kept.
    const token = await signIn('officers', { username: 'chuyenvien.saigon1' }, 'console');
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload(token), sub: 'lanhdao.saigon', preferred_username: 'lanhdao.saigon' })).toString('base64url');
    expect(p).not.toBe(forged);
    await expectRefused(`${h}.${forged}.${s}`, 'InvalidSignature');
    // The untouched token still works.
    expect((await get('/api/v1/me', token)).body).toMatchObject({ username: 'chuyenvien.saigon1' });
  });
});
