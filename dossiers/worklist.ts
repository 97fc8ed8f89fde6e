import { createHash } from 'node:crypto';
import type { Db } from '../db/connection';
import { agenciesByEid, allAgencies, findAgencyByEid, type AgencyRef } from '../db/repositories/agencies';
import { agencyVersions } from '../db/repositories/dossier-changes';
import { findProcedureByCode } from '../db/repositories/procedures';
import {
  dossierListPage,
  dossierListTotal,
  findUserByIdOrUsername,
  queueCounts,
  QUEUE_KEYS,
  QUEUES,
  type DossierListFilter,
  type DossierListRow,
  type ListPosition,
  type ListSort,
  type QueueKey,
} from '../db/repositories/worklists';
import { canonicalJson } from '../domain/canonical-json';
import { DomainError, type FieldError } from '../domain/errors';
import type { OfficerPrincipal } from '../domain/principal';
import { isDossierStatus, statusLabel } from '../domain/status';
import type { Channel, OfficerRole } from '../domain/types';
import { vnTime } from '../domain/vn-time';
import { STEP_LABELS } from '../supervision/reports';

/**
 * The staff worklist (GET /api/v1/dossiers): the dossiers of the agencies the officer works in,
 * filtered, searched, sorted, in keyset pages, with the count of every queue. Reads the
 * PostgreSQL read model only (db/repositories/worklists.ts), never Temporal.
 *
 * Scope, as the supervisor reports decide it (supervision/reports.ts `supervisedAgencies`):
 * an administrator of any agency sees every agency; anyone else the agencies where their token
 * gives them a role (here any role: one-stop officers and specialists have queues too).
 */

export { LIST_SORTS, QUEUE_KEYS, type ListSort, type QueueKey } from '../db/repositories/worklists';

export const QUEUE_LABELS: Record<QueueKey, string> = {
  awaiting_intake: 'Chờ tiếp nhận',
  supplements_received: 'Đã bổ sung, chờ tiếp nhận lại',
  awaiting_citizen: 'Chờ công dân bổ sung',
  awaiting_assignment: 'Chờ phân công',
  in_review: 'Đang thẩm định, xử lý',
  awaiting_decision: 'Chờ lãnh đạo phê duyệt',
  results_to_hand_over: 'Kết quả chờ trả tại quầy',
  in_transit: 'Đang chuyển phát kết quả',
  returned_by_post: 'Bưu chính chuyển hoàn',
};

export const LIST_REASON = 'InvalidListQuery';

/** 422 listing every bad parameter, in Vietnamese, with a stable reason. */
export function invalidListQuery(errors: FieldError[]): DomainError {
  const detail = `Tham số lọc danh sách hồ sơ chưa hợp lệ: ${errors.map((e) => `${e.field.replace(/^query\./, '')} ${e.message}`).join('; ')}.`;
  return new DomainError('invalid', 'Invalid request', detail, { reason: LIST_REASON, errors });
}

/** The agencies whose dossiers the officer may list: all of them for an administrator, else those where they hold a role. */
export async function listScope(db: Db, p: OfficerPrincipal, agencyEid: string | undefined): Promise<AgencyRef[]> {
  const admin = p.roles.some((r) => r.role === 'admin');
  const mine = await agenciesByEid(db, [...new Set(p.roles.map((r) => r.agencyEid))]);
  if (agencyEid !== undefined) {
    const agency = await findAgencyByEid(db, agencyEid, ['id', 'eid', 'name']);
    if (!agency) throw invalidListQuery([{ field: 'query.agency', message: `không có cơ quan có mã "${agencyEid}"` }]);
    if (!admin && !mine.some((a) => a.id === agency.id)) {
      throw new DomainError('forbidden', 'Forbidden', `Ông/Bà không có vai trò tại cơ quan ${agency.eid} nên không xem được hồ sơ của cơ quan này.`, { reason: 'NoRoleInAgency' });
    }
    return [agency];
  }
  if (admin) return allAgencies(db);
  if (!mine.length) throw new DomainError('forbidden', 'Forbidden', 'Tài khoản chưa được giao vai trò tại cơ quan nào nên không có hồ sơ để xem.', { reason: 'NoAgencyRole' });
  return mine;
}

/** The list as asked, names not yet looked up (the API's parsed query). */
export interface ListRequest {
  agency?: string;
  status?: string[];
  queue?: QueueKey;
  procedure?: string[];
  step?: string[];
  /** `me`, `none`, a user id or a username. */
  assignee?: string;
  channel?: Channel[];
  receivedFrom?: Date;
  receivedBefore?: Date;
  dueFrom?: Date;
  dueBefore?: Date;
  q?: string;
  sort: ListSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/** Where the next page starts, bound to the query it came from (its fingerprint): base64url JSON, opaque to clients. */
interface ListCursor {
  after: ListPosition;
  fingerprint: string;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify({ k: c.after.key, i: c.after.id, f: c.fingerprint })).toString('base64url');
}

/** The cursor, or null for anything this API did not hand out for this sort. */
function decodeCursor(v: string, sort: ListSort): ListCursor | null {
  if (!/^[A-Za-z0-9_-]{1,800}$/.test(v)) return null;
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(v, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const { k, i, f } = o as Record<string, unknown>;
  if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 1 || typeof f !== 'string' || !/^[0-9a-f]{16}$/.test(f)) return null;
  if (k !== null) {
    if (typeof k !== 'string' || k.length > 200 || /\p{Cc}/u.test(k)) return null;
    if (sort !== 'code' && (!CURSOR_TIME.test(k) || Number.isNaN(Date.parse(k)))) return null;
  }
  return { after: { key: k as string | null, id: i }, fingerprint: f };
}

/** What identifies a list: everything but the page (limit, cursor). */
function fingerprintOf(r: ListRequest, userId: number): string {
  const { limit: _limit, cursor: _cursor, ...query } = r;
  // `me` is the caller: another officer's cursor is another list.
  const normal = { ...query, user: r.assignee === 'me' ? userId : null };
  return createHash('sha256').update(canonicalJson(JSON.parse(JSON.stringify(normal)))).digest('hex').slice(0, 16);
}

/** The filter with its names looked up; every unknown name listed in one 422. */
async function resolveFilter(db: Db, p: OfficerPrincipal, r: ListRequest, agencies: AgencyRef[]): Promise<DossierListFilter> {
  const errors: FieldError[] = [];
  let procedureIds: number[] | undefined;
  if (r.procedure) {
    procedureIds = [];
    for (const code of r.procedure) {
      const proc = await findProcedureByCode(db, code, ['id']);
      if (proc) procedureIds.push(proc.id);
      else errors.push({ field: 'query.procedure', message: `không có thủ tục có mã "${code}"` });
    }
  }
  let assigneeId: number | null | undefined;
  if (r.assignee === 'me') assigneeId = p.userId;
  else if (r.assignee === 'none') assigneeId = null;
  else if (r.assignee !== undefined) {
    const user = await findUserByIdOrUsername(db, r.assignee);
    if (user) assigneeId = user.id;
    else errors.push({ field: 'query.assignee', message: `không có cán bộ "${r.assignee}" (dùng me, none, mã số hoặc tên đăng nhập)` });
  }
  if (errors.length) throw invalidListQuery(errors);
  return {
    agencyIds: agencies.map((a) => a.id),
    statuses: r.status,
    queue: r.queue,
    procedureIds,
    steps: r.step,
    assigneeId,
    channels: r.channel,
    receivedFrom: r.receivedFrom,
    receivedBefore: r.receivedBefore,
    dueFrom: r.dueFrom,
    dueBefore: r.dueBefore,
    search: r.q,
  };
}

/**
 * Bump when the worklist's answer changes shape or meaning for the same data: every ETag
 * handed out before is then stale.
 */
const WORKLIST_FORMAT = 'worklist-1';

/**
 * The validator of a worklist answer (its weak ETag) without computing the answer: the change
 * counters of the agencies in the caller's scope (raised by every writer of the read model,
 * db/repositories/dossier-changes.ts), the scope itself, the caller (`assignee=me`, the `mine`
 * counts) and the query, page included. Read before the list, so an answer is never newer
 * than its ETag says (a change between the two makes the next request a 200, never a stale
 * 304). What the counters do not follow: a renamed agency, procedure or officer.
 */
export async function worklistVersion(db: Db, p: OfficerPrincipal, r: ListRequest): Promise<{ etag: string; agencies: AgencyRef[] }> {
  const agencies = await listScope(db, p, r.agency);
  const versions = await agencyVersions(db, agencies.map((a) => a.id));
  const basis = { f: WORKLIST_FORMAT, u: p.userId, q: JSON.parse(JSON.stringify(r)), a: agencies.map((a) => [a.id, versions.get(a.id) ?? 0]) };
  return { etag: `W/"${createHash('sha256').update(canonicalJson(basis)).digest('base64url').slice(0, 32)}"`, agencies };
}

/**
 * One page of the worklist, the whole list's total, and the count of every queue in the scope
 * (`scope`: the agencies worklistVersion found, when it was asked first).
 */
export async function dossierWorklist(db: Db, p: OfficerPrincipal, r: ListRequest, scope?: AgencyRef[]) {
  const fingerprint = fingerprintOf(r, p.userId);
  let after: ListPosition | undefined;
  if (r.cursor !== undefined) {
    const c = decodeCursor(r.cursor, r.sort);
    if (!c) throw invalidListQuery([{ field: 'query.cursor', message: 'phải là nextCursor của trang trước, giữ nguyên' }]);
    if (c.fingerprint !== fingerprint) {
      throw new DomainError('invalid', 'Invalid request', 'Con trỏ trang (cursor) thuộc một danh sách khác: giữ nguyên các tham số lọc và sắp xếp của trang đầu, hoặc bỏ cursor để xem lại từ đầu.', {
        reason: 'CursorMismatch',
        errors: [{ field: 'query.cursor', message: 'không thuộc danh sách với các tham số này' }],
      });
    }
    after = c.after;
  }
  const agencies = scope ?? (await listScope(db, p, r.agency));
  const filter = await resolveFilter(db, p, r, agencies);
  const [page, total, queues] = await Promise.all([
    dossierListPage(db, { ...filter, sort: r.sort, order: r.order, limit: r.limit, after }),
    dossierListTotal(db, filter),
    queueCounts(db, filter.agencyIds, p.userId),
  ]);
  const counted = new Map(queues.map((q) => [q.queue, q]));
  return {
    agencies: agencies.map((a) => ({ eid: a.eid, name: a.name })),
    sort: r.sort,
    order: r.order,
    limit: r.limit,
    total,
    nextCursor: page.next ? encodeCursor({ after: page.next, fingerprint }) : null,
    queues: QUEUE_KEYS.map((key) => ({
      key,
      label: QUEUE_LABELS[key],
      statuses: [...QUEUES[key]],
      count: counted.get(key)?.count ?? 0,
      mine: counted.get(key)?.mine ?? 0,
    })),
    dossiers: page.rows.map(listItem),
  };
}

function listItem(r: DossierListRow) {
  return {
    code: r.code,
    agency: { eid: r.agency_eid, name: r.agency_name },
    procedure: { code: r.procedure_code, name: r.procedure_name },
    channel: r.channel,
    deliveryMethod: r.delivery_method,
    status: { code: r.status, label: isDossierStatus(r.status) ? statusLabel(r.status) : r.status },
    queue: r.queue,
    applicant: { fullName: r.applicant_full_name, idNumber: r.applicant_id_number },
    assignee: r.assignee_id ? { id: r.assignee_id, username: r.assignee_username!, fullName: r.assignee_name! } : null,
    // Where it waits, and with whom (an officer, or a unit: the one-stop counter, the leaders, the applicant, the post).
    currentStep: r.step
      ? { step: r.step, label: STEP_LABELS[r.step] ?? r.step, holder: r.holder_name ?? r.holder_unit ?? null, holderId: r.holder_id, dueAt: vnTime(r.step_due_at) }
      : null,
    // Routed dossiers (issue 17): the step of the pinned internal procedure, who holds it (unit, role, agency) and its due time.
    routedStep: r.route_step
      ? { key: r.route_step.key, name: r.route_step.name, unit: r.route_step.unit, role: r.route_step.role, agencyEid: r.route_step.agencyEid, dueAt: vnTime(r.route_step.dueAt) }
      : null,
    submittedAt: vnTime(r.submitted_at)!,
    receivedAt: vnTime(r.received_at),
    dueAt: vnTime(r.due),
    appointmentAt: vnTime(r.appointment_at),
    deadlineState: r.deadline_state,
    pausedSince: vnTime(r.clock_paused_at),
    reappointed: r.apology_issued_at !== null,
    feeStatus: r.fee_status,
  };
}

export type WorklistItem = ReturnType<typeof listItem>;

/** The roles an officer may hold, as the console names them. */
export const ROLE_LABELS: Record<OfficerRole, string> = {
  one_stop_officer: 'Cán bộ Bộ phận Một cửa',
  specialist: 'Chuyên viên xử lý',
  leader: 'Lãnh đạo',
  supervisor: 'Giám sát',
  admin: 'Quản trị hệ thống',
};
