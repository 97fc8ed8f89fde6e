import type { Request } from 'express';
import type { Db } from '../db/connection';
import { rolesIn, unknownDossier } from '../domain/principal';
import type { Actor } from '../domain/types';
import { dossierOfficer, officerActor } from '../platform/identity';
import { requireCitizen, requireOfficer } from './auth';

export { CITIZEN_ID, CITIZEN_ID_MESSAGE, notYourDossier as NOT_YOUR_DOSSIER, requireApplicant } from '../domain/principal';

/**
 * The officer acting for `agencyId` (a counter submission), with the roles their token gives
 * them in that agency: 401 without a token, 403 when they hold no role there.
 */
export async function officerFor(db: Db, req: Request, agencyId: number): Promise<Actor> {
  return officerActor(db, requireOfficer(req), agencyId);
}

/**
 * The officer acting on the dossier a route names, and that dossier (`find` looks it up,
 * undefined or not found for an unknown code). In this order, so that no answer depends on
 * whether the code exists for someone who may not know: 401 without a token and 403 for a
 * citizen's token, before anything is looked up; then the same 404 for an unknown code and
 * for a dossier of an agency where the officer holds no role.
 */
export async function officerDossier<D extends { agency_id: number }>(
  db: Db,
  req: Request,
  find: () => Promise<D | null | undefined>,
): Promise<{ actor: Actor; dossier: D }> {
  const principal = requireOfficer(req);
  const dossier = await find();
  if (!dossier) throw unknownDossier();
  // Found with its agency's EID (issue 18: one statement for the dossier and the caller's roles): read off the token, no look-up.
  const eid = (dossier as { agency_eid?: unknown }).agency_eid;
  if (typeof eid === 'string') {
    const roles = rolesIn(principal, eid);
    if (!roles.length) throw unknownDossier();
    return { actor: { userId: principal.userId, username: principal.username, fullName: principal.fullName, roles }, dossier };
  }
  return { actor: await dossierOfficer(db, principal, dossier.agency_id), dossier };
}

/** The signed-in officer, whatever their agency (their own alerts, their own queue). */
export async function identifiedUser(_db: Db, req: Request): Promise<{ id: number; username: string; full_name: string }> {
  const p = requireOfficer(req);
  return { id: p.userId, username: p.username, full_name: p.fullName };
}

/** The signed-in citizen's ID number (the subject of their citizen token). */
export function citizenIdOf(req: Request): string {
  return requireCitizen(req).idNumber;
}
