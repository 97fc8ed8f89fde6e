import type { Request } from 'express';
import type { Knex } from 'knex';
import type { Actor, OfficerRole } from '../domain/types';
import { HttpProblem } from './problem';
import { requireCitizen, requireOfficer, rolesIn } from './auth';

/**
 * The officer acting on something of `agencyId`, with the roles their token gives them in
 * that agency: 401 without a token, 403 when they hold no role there (an officer never
 * sees or acts on another agency's dossiers, documents or payments).
 */
export async function officerFor(db: Knex, req: Request, agencyId: number): Promise<Actor> {
  const p = requireOfficer(req);
  const agency = await db('agencies').where('id', agencyId).first('eid');
  const roles: OfficerRole[] = agency ? rolesIn(p, agency.eid) : [];
  if (!roles.length) {
    throw new HttpProblem(403, 'Forbidden', `${p.username} holds no role in the agency that handles this dossier.`);
  }
  return { userId: p.userId, username: p.username, fullName: p.fullName, roles };
}

/** The signed-in officer, whatever their agency (their own alerts, their own queue). */
export async function identifiedUser(_db: Knex, req: Request): Promise<{ id: number; username: string; full_name: string }> {
  const p = requireOfficer(req);
  return { id: p.userId, username: p.username, full_name: p.fullName };
}

/** Citizen ID: CCCD (12 digits) or the older CMND (9 digits). */
export const CITIZEN_ID = /^(\d{12}|\d{9})$/;
export const CITIZEN_ID_MESSAGE = 'số CCCD gồm 12 chữ số hoặc CMND gồm 9 chữ số';

/** The signed-in citizen's ID number (the subject of their citizen token). */
export function citizenIdOf(req: Request): string {
  return requireCitizen(req).idNumber;
}

/** What a citizen is told about a dossier that does not exist or is not theirs: the same words, so codes cannot be probed. */
export const NOT_YOUR_DOSSIER = () => new HttpProblem(404, 'Not found', 'Không tìm thấy hồ sơ của Ông/Bà với mã này.');

/** Refuses anyone but the applicant of the dossier exactly as an unknown code is refused. */
export function requireApplicant(dossier: { applicant_id_number: string } | undefined | null, idNumber: string | undefined): void {
  if (!dossier || dossier.applicant_id_number !== idNumber) throw NOT_YOUR_DOSSIER();
}
