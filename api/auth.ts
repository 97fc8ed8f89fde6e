import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { OfficerRole } from '../domain/types';
import { HttpProblem } from './problem';

/**
 * Who is calling, from a signed JWT (`Authorization: Bearer …`) verified with `jose`.
 * Two issuers: the officers' identity provider (claims carry their roles per agency) and
 * the citizens' (VNeID in production; a development issuer here). Development signs with
 * an HS256 secret; production verifies against the issuer's JWKS, by configuration.
 */
export interface IssuerConfig {
  issuer: string;
  audience: string;
  /** HS256 shared secret (development); ignored when a JWKS URL is set. */
  secret?: string;
  /** The issuer's JSON Web Key Set (OIDC), for production. */
  jwksUrl?: string;
}

export interface AuthConfig {
  officer: IssuerConfig;
  citizen: IssuerConfig;
  /** The development citizen sign-in (POST /dev/citizen-token); never in production. */
  devCitizenIssuer: boolean;
}

export interface OfficerPrincipal {
  kind: 'officer';
  userId: number;
  username: string;
  fullName: string;
  /** Roles per agency, as the identity provider asserts them. */
  roles: ReadonlyArray<{ agencyEid: string; role: OfficerRole }>;
}

export interface CitizenPrincipal {
  kind: 'citizen';
  /** CCCD (12 digits) or CMND (9 digits): the subject of the citizen token. */
  idNumber: string;
  fullName: string | null;
}

export type Principal = OfficerPrincipal | CitizenPrincipal;

const ROLES: readonly OfficerRole[] = ['one_stop_officer', 'specialist', 'leader', 'supervisor', 'admin'];
const CITIZEN_ID = /^(\d{12}|\d{9})$/;
const principals = new WeakMap<Request, Principal | null>();

function keyFor(cfg: IssuerConfig): Uint8Array | JWTVerifyGetKey {
  if (cfg.jwksUrl) return createRemoteJWKSet(new URL(cfg.jwksUrl));
  if (!cfg.secret || cfg.secret.length < 32) throw new Error(`issuer ${cfg.issuer}: an HS256 secret of at least 32 characters or a JWKS URL is required`);
  return new TextEncoder().encode(cfg.secret);
}

const unauthenticated = (detail: string) => new HttpProblem(401, 'Unauthenticated', detail);

/** Verifies the bearer token, if any, and remembers the principal for the handlers. */
export function authenticate(db: Knex, config: AuthConfig): RequestHandler {
  const officerKey = keyFor(config.officer);
  const citizenKey = keyFor(config.citizen);
  const verify = async (token: string, cfg: IssuerConfig, key: Uint8Array | JWTVerifyGetKey): Promise<JWTPayload> => {
    const options = { issuer: cfg.issuer, audience: cfg.audience, algorithms: cfg.jwksUrl ? ['RS256', 'ES256', 'PS256', 'EdDSA'] : ['HS256'], clockTolerance: 30 };
    const { payload } = key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
    return payload;
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
      next(unauthenticated('The Authorization header must be "Bearer <JWT>".'));
      return;
    }
    const token = m[1]!;
    try {
      let iss: string | undefined;
      try {
        iss = decodeJwt(token).iss;
      } catch {
        throw unauthenticated('The token is not a JWT.');
      }
      if (iss === config.officer.issuer) {
        const claims = await verify(token, config.officer, officerKey);
        const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
        if (!username) throw unauthenticated('The officer token names nobody (sub).');
        const user = await db('users').where({ username, active: true }).first('id', 'username', 'full_name');
        if (!user) throw unauthenticated(`Unknown or inactive officer "${username}".`);
        const raw = Array.isArray(claims.roles) ? claims.roles : [];
        const roles = raw
          .filter((r): r is { agency: string; role: OfficerRole } => !!r && typeof r === 'object' && typeof (r as { agency?: unknown }).agency === 'string' && ROLES.includes((r as { role?: unknown }).role as OfficerRole))
          .map((r) => ({ agencyEid: r.agency, role: r.role }));
        principals.set(req, { kind: 'officer', userId: user.id, username: user.username, fullName: user.full_name, roles });
      } else if (iss === config.citizen.issuer) {
        const claims = await verify(token, config.citizen, citizenKey);
        if (!claims.sub || !CITIZEN_ID.test(claims.sub)) throw unauthenticated('The citizen token carries no valid ID number (sub).');
        principals.set(req, { kind: 'citizen', idNumber: claims.sub, fullName: typeof claims.name === 'string' ? claims.name : null });
      } else {
        throw unauthenticated('The token comes from an issuer this system does not trust.');
      }
      next();
    } catch (err) {
      if (err instanceof HttpProblem) return next(err);
      // Only a token the verifier refused is the caller's fault; a failed user lookup (PostgreSQL down) is ours, and retryable.
      if (err instanceof joseErrors.JOSEError) return next(unauthenticated(`The token was refused: ${err.message}.`));
      next(err);
    }
  };
}

export function principalOf(req: Request): Principal | null {
  return principals.get(req) ?? null;
}

/** The signed-in officer; 401 without a token, 403 for a citizen's token. */
export function requireOfficer(req: Request): OfficerPrincipal {
  const p = principalOf(req);
  if (!p) throw unauthenticated('An officer token (Authorization: Bearer …) is required.');
  if (p.kind !== 'officer') throw new HttpProblem(403, 'Forbidden', 'This action is for officers of the agency.');
  return p;
}

/** The signed-in citizen; 401 in Vietnamese without a token, 403 for an officer's token. */
export function requireCitizen(req: Request): CitizenPrincipal {
  const p = principalOf(req);
  if (!p) throw new HttpProblem(401, 'Unauthenticated', 'Vui lòng đăng nhập (tài khoản định danh điện tử) để thực hiện thao tác này.');
  if (p.kind !== 'citizen') throw new HttpProblem(403, 'Forbidden', 'Thao tác này dành cho người nộp hồ sơ.');
  return p;
}

export function rolesIn(p: OfficerPrincipal, agencyEid: string): OfficerRole[] {
  return [...new Set(p.roles.filter((r) => r.agencyEid === agencyEid).map((r) => r.role))];
}

/** Tokens of the development issuers: `npm run tokens`, the dev citizen sign-in and the tests. */
export async function signOfficerToken(
  cfg: IssuerConfig,
  officer: { username: string; fullName: string; roles: ReadonlyArray<{ agency: string; role: OfficerRole }> },
  ttl = '8h',
): Promise<string> {
  if (!cfg.secret) throw new Error('the officer issuer has no development secret (production tokens come from the identity provider)');
  return new SignJWT({ preferred_username: officer.username, name: officer.fullName, roles: officer.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(officer.username)
    .setIssuer(cfg.issuer)
    .setAudience(cfg.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(cfg.secret));
}

export async function signCitizenToken(cfg: IssuerConfig, citizen: { idNumber: string; fullName?: string }, ttl = '2h'): Promise<string> {
  if (!cfg.secret) throw new Error('the citizen issuer has no development secret (production tokens come from VNeID)');
  return new SignJWT({ ...(citizen.fullName ? { name: citizen.fullName } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(citizen.idNumber)
    .setIssuer(cfg.issuer)
    .setAudience(cfg.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(cfg.secret));
}

/** The roles of a seeded or provisioned officer, as the development issuer puts them in the token. */
export async function officerClaims(db: Knex, username: string): Promise<{ username: string; fullName: string; roles: Array<{ agency: string; role: OfficerRole }> } | null> {
  const user = await db('users').where({ username }).first('id', 'username', 'full_name');
  if (!user) return null;
  const roles = await db('user_roles as r').join('agencies as a', 'a.id', 'r.agency_id').where('r.user_id', user.id).orderBy(['a.eid', 'r.role']).select('a.eid as agency', 'r.role');
  return { username: user.username, fullName: user.full_name, roles };
}
