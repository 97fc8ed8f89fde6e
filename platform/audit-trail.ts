import type { Tx } from '../db/connection';
import { auditEntriesOfDossier, insertAuditEntry, type NewAuditEntry } from '../db/repositories/audit';
import { sha256Hex } from '../domain/canonical-json';
import { findDossierByCode } from '../db/repositories/dossiers';
import { DomainError } from '../domain/errors';
import { firstUnsafeCharacter, replaceUnsafeCharacters, SINGLE_LINE } from '../domain/input-safety';
import { unknownDossier, type Principal } from '../domain/principal';
import type { Actor } from '../domain/types';
import { vnTime } from '../domain/vn-time';

/**
 * Nhật ký thao tác: every request that changes something, by whom (role and agency), on
 * what, why, and how it ended (refusals included). The state before and after a dossier
 * action is in the dossier's own audit rows, written with its event by the read model. The
 * table refuses UPDATE and DELETE (a trigger).
 */
export interface AuditedRequest {
  principal: Principal | null;
  /** "POST /api/v1/dossiers/:code/decision": the method and the route pattern. */
  action: string;
  /** The declared route the path matched (/api/v1/dossiers/:code/decision), null for a path the contract does not know. */
  routeTemplate: string | null;
  /** The path as called. */
  target: string;
  reason: string | null;
  /** The dossier the path names, if it names one. */
  dossierCode: string | null;
  status: number;
  /** The dossier the path names as the handler already loaded it (issue 18): no second look-up. */
  knownDossier?: { id: number; agency_id: number; code: string } | null;
  requestId: string | null;
  /** Whether the request id is the one the caller sent (X-Request-Id) rather than ours. */
  requestIdGiven: boolean;
}

/**
 * Writes the entry of one request, with its dossier and that dossier's agency when the path
 * names one. Refusals are recorded too, so what they carried may be what was refused: text
 * PostgreSQL cannot store (a NUL) is recorded with U+FFFD in place of each refused character,
 * and a "code" holding one names no dossier.
 */
export async function recordAuditEntry(db: Tx, request: AuditedRequest): Promise<void> {
  const ready = auditEntryOf(request);
  if (ready) return insertAuditEntry(db, ready);
  const code = auditedCode(request)!;
  const dossier = await findDossierByCode(db, code, ['id', 'agency_id']);
  return insertAuditEntry(db, signedInEntry(request, request.principal!, dossier ?? null));
}

/**
 * The entry of one request when nothing needs looking up for it (issue 18: written with the
 * action's idempotent answer, in one statement): an anonymous request, one whose path names no
 * dossier, or one whose dossier the handler loaded (`knownDossier`). Null otherwise.
 */
export function auditEntryOf(request: AuditedRequest): NewAuditEntry | null {
  const { principal } = request;
  if (!principal) return anonymousEntry(request);
  const code = auditedCode(request);
  if (!code) return signedInEntry(request, principal, null);
  const known = request.knownDossier && request.knownDossier.code === code ? request.knownDossier : null;
  return known ? signedInEntry(request, principal, known) : null;
}

/** The dossier code the path names, unless it holds what names no dossier. */
const auditedCode = (request: AuditedRequest): string | null => (request.dossierCode && !firstUnsafeCharacter(request.dossierCode, SINGLE_LINE) ? request.dossierCode : null);

function signedInEntry(request: AuditedRequest, principal: Principal, dossier: { id: number; agency_id: number } | null): NewAuditEntry {
  return {
    actor_kind: principal.kind,
    actor_id: principal.kind === 'officer' ? principal.userId : null,
    actor_label: principal.kind === 'officer' ? principal.username : `CCCD ***${principal.idNumber.slice(-4)}`,
    actor_role: principal.kind === 'officer' ? [...new Set(principal.roles.map((r) => r.role))].join(',') : principal.kind,
    agency_id: dossier?.agency_id ?? null,
    action: request.action,
    dossier_id: dossier?.id ?? null,
    target: replaceUnsafeCharacters(request.target.slice(0, 500)),
    reason: request.reason === null ? null : replaceUnsafeCharacters(request.reason.slice(0, 2000)),
    before: null,
    after: JSON.stringify({ status: request.status }),
    request_id: request.requestId,
  };
}

/**
 * The entry of a request without a valid token. Anyone can send one, as often as they like,
 * so nothing it says goes into the append-only log: not the path as typed (the route template
 * instead, or none for a path the contract does not know), not its reason or note (a SHA-256
 * at most, to recognise a repeated text), not a request id it chose, and no link to the dossier
 * its path names (a stranger's request is no part of that dossier's history).
 */
function anonymousEntry(request: AuditedRequest): NewAuditEntry {
  const method = request.action.split(' ')[0]!;
  const route = request.routeTemplate ?? '(unknown route)';
  return {
    actor_kind: 'anonymous',
    actor_id: null,
    actor_label: 'anonymous',
    actor_role: null,
    agency_id: null,
    action: `${method} ${route}`,
    dossier_id: null,
    target: route,
    reason: null,
    before: null,
    after: JSON.stringify({
      status: request.status,
      outcome: request.status < 400 ? 'done' : 'refused',
      ...(request.reason ? { reasonSha256: sha256Hex(request.reason) } : {}),
    }),
    request_id: request.requestIdGiven ? null : request.requestId,
  };
}

/** The dossier whose audit trail is asked for; not found when there is none. */
export async function auditedDossier(db: Tx, code: string): Promise<{ id: number; agency_id: number; code: string }> {
  const d = await findDossierByCode(db, code, ['id', 'agency_id', 'code']);
  if (!d) throw unknownDossier();
  return d;
}

/** The dossier's audit trail, for its agency's supervisors, leaders and admins (forbidden to anyone else). */
export async function dossierAuditTrail(db: Tx, d: { id: number; code: string }, actor: Actor) {
  if (!actor.roles.some((r) => r === 'supervisor' || r === 'leader' || r === 'admin')) {
    throw new DomainError('forbidden', 'Forbidden', `Chỉ cán bộ giám sát, lãnh đạo hoặc quản trị hệ thống của cơ quan giải quyết hồ sơ được xem nhật ký; tài khoản ${actor.username} không có vai trò này.`, { reason: 'RoleRequired' });
  }
  const rows = await auditEntriesOfDossier(db, d.id);
  return {
    code: d.code,
    entries: rows.map((r) => ({
      id: Number(r.id),
      at: vnTime(r.at),
      actor: { kind: r.actor_kind, label: r.actor_label, name: r.full_name ?? (r.actor_kind === 'citizen' ? 'Người nộp hồ sơ' : null), role: r.actor_role },
      action: r.action,
      target: r.target,
      reason: r.reason,
      before: r.before,
      after: r.after,
      requestId: r.request_id,
    })),
  };
}
