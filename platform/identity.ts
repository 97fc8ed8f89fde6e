import type { Tx } from '../db/connection';
import { agencyEidById } from '../db/repositories/agencies';
import { findActiveUser, findUserByUsername, roleClaimsOfUser } from '../db/repositories/users';
import { DomainError } from '../domain/errors';
import { officerRolesFromClaim, rolesIn, unauthenticated, type OfficerPrincipal } from '../domain/principal';
import type { Actor, OfficerRole } from '../domain/types';

/**
 * The look-ups behind authentication: the account a verified officer token names, the roles
 * an officer holds in an agency, and the claims the development issuer signs.
 */

/** The principal of a verified officer token: an active account, with the roles the token asserts. */
export async function officerPrincipal(db: Tx, username: string, rolesClaim: unknown): Promise<OfficerPrincipal> {
  const user = await findActiveUser(db, username);
  if (!user) throw unauthenticated(`Unknown or inactive officer "${username}".`);
  const roles = officerRolesFromClaim(rolesClaim);
  return { kind: 'officer', userId: user.id, username: user.username, fullName: user.full_name, roles };
}

/**
 * The officer acting on something of `agencyId`, with the roles their token gives them in
 * that agency; forbidden when they hold no role there (an officer never sees or acts on
 * another agency's dossiers, documents or payments).
 */
export async function officerActor(db: Tx, p: OfficerPrincipal, agencyId: number): Promise<Actor> {
  const eid = await agencyEidById(db, agencyId);
  const roles: OfficerRole[] = eid !== null ? rolesIn(p, eid) : [];
  if (!roles.length) {
    throw new DomainError('forbidden', 'Forbidden', `${p.username} holds no role in the agency that handles this dossier.`);
  }
  return { userId: p.userId, username: p.username, fullName: p.fullName, roles };
}

/** The roles of a seeded or provisioned officer, as the development issuer puts them in the token. */
export async function officerClaims(db: Tx, username: string): Promise<{ username: string; fullName: string; roles: Array<{ agency: string; role: OfficerRole }> } | null> {
  const user = await findUserByUsername(db, username);
  if (!user) return null;
  const roles = await roleClaimsOfUser(db, user.id);
  return { username: user.username, fullName: user.full_name, roles };
}
