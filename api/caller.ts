import type { Request } from 'express';
import type { Db } from '../db/connection';
import { agencyIdsByEid } from '../db/repositories/agencies';
import { DomainError } from '../domain/errors';
import type { Caller } from '../domain/officer';
import type { OfficerRole } from '../domain/types';
import { requireOfficer, rolesIn } from './auth';

/**
 * The officer calling an endpoint that belongs to no single dossier (calendar administration,
 * supervision): same bearer token as `officerFor` (api/auth.ts), roles kept per agency
 * (domain/officer.ts).
 */
export async function callerFor(db: Db, req: Request): Promise<Caller> {
  const p = requireOfficer(req);
  const eids = [...new Set(p.roles.map((r) => r.agencyEid))];
  const agencies = eids.length ? await agencyIdsByEid(db, eids) : [];
  const rolesByAgency = new Map<number, OfficerRole[]>();
  for (const a of agencies) rolesByAgency.set(a.id, rolesIn(p, a.eid));
  if (!rolesByAgency.size) throw new DomainError('forbidden', 'Forbidden', `Tài khoản ${p.username} chưa được giao vai trò tại cơ quan nào.`, { reason: 'NoAgencyRole' });
  return { userId: p.userId, username: p.username, fullName: p.fullName, rolesByAgency };
}
