import type { Request } from 'express';
import type { Db } from '../db/connection';
import type { Actor } from '../domain/types';
import { officerActor } from '../platform/identity';
import { requireCitizen, requireOfficer } from './auth';

export { CITIZEN_ID, CITIZEN_ID_MESSAGE, notYourDossier as NOT_YOUR_DOSSIER, requireApplicant } from '../domain/principal';

/**
 * The officer acting on something of `agencyId`, with the roles their token gives them in
 * that agency: 401 without a token, 403 when they hold no role there (an officer never
 * sees or acts on another agency's dossiers, documents or payments).
 */
export async function officerFor(db: Db, req: Request, agencyId: number): Promise<Actor> {
  return officerActor(db, requireOfficer(req), agencyId);
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
