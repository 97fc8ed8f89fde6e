import { DomainError } from './errors';
import type { Actor, OfficerRole } from './types';

/**
 * The officer calling an endpoint that belongs to no single dossier (calendar administration,
 * supervision, webhooks). Roles are kept per agency: calendars are shared, so an administrator
 * of any agency may change them, and reads are open to every identified officer.
 */
export interface Caller {
  userId: number;
  username: string;
  fullName: string;
  rolesByAgency: Map<number, OfficerRole[]>;
}

export function isAdmin(caller: Caller): boolean {
  return [...caller.rolesByAgency.values()].some((roles) => roles.includes('admin'));
}

export function requireAdmin(caller: Caller): void {
  if (!isAdmin(caller)) {
    throw new DomainError('forbidden', 'Forbidden', `Chỉ quản trị hệ thống được thay đổi lịch làm việc; tài khoản ${caller.username} không có vai trò quản trị tại cơ quan nào.`, { reason: 'AdminOnly' });
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
