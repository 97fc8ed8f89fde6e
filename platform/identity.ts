import type { Tx } from '../db/connection';
import { agencyEidById } from '../db/repositories/agencies';
import { findActiveUser, findUserByUsername, roleClaimsOfUser } from '../db/repositories/users';
import { DomainError } from '../domain/errors';
import { officerRolesFromClaim, rolesIn, unauthenticated, unknownDossier, type OfficerPrincipal } from '../domain/principal';
import type { Actor, OfficerRole } from '../domain/types';

/**
 * The look-ups behind authentication: the account a verified officer token names, the roles
 * an officer holds in an agency, and the claims the development issuer signs.
 */

/** The principal of a verified officer token: an active account, with the roles the token asserts. */
export async function officerPrincipal(db: Tx, username: string, rolesClaim: unknown): Promise<OfficerPrincipal> {
  const user = await findActiveUser(db, username);
  if (!user) throw unauthenticated(`Tài khoản cán bộ "${username}" không tồn tại hoặc đã ngừng hoạt động.`, 'UnknownOfficer');
  const roles = officerRolesFromClaim(rolesClaim);
  return { kind: 'officer', userId: user.id, username: user.username, fullName: user.full_name, roles };
}

/**
 * The officer acting for `agencyId` (a counter submission), with the roles their token gives
 * them in that agency; forbidden when they hold no role there.
 */
export async function officerActor(db: Tx, p: OfficerPrincipal, agencyId: number): Promise<Actor> {
  const actor = await actorIn(db, p, agencyId);
  if (!actor) throw new DomainError('forbidden', 'Forbidden', `Tài khoản ${p.username} không có vai trò nào tại cơ quan này.`, { reason: 'NoRoleInAgency' });
  return actor;
}

/**
 * The officer acting on a dossier of `agencyId`. Holding no role there, they are told what an
 * unknown code gets (domain/principal.ts `unknownDossier`): another agency's dossiers do not
 * exist for them, so their codes cannot be probed.
 */
export async function dossierOfficer(db: Tx, p: OfficerPrincipal, agencyId: number): Promise<Actor> {
  const actor = await actorIn(db, p, agencyId);
  if (!actor) throw unknownDossier();
  return actor;
}

async function actorIn(db: Tx, p: OfficerPrincipal, agencyId: number): Promise<Actor | null> {
  const eid = await agencyEidById(db, agencyId);
  const roles: OfficerRole[] = eid !== null ? rolesIn(p, eid) : [];
  return roles.length ? { userId: p.userId, username: p.username, fullName: p.fullName, roles } : null;
}

/** The roles of a seeded or provisioned officer, as the development issuer puts them in the token. */
export async function officerClaims(db: Tx, username: string): Promise<{ username: string; fullName: string; roles: Array<{ agency: string; role: OfficerRole }> } | null> {
  const user = await findUserByUsername(db, username);
  if (!user) return null;
  const roles = await roleClaimsOfUser(db, user.id);
  return { username: user.username, fullName: user.full_name, roles };
}
