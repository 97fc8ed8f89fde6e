import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import type { ClientMetadata, Configuration, default as ProviderClass, errors as ProviderErrors, KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../db/connection';
import { findActiveUser, listActiveOfficers } from '../db/repositories/users';
import { CITIZEN_ID, type IssuerConfig } from '../domain/principal';
import { officerClaims } from '../platform/identity';
import { logger } from '../platform/logger';
import { apiRouter } from './router';

/**
 * The development identity provider (`oidc-provider`, not a hand-written one): two OpenID
 * Connect issuers under /dev/idp, standing in for the centre's single sign-on (officers) and
 * VNeID (citizens). Authorization code flow with PKCE (S256, required for every client), public
 * clients for the portal (`/`) and the console (`/console/`), access tokens as JWTs (ES256, keys
 * made at start-up, published at `<issuer>/jwks`) for the API's audience, ten minutes long.
 *
 * - officers: the sign-in page lists the active officers of the database; the token names the
 *   username (`sub`, `preferred_username`) and carries the roles the database gives them, as
 *   the HS256 development issuer does (platform/identity.ts `officerClaims`).
 * - citizens: the sign-in page asks for an ID number (CCCD/CMND) and a name; the token's `sub` is
 *   the ID number.
 *
 * Its routes are the provider's own (discovery, /auth, /token, /jwks, …) and its interaction
 * pages; they are not API routes and are not in the OpenAPI contract. It is never mounted in
 * production: platform/config.ts turns it off there, and `devIdentityProvider` refuses to run
 * under NODE_ENV=production (platform/posture.ts reports a configuration that asks for it).
 */

export const DEV_IDP_PATH = '/dev/idp';
export type DevIssuerKind = 'officers' | 'citizens';

/** Public clients of the development issuers: the portal and the console. */
export const DEV_CLIENTS = { portal: 'dossier-portal', console: 'dossier-console' } as const;

/** How long an access token of the development issuers lives. */
export const DEV_ACCESS_TOKEN_SECONDS = 10 * 60;

export interface DevIdentityProviderOptions {
  db: Db;
  /** Where browsers reach this API (PUBLIC_BASE_URL): the issuers and redirect URIs are under it. */
  publicBaseUrl: string;
  /** The audience the API expects in officer and citizen tokens. */
  audience: { officers: string; citizens: string };
  /** Longest token lifetime the API accepts (AUTH_MAX_TOKEN_LIFETIME_SECONDS). */
  maxLifetimeSeconds?: number;
}

/** The issuer URL of a development issuer under `publicBaseUrl`. */
export const devIssuerUrl = (publicBaseUrl: string, kind: DevIssuerKind) => `${publicBaseUrl.replace(/\/+$/, '')}${DEV_IDP_PATH}/${kind}`;

/** The issuers the API trusts by their JWKS while the development provider is mounted. */
export function devIssuerConfigs(opts: DevIdentityProviderOptions): { officer: IssuerConfig; citizen: IssuerConfig } {
  const of = (kind: DevIssuerKind, audience: string): IssuerConfig => {
    const issuer = devIssuerUrl(opts.publicBaseUrl, kind);
    return { issuer, audience, jwksUrl: `${issuer}/jwks`, maxLifetimeSeconds: opts.maxLifetimeSeconds };
  };
  return { officer: of('officers', opts.audience.officers), citizen: of('citizens', opts.audience.citizens) };
}

/** The resource indicator of this API: every access token is for it. */
const apiResource = (publicBaseUrl: string) => `${publicBaseUrl.replace(/\/+$/, '')}/api/v1`;

type ProviderInstance = InstanceType<typeof ProviderClass>;

/** oidc-provider is an ES module: loaded on first use, so production (which never mounts it) never loads it. */
async function loadProvider(): Promise<{ Provider: typeof ProviderClass; errors: typeof ProviderErrors }> {
  const mod = (await import('oidc-provider')) as unknown as { default: typeof ProviderClass | { default: typeof ProviderClass; errors: typeof ProviderErrors }; errors: typeof ProviderErrors };
  return typeof mod.default === 'function' ? { Provider: mod.default, errors: mod.errors } : { Provider: mod.default.default, errors: mod.default.errors };
}

/** Citizens' names, by ID number, as they typed them (development only; lost at restart). */
const citizenNames = new Map<string, string>();

async function createIssuer(kind: DevIssuerKind, opts: DevIdentityProviderOptions): Promise<ProviderInstance> {
  const { Provider, errors } = await loadProvider();
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  const issuer = devIssuerUrl(base, kind);
  const resource = apiResource(base);
  const audience = kind === 'officers' ? opts.audience.officers : opts.audience.citizens;
  const ttl = Math.min(DEV_ACCESS_TOKEN_SECONDS, opts.maxLifetimeSeconds ?? DEV_ACCESS_TOKEN_SECONDS);
  const client = (client_id: string, path: string): ClientMetadata => ({
    client_id,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [`${base}${path}`],
    post_logout_redirect_uris: [`${base}${path}`],
    // The only key of the issuer is an ES256 one.
    id_token_signed_response_alg: 'ES256',
  });

  const config: Configuration = {
    clients: [client(DEV_CLIENTS.portal, '/'), client(DEV_CLIENTS.console, '/console/')],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // Every client, public or not, must use PKCE; oidc-provider knows only S256.
    pkce: { required: () => true },
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'api'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return { scope: 'api', audience, accessTokenTTL: ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutPage },
    },
    ttl: { AccessToken: ttl, AuthorizationCode: 60, IdToken: ttl, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    interactions: { url: (_ctx, interaction) => `${DEV_IDP_PATH}/${kind}/interaction/${interaction.uid}` },
    findAccount: async (_ctx, id) => {
      if (kind === 'officers') {
        const user = await findActiveUser(opts.db, id);
        if (!user) return undefined;
        return { accountId: id, claims: () => ({ sub: id, name: user.full_name, preferred_username: user.username }) };
      }
      if (!CITIZEN_ID.test(id)) return undefined;
      const name = citizenNames.get(id);
      return { accountId: id, claims: () => ({ sub: id, ...(name ? { name } : {}) }) };
    },
    // The API reads who is calling from the access token alone: the officer's roles come from the database now.
    extraTokenClaims: async (_ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId;
      if (!accountId) return undefined;
      if (kind === 'officers') {
        const claims = await officerClaims(opts.db, accountId);
        return claims ? { preferred_username: claims.username, name: claims.fullName, roles: claims.roles } : undefined;
      }
      const name = citizenNames.get(accountId);
      return name ? { name } : undefined;
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Lỗi đăng nhập', `<p role="alert">Không đăng nhập được: ${escapeHtml(String(out.error_description ?? out.error))}.</p>`);
    },
  };
  const provider = new Provider(issuer, config);
  provider.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) => logger.error({ err, issuer }, 'development identity provider: server error'));
  return provider;
}

async function logoutPage(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.body = page('Đăng xuất', `${form}<p>Bạn có muốn đăng xuất?</p><button type="submit" form="op.logoutForm" name="logout" value="yes">Đăng xuất</button>`);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} — Môi trường phát triển</title></head><body><main><h1>${escapeHtml(title)}</h1><p><em>Nhà cung cấp định danh dùng cho phát triển và kiểm thử — không dùng thật.</em></p>${body}</main></body></html>`;
}

const HEADINGS: Record<DevIssuerKind, string> = { officers: 'Đăng nhập cán bộ', citizens: 'Đăng nhập công dân (thay VNeID)' };

/**
 * Mounts both development issuers at /dev/idp/officers and /dev/idp/citizens with their
 * interaction pages. Refuses under NODE_ENV=production.
 */
export function devIdentityProvider(opts: DevIdentityProviderOptions): Router {
  if (process.env.NODE_ENV === 'production') throw new Error('the development identity provider is never mounted in production (NODE_ENV=production)');
  const router = apiRouter();
  const issuers: Record<DevIssuerKind, Promise<ProviderInstance>> = {
    officers: createIssuer('officers', opts),
    citizens: createIssuer('citizens', opts),
  };
  // A failed start is reported on use; an unhandled rejection would crash the API.
  for (const p of Object.values(issuers)) p.catch(() => undefined);

  for (const kind of ['officers', 'citizens'] as const) {
    const interaction = apiRouter();
    interaction.use(express.urlencoded({ extended: false, limit: '8kb' }));
    const wrap = (fn: (provider: ProviderInstance, req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
      issuers[kind].then((provider) => fn(provider, req, res)).catch(next);
    };

    interaction.get('/:uid', wrap(async (provider, req, res) => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'consent') {
        // The portal and the console are this system's own clients: nothing to ask the user.
        await finishConsent(provider, req, res, details);
        return;
      }
      res.type('html').send(page(HEADINGS[kind], await loginForm(kind, opts.db, details.uid)));
    }));

    interaction.post('/:uid/login', wrap(async (provider, req, res) => {
      const details = await provider.interactionDetails(req, res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      let accountId: string | undefined;
      let error: string | undefined;
      if (kind === 'officers') {
        const username = typeof body.username === 'string' ? body.username.trim() : '';
        if (username && (await findActiveUser(opts.db, username))) accountId = username;
        else error = 'Hãy chọn một cán bộ trong danh sách.';
      } else {
        const idNumber = typeof body.idNumber === 'string' ? body.idNumber.trim() : '';
        const name = typeof body.fullName === 'string' ? body.fullName.trim().slice(0, 200) : '';
        if (!CITIZEN_ID.test(idNumber)) error = 'Số CCCD gồm 12 chữ số hoặc CMND gồm 9 chữ số.';
        else if (!name) error = 'Hãy nhập họ và tên.';
        else {
          citizenNames.set(idNumber, name);
          accountId = idNumber;
        }
      }
      if (!accountId) {
        res.status(422).type('html').send(page(HEADINGS[kind], await loginForm(kind, opts.db, details.uid, error, body)));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    }));

    interaction.post('/:uid/abort', wrap(async (provider, req, res) => {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'Người dùng đã hủy đăng nhập.' }, { mergeWithLastSubmission: false });
    }));

    router.use(`/${kind}/interaction`, interaction);
    router.use(`/${kind}`, (req, res, next) => {
      issuers[kind]
        .then((provider) => {
          // oidc-provider reads the path under its issuer, as Express leaves it in req.url once mounted.
          (provider.callback() as (req: IncomingMessage, res: ServerResponse) => void)(req, res);
        })
        .catch(next);
    });
  }
  return router;
}

async function finishConsent(provider: ProviderInstance, req: Request, res: Response, details: Awaited<ReturnType<ProviderInstance['interactionDetails']>>): Promise<void> {
  const { prompt, params, session, grantId } = details;
  const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
  const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant!.addResourceScope(indicator, scopes.join(' '));
  const saved = await grant!.save();
  await provider.interactionFinished(req, res, { consent: { grantId: saved } }, { mergeWithLastSubmission: true });
}

async function loginForm(kind: DevIssuerKind, db: Db, uid: string, error?: string, values: Record<string, unknown> = {}): Promise<string> {
  const action = `${DEV_IDP_PATH}/${kind}/interaction/${encodeURIComponent(uid)}`;
  const value = (k: string) => (typeof values[k] === 'string' ? escapeHtml(values[k] as string) : '');
  const alert = error ? `<p role="alert" id="login-error">${escapeHtml(error)}</p>` : '';
  const described = error ? ' aria-describedby="login-error" aria-invalid="true"' : '';
  const cancel = `<form method="post" action="${action}/abort"><button type="submit">Hủy</button></form>`;
  if (kind === 'officers') {
    const officers = await listActiveOfficers(db);
    const options = officers.map((o) => `<option value="${escapeHtml(o.username)}"${o.username === values.username ? ' selected' : ''}>${escapeHtml(o.full_name)} (${escapeHtml(o.username)})</option>`).join('');
    return `${alert}<form method="post" action="${action}/login"><p><label for="username">Cán bộ</label><br><select id="username" name="username" required${described}><option value="">— Chọn cán bộ —</option>${options}</select></p><p><button type="submit">Đăng nhập</button></p></form>${cancel}`;
  }
  return `${alert}<form method="post" action="${action}/login"><p><label for="idNumber">Số CCCD/CMND</label><br><input id="idNumber" name="idNumber" inputmode="numeric" autocomplete="off" required value="${value('idNumber')}"${described}></p><p><label for="fullName">Họ và tên</label><br><input id="fullName" name="fullName" autocomplete="name" required value="${value('fullName')}"></p><p><button type="submit">Đăng nhập</button></p></form>${cancel}`;
}
