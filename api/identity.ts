import type { Request } from 'express';
import type { Knex } from 'knex';
import type { Actor, OfficerRole } from '../domain/types';
import { HttpProblem } from './problem';

/**
 * Who is calling. Until single sign-on is wired (issue 5), officers identify with
 * the `X-User-Id` header (username or numeric id), so this is a development identity
 * and must sit behind the centre's gateway.
 */
export async function officerFor(db: Knex, req: Request, agencyId: number): Promise<Actor> {
  const raw = req.get('x-user-id')?.trim();
  if (!raw) throw new HttpProblem(401, 'Unauthenticated', 'An officer identity (X-User-Id header) is required.');
  const user = await db('users')
    .where(/^\d+$/.test(raw) ? { id: Number(raw) } : { username: raw })
    .andWhere('active', true)
    .first('id', 'username', 'full_name');
  if (!user) throw new HttpProblem(401, 'Unauthenticated', `Unknown or inactive officer "${raw}".`);
  const roles: OfficerRole[] = (await db('user_roles').where({ user_id: user.id, agency_id: agencyId }).select('role')).map(
    (r: { role: OfficerRole }) => r.role,
  );
  if (!roles.length) {
    throw new HttpProblem(403, 'Forbidden', `${user.username} holds no role in the agency that handles this dossier.`);
  }
  return { userId: user.id, username: user.username, fullName: user.full_name, roles };
}
