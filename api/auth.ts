import type { Request, RequestHandler } from 'express';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Db } from '../db/connection';
import { DomainError } from '../domain/errors';
import {
  CITIZEN_ID,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  requireCitizenPrincipal,
  requireOfficerPrincipal,
  type AuthConfig,
  type CitizenPrincipal,
  type IssuerConfig,
  type OfficerPrincipal,
  type Principal,
} from '../domain/principal';
import type { OfficerRole } from '../domain/types';
import { officerPrincipal, type OfficerAccountCache } from '../platform/identity';
import { HttpProblem } from './problem';

/**
 * Who is calling, from a signed JWT (`Authorization: Bearer …`) verified with `jose`.
 * Two issuers: the officers' identity provider (claims carry their roles per agency) and
 * the citizens' (VNeID in production; a development issuer here). Development signs with
 * an HS256 secret; production verifies against the issuer's JWKS, by configuration.
 * The principal and issuer types live in domain/principal.ts; they are re-exported here
 * for the HTTP layer.
 */
export type { AuthConfig, CitizenPrincipal, IssuerConfig, OfficerPrincipal, Principal } from '../domain/principal';
export { rolesIn } from '../domain/principal';
export { officerClaims } from '../platform/identity';

const principals = new WeakMap<Request, Principal | null>();
/** When the request's token expires (ms since the epoch): long-lived answers (event streams) end then. */
const expiries = new WeakMap<Request, number>();

/** Clocks of the issuers and this server may differ by this much. */
const CLOCK_TOLERANCE_SECONDS = 30;

const tokenRefused = (reason: string, detail: string) => new DomainError('unauthenticated', 'Unauthenticated', detail, { reason });

const maxLifetimeOf = (cfg: IssuerConfig) => cfg.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;

/**
 * Refuses a token that lives longer than the issuer's maximum: exp − iat, counted from now when
 * iat is absent or in the future (a token "issued" next year is as long-lived as its exp says).
 */
function refuseLongLived(payload: JWTPayload, cfg: IssuerConfig): void {
  const now = Math.floor(Date.now() / 1000);
  const from = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now;
  const max = maxLifetimeOf(cfg);
  if (payload.exp! - from > max + CLOCK_TOLERANCE_SECONDS) {
    throw tokenRefused('TokenLifetimeTooLong', `Mã truy cập có thời hạn dài hơn mức cho phép (${Math.round(max / 60)} phút); vui lòng đăng nhập lại để nhận mã mới.`);
  }
}

function keyFor(cfg: IssuerConfig): Uint8Array | JWTVerifyGetKey {
  if (cfg.jwksUrl) return createRemoteJWKSet(new URL(cfg.jwksUrl));
  if (!cfg.secret || cfg.secret.length < 32) throw new Error(`issuer ${cfg.issuer}: an HS256 secret of at least 32 characters or a JWKS URL is required`);
  return new TextEncoder().encode(cfg.secret);
}

type Trusted = { kind: 'officer' | 'citizen'; cfg: IssuerConfig; key: Uint8Array | JWTVerifyGetKey };

/** Verified tokens kept per process (each a few hundred bytes). */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Verifies the bearer token, if any, and remembers the principal for the handlers. `accounts`:
 * the officer accounts kept in memory (platform/identity.ts), else `users` is read each time.
 */
export function authenticate(db: Db, config: AuthConfig, opts: { accounts?: OfficerAccountCache | null } = {}): RequestHandler {
  // Every trusted issuer, by its `iss`: the configured officer and citizen issuers, and those
  // trusted by their JWKS beside them (the development identity provider's).
  const trusted = new Map<string, Trusted>();
  const trust = (kind: 'officer' | 'citizen', cfg: IssuerConfig | undefined) => {
    if (cfg && !trusted.has(cfg.issuer)) trusted.set(cfg.issuer, { kind, cfg, key: keyFor(cfg) });
  };
  trust('officer', config.officer);
  trust('citizen', config.citizen);
  trust('officer', config.oidc?.officer);
  trust('citizen', config.oidc?.citizen);
  const verify = async (token: string, cfg: IssuerConfig, key: Uint8Array | JWTVerifyGetKey): Promise<JWTPayload> => {
    const options = {
      issuer: cfg.issuer,
      audience: cfg.audience,
      algorithms: cfg.jwksUrl ? ['RS256', 'ES256', 'PS256', 'EdDSA'] : ['HS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // A token without an expiry would be good forever.
      requiredClaims: ['exp'],
    };
    const { payload } = key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
    refuseLongLived(payload, cfg);
    return payload;
  };
  /**
   * Tokens already verified (issue 18, target 1): an officer sends the same token with every
   * request of their session, and its signature is checked once. Keyed by the whole token
   * (signature included), so only the very bytes that were verified hit; what depends on the
   * time is checked again at each use (the expiry, with the same tolerance: an expired token is
   * refused as before); a token refused is never kept. Bounded, oldest out first.
   */
  const kept = new Map<string, { issuer: Trusted; claims: JWTPayload }>();
  const verified = async (token: string): Promise<{ issuer: Trusted; claims: JWTPayload }> => {
    const hit = kept.get(token);
    if (hit) {
      if (hit.claims.exp! > Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_SECONDS) return hit;
      kept.delete(token);
      throw new joseErrors.JWTExpired('"exp" claim timestamp check failed', hit.claims, 'exp', 'check_failed');
    }
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw tokenRefused('MalformedToken', 'Mã truy cập không đúng định dạng JWT; vui lòng đăng nhập lại.');
    }
    const issuer = iss === undefined ? undefined : trusted.get(iss);
    if (!issuer) throw tokenRefused('UntrustedIssuer', 'Mã truy cập do một nơi cấp mà hệ thống không tin cậy; vui lòng đăng nhập lại.');
    const entry = { issuer, claims: await verify(token, issuer.cfg, issuer.key) };
    kept.set(token, entry);
    if (kept.size > VERIFIED_TOKENS_KEPT) kept.delete(kept.keys().next().value as string);
    return entry;
  };
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) {
      principals.set(req, null);
      next();
      return;
    }
    const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header.trim());
    if (!m) {
      next(tokenRefused('MalformedAuthorization', 'Tiêu đề Authorization phải có dạng "Bearer <JWT>"; vui lòng đăng nhập lại.'));
      return;
    }
    const token = m[1]!;
    try {
      const { issuer, claims } = await verified(token);
      if (issuer.kind === 'officer') {
        const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
        if (!username) throw tokenRefused('TokenWithoutSubject', 'Mã truy cập của cán bộ không ghi tài khoản (sub); vui lòng đăng nhập lại.');
        principals.set(req, await officerPrincipal(db, username, claims.roles, opts.accounts));
        expiries.set(req, claims.exp! * 1000);
      } else {
        if (!claims.sub || !CITIZEN_ID.test(claims.sub)) throw tokenRefused('TokenWithoutIdNumber', 'Mã truy cập của công dân không có số định danh hợp lệ (sub); vui lòng đăng nhập lại.');
        principals.set(req, { kind: 'citizen', idNumber: claims.sub, fullName: typeof claims.name === 'string' ? claims.name : null });
      }
      next();
    } catch (err) {
      if (err instanceof HttpProblem || err instanceof DomainError) return next(err);
      // Only a token the verifier refused is the caller's fault; a failed user lookup (PostgreSQL down) is ours, and retryable.
      if (err instanceof joseErrors.JWTExpired) return next(tokenRefused('TokenExpired', 'Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.'));
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'exp' && err.reason === 'missing') {
        return next(tokenRefused('TokenWithoutExpiry', 'Mã truy cập không có thời hạn (exp); hệ thống chỉ chấp nhận mã có thời hạn.'));
      }
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud') {
        return next(tokenRefused('WrongAudience', 'Mã truy cập không dành cho hệ thống này; vui lòng đăng nhập lại.'));
      }
      if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) {
        return next(tokenRefused('InvalidSignature', 'Chữ ký của mã truy cập không hợp lệ; vui lòng đăng nhập lại.'));
      }
      if (err instanceof joseErrors.JOSEError) return next(tokenRefused('TokenRefused', `Mã truy cập không được chấp nhận; vui lòng đăng nhập lại. (${err.message})`));
      next(err);
    }
  };
}

/** When the caller's token expires (ms since the epoch); undefined without one. */
export function tokenExpiresAt(req: Request): number | undefined {
  return expiries.get(req);
}

export function principalOf(req: Request): Principal | null {
  return principals.get(req) ?? null;
}

/** The signed-in officer; 401 without a token, 403 for a citizen's token. */
export function requireOfficer(req: Request): OfficerPrincipal {
  return requireOfficerPrincipal(principalOf(req));
}

/** The signed-in citizen; 401 in Vietnamese without a token, 403 for an officer's token. */
export function requireCitizen(req: Request): CitizenPrincipal {
  return requireCitizenPrincipal(principalOf(req));
}

/**
 * Tokens of the development issuers: `npm run tokens`, the dev citizen sign-in and the tests.
 * `ttlSeconds` is cut to the issuer's maximum lifetime, so every token they sign is accepted
 * for as long as it says.
 */
export async function signOfficerToken(
  cfg: IssuerConfig,
  officer: { username: string; fullName: string; roles: ReadonlyArray<{ agency: string; role: OfficerRole }> },
  ttlSeconds = 8 * 3600,
): Promise<string> {
  if (!cfg.secret) throw new Error('the officer issuer has no development secret (production tokens come from the identity provider)');
  return devToken(cfg, officer.username, { preferred_username: officer.username, name: officer.fullName, roles: officer.roles }, ttlSeconds);
}

export async function signCitizenToken(cfg: IssuerConfig, citizen: { idNumber: string; fullName?: string }, ttlSeconds = DEV_CITIZEN_TOKEN_SECONDS): Promise<string> {
  if (!cfg.secret) throw new Error('the citizen issuer has no development secret (production tokens come from VNeID)');
  return devToken(cfg, citizen.idNumber, citizen.fullName ? { name: citizen.fullName } : {}, ttlSeconds);
}

/** How long a development citizen sign-in lasts (cut to the issuer's maximum). */
export const DEV_CITIZEN_TOKEN_SECONDS = 2 * 3600;

/** The lifetime a development issuer gives a token asked for `ttlSeconds`. */
export const devTokenLifetime = (cfg: IssuerConfig, ttlSeconds: number) => Math.max(1, Math.min(Math.floor(ttlSeconds), maxLifetimeOf(cfg)));

function devToken(cfg: IssuerConfig, subject: string, claims: JWTPayload, ttlSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(cfg.issuer)
    .setAudience(cfg.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + devTokenLifetime(cfg, ttlSeconds))
    .sign(new TextEncoder().encode(cfg.secret));
}
