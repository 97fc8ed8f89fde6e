import type { Request } from 'express';
import type { Knex } from 'knex';
import type { Actor, OfficerRole } from '../domain/types';
import { requireOfficer, rolesIn } from './auth';
import { HttpProblem } from './problem';

/**
 * The officer calling an endpoint that belongs to no single dossier (calendar administration).
 * Same bearer token as `officerFor` (api/auth.ts),
 * but roles are kept per agency: calendars are shared, so an administrator of any agency may
 * change them, and reads are open to every identified officer.
 */
export interface Caller {
  userId: number;
  username: string;
  fullName: string;
  rolesByAgency: Map<number, OfficerRole[]>;
}

export async function callerFor(db: Knex, req: Request): Promise<Caller> {
  const p = requireOfficer(req);
  const eids = [...new Set(p.roles.map((r) => r.agencyEid))];
  const agencies: Array<{ id: number; eid: string }> = eids.length ? await db('agencies').whereIn('eid', eids).select('id', 'eid') : [];
  const rolesByAgency = new Map<number, OfficerRole[]>();
  for (const a of agencies) rolesByAgency.set(a.id, rolesIn(p, a.eid));
  if (!rolesByAgency.size) throw new HttpProblem(403, 'Forbidden', `${p.username} holds no role in any agency.`);
  return { userId: p.userId, username: p.username, fullName: p.fullName, rolesByAgency };
}

export function isAdmin(caller: Caller): boolean {
  return [...caller.rolesByAgency.values()].some((roles) => roles.includes('admin'));
}

export function requireAdmin(caller: Caller): void {
  if (!isAdmin(caller)) {
    throw new HttpProblem(403, 'Forbidden', `${caller.username} is not an administrator (role admin) of any agency; calendars are changed by administrators only.`);
  }
}

/**
 * The caller as the actor of a workflow update on a dossier of `agencyId`: their roles in that
 * agency, plus `admin` when they administer any agency (that is what allows a recomputation).
 */
export function actorFor(caller: Caller, agencyId: number): Actor {
  const roles = [...(caller.rolesByAgency.get(agencyId) ?? [])];
  if (isAdmin(caller) && !roles.includes('admin')) roles.push('admin');
  return { userId: caller.userId, username: caller.username, fullName: caller.fullName, roles };
}
