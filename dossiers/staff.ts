import type { Db } from '../db/connection';
import { agenciesByEid, findAgencyByEid } from '../db/repositories/agencies';
import { agencyOfficers } from '../db/repositories/worklists';
import { DomainError } from '../domain/errors';
import { rolesIn, type Principal, type OfficerPrincipal } from '../domain/principal';
import { OPEN_STATUSES } from '../domain/status';
import type { OfficerRole } from '../domain/types';
import { ROLE_LABELS } from './worklist';

/**
 * Who the console is talking to (GET /api/v1/me), and the officers a leader may assign a
 * dossier to, with their load (GET /api/v1/agencies/{eid}/officers).
 */

const roleList = (roles: readonly OfficerRole[]) => roles.map((role) => ({ role, label: ROLE_LABELS[role] }));

/**
 * The signed-in user: an officer with their roles per agency (as their token asserts them, the
 * roles every endpoint checks) and the agencies' names; or a citizen with the ID number and
 * name of their sign-in. Agencies the token names that do not exist here are left out.
 */
export async function signedInUser(db: Db, p: Principal) {
  if (p.kind === 'citizen') return { kind: 'citizen' as const, idNumber: p.idNumber, fullName: p.fullName };
  const agencies = await agenciesByEid(db, [...new Set(p.roles.map((r) => r.agencyEid))]);
  return {
    kind: 'officer' as const,
    id: p.userId,
    username: p.username,
    fullName: p.fullName,
    agencies: agencies.map((a) => ({ eid: a.eid, name: a.name, roles: roleList(rolesIn(p, a.eid).sort()) })),
  };
}

/**
 * The active officers of an agency (holding `role` there, when given) with their open load,
 * for the caller who holds a role in that agency: an unknown agency is 404, an officer with no
 * role there 403 (as counter submissions for an agency, api/identity.ts `officerFor`).
 */
export async function officersOfAgency(db: Db, p: OfficerPrincipal, eid: string, role: OfficerRole | undefined) {
  const agency = await findAgencyByEid(db, eid, ['id', 'eid', 'name']);
  if (!agency) throw new DomainError('not_found', 'Not found', `Không có cơ quan có mã "${eid}".`, { reason: 'AgencyNotFound' });
  if (!rolesIn(p, agency.eid).length) {
    throw new DomainError('forbidden', 'Forbidden', `Ông/Bà không có vai trò tại cơ quan ${agency.eid} nên không xem được danh sách cán bộ của cơ quan này.`, { reason: 'NoRoleInAgency' });
  }
  const rows = await agencyOfficers(db, agency.id, role, OPEN_STATUSES);
  return {
    agency: { eid: agency.eid, name: agency.name },
    role: role ?? null,
    officers: rows.map((r) => ({
      id: r.id,
      username: r.username,
      fullName: r.full_name,
      roles: roleList(r.roles),
      // Open dossiers assigned to them (received, not yet decided): everywhere, as the automatic assignment weighs it, and in this agency.
      openLoad: r.open_load,
      openLoadInAgency: r.open_load_here,
    })),
  };
}
