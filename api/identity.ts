import type { Request } from 'express';
import type { Knex } from 'knex';
import type { Actor, OfficerRole } from '../domain/types';
import { HttpProblem } from './problem';
import type { Validator } from './validation';

/**
 * Who is calling. Until single sign-on is wired (issue 5), officers identify with
 * the `X-User-Id` header (username or numeric id), so this is a development identity
 * and must sit behind the centre's gateway.
 */
export async function officerFor(db: Knex, req: Request, agencyId: number): Promise<Actor> {
  const user = await identifiedUser(db, req);
  const roles: OfficerRole[] = (await db('user_roles').where({ user_id: user.id, agency_id: agencyId }).select('role')).map(
    (r: { role: OfficerRole }) => r.role,
  );
  if (!roles.length) {
    throw new HttpProblem(403, 'Forbidden', `${user.username} holds no role in the agency that handles this dossier.`);
  }
  return { userId: user.id, username: user.username, fullName: user.full_name, roles };
}

/** The active officer named by the `X-User-Id` header (username or numeric id); 401 otherwise. */
export async function identifiedUser(db: Knex, req: Request): Promise<{ id: number; username: string; full_name: string }> {
  const raw = req.get('x-user-id')?.trim();
  if (!raw) throw new HttpProblem(401, 'Unauthenticated', 'An officer identity (X-User-Id header) is required.');
  const user = await db('users')
    .where(/^\d+$/.test(raw) ? { id: Number(raw) } : { username: raw })
    .andWhere('active', true)
    .first('id', 'username', 'full_name');
  if (!user) throw new HttpProblem(401, 'Unauthenticated', `Unknown or inactive officer "${raw}".`);
  return user;
}

/** Citizen ID: CCCD (12 digits) or the older CMND (9 digits). */
export const CITIZEN_ID = /^(\d{12}|\d{9})$/;
export const CITIZEN_ID_MESSAGE = 'số CCCD gồm 12 chữ số hoặc CMND gồm 9 chữ số';

/** Reads the applicant's `idNumber` from a request body, as proof of ownership until VNeID sign-in. */
export function citizenIdFrom(v: Validator, body: Record<string, unknown>): string | undefined {
  return v.string(body, 'idNumber', 'idNumber', { required: true, pattern: CITIZEN_ID, patternMessage: CITIZEN_ID_MESSAGE });
}

/** Refuses anyone but the applicant of the dossier, in the citizen's language. */
export function requireApplicant(dossier: { applicant_id_number: string }, idNumber: string | undefined): void {
  if (dossier.applicant_id_number !== idNumber) {
    throw new HttpProblem(403, 'Not the applicant', 'Số giấy tờ tùy thân không khớp với người nộp hồ sơ này.');
  }
}
