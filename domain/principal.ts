import { DomainError } from './errors';
import type { OfficerRole } from './types';

/**
 * Who is calling, as the services see it: the principal the HTTP layer read from a verified
 * token (api/auth.ts), and the token issuers' configuration. Pure: no request, no database.
 */
export interface IssuerConfig {
  issuer: string;
  audience: string;
  /** HS256 shared secret (development); ignored when a JWKS URL is set. */
  secret?: string;
  /** The issuer's JSON Web Key Set (OIDC), for production. */
  jwksUrl?: string;
  /** Longest lifetime a token may have (exp − iat, or exp − now without iat); DEFAULT_MAX_TOKEN_LIFETIME_SECONDS when absent. */
  maxLifetimeSeconds?: number;
}

/** Twelve hours: a working day for an officer, a sign-in session for a citizen (AUTH_MAX_TOKEN_LIFETIME_SECONDS). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

export interface AuthConfig {
  officer: IssuerConfig;
  citizen: IssuerConfig;
  /** The development citizen sign-in (POST /dev/citizen-token); never in production. */
  devCitizenIssuer: boolean;
  /** The development identity provider (OpenID Connect, /dev/idp); never in production. */
  devIdentityProvider: boolean;
  /**
   * Further issuers trusted by their JWKS, beside `officer` and `citizen`: the development
   * identity provider's, while it is mounted (api/dev-identity-provider.ts).
   */
  oidc?: { officer?: IssuerConfig; citizen?: IssuerConfig };
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

/** The roles an officer token may carry. */
export const OFFICER_ROLES: readonly OfficerRole[] = ['one_stop_officer', 'specialist', 'leader', 'supervisor', 'admin'];

/** Citizen ID: CCCD (12 digits) or the older CMND (9 digits). */
export const CITIZEN_ID = /^(\d{12}|\d{9})$/;
export const CITIZEN_ID_MESSAGE = 'số CCCD gồm 12 chữ số hoặc CMND gồm 9 chữ số';

/** The roles an officer token asserts (`roles: [{ agency, role }]`), entries that are not well-formed left out. */
export function officerRolesFromClaim(claim: unknown): OfficerPrincipal['roles'] {
  const raw = Array.isArray(claim) ? claim : [];
  return raw
    .filter((r): r is { agency: string; role: OfficerRole } => !!r && typeof r === 'object' && typeof (r as { agency?: unknown }).agency === 'string' && OFFICER_ROLES.includes((r as { role?: unknown }).role as OfficerRole))
    .map((r) => ({ agencyEid: r.agency, role: r.role }));
}

export const unauthenticated = (detail: string, reason = 'Unauthenticated') => new DomainError('unauthenticated', 'Unauthenticated', detail, { reason });

/** The signed-in officer; unauthenticated without a token, forbidden for a citizen's token. */
export function requireOfficerPrincipal(p: Principal | null): OfficerPrincipal {
  if (!p) throw unauthenticated('Vui lòng đăng nhập bằng tài khoản cán bộ (Authorization: Bearer …) để thực hiện thao tác này.', 'OfficerSignInRequired');
  if (p.kind !== 'officer') throw new DomainError('forbidden', 'Forbidden', 'Thao tác này dành cho cán bộ của cơ quan.', { reason: 'OfficersOnly' });
  return p;
}

/** The signed-in citizen; unauthenticated (in Vietnamese) without a token, forbidden for an officer's token. */
export function requireCitizenPrincipal(p: Principal | null): CitizenPrincipal {
  if (!p) throw unauthenticated('Vui lòng đăng nhập (tài khoản định danh điện tử) để thực hiện thao tác này.', 'CitizenSignInRequired');
  if (p.kind !== 'citizen') throw new DomainError('forbidden', 'Forbidden', 'Thao tác này dành cho người nộp hồ sơ.', { reason: 'ApplicantsOnly' });
  return p;
}

export function rolesIn(p: OfficerPrincipal, agencyEid: string): OfficerRole[] {
  return [...new Set(p.roles.filter((r) => r.agencyEid === agencyEid).map((r) => r.role))];
}

/** What a citizen is told about a dossier that does not exist or is not theirs: the same words, so codes cannot be probed. */
export const notYourDossier = () => new DomainError('not_found', 'Not found', 'Không tìm thấy hồ sơ của Ông/Bà với mã này.', { reason: 'DossierNotFound' });

/**
 * What an officer is told about a code that names no dossier, and about a dossier of an agency
 * where they hold no role: the same words, so officers of one agency cannot probe another's codes.
 */
export const unknownDossier = () => new DomainError('not_found', 'Not found', 'Không tìm thấy hồ sơ với mã này.', { reason: 'DossierNotFound' });

/** Refuses anyone but the applicant of the dossier exactly as an unknown code is refused. */
export function requireApplicant(dossier: { applicant_id_number: string } | undefined | null, idNumber: string | undefined): void {
  if (!dossier || dossier.applicant_id_number !== idNumber) throw notYourDossier();
}
