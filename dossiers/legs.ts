import type { Db } from '../db/connection';
import { agencyIdsByEid } from '../db/repositories/agencies';
import { dossierHandoffs } from '../db/repositories/dossier-events';
import { findLeg, legEventLog, openLegsOf, type LegRow, type LegWorklistRow } from '../db/repositories/legs';
import { stepHandoffRows } from '../db/repositories/supervision';
import { DomainError } from '../domain/errors';
import type { OfficerPrincipal } from '../domain/principal';
import { rolesIn } from '../domain/principal';
import type { Actor } from '../domain/types';
import { vnTime } from '../domain/vn-time';
import type { LegView } from '../workflows/contracts/interagency-v1';

/**
 * Inter-agency legs and consultations (issue 17) as their agency's officers work them: the
 * worklist of open legs, one leg with its log and its rows of the lead dossier's sheet, who may
 * act on it (roles in the LEG's agency, not the dossier's), and the lead's view of its legs.
 */

const iso = (t: Date | string | null | undefined) => (t ? vnTime(t) : null);

/** Open and past its due time, or finished after it. */
function isLate(l: Pick<LegRow, 'status' | 'due_at' | 'late' | 'finished_at'>, now: number): boolean {
  if (l.late) return true;
  if (!l.due_at) return false;
  const due = new Date(l.due_at).getTime();
  return l.status === 'open' ? now > due : !!l.finished_at && new Date(l.finished_at).getTime() > due;
}

async function agencyNames(db: Db, eids: readonly string[]): Promise<Map<string, string>> {
  const rows: Array<{ eid: string; name: string }> = eids.length ? await db('agencies').whereIn('eid', [...new Set(eids)]).select('eid', 'name') : [];
  return new Map(rows.map((r) => [r.eid, r.name]));
}

function legItem(l: LegWorklistRow, names: Map<string, string>, now: number) {
  return {
    id: Number(l.id),
    workflowId: l.workflow_id,
    kind: l.kind,
    agency: { eid: l.agency_eid, name: names.get(l.agency_eid) ?? l.agency_eid },
    dossier: { code: l.code, leadAgency: { eid: l.lead_agency_eid, name: names.get(l.lead_agency_eid) ?? l.lead_agency_eid } },
    procedure: { code: l.procedure_code, name: l.procedure_name },
    stepKey: l.step_key,
    step: l.route_step ? { key: l.route_step.key, name: l.route_step.name, unit: l.route_step.unit, kind: l.route_step.kind, role: l.route_step.role, dueAt: iso(l.route_step.dueAt) } : null,
    status: l.status,
    question: l.question,
    assignee: l.assignee_id !== null ? { userId: l.assignee_id, fullName: l.assignee_name } : null,
    startedAt: vnTime(l.started_at)!,
    dueAt: iso(l.due_at),
    late: isLate(l, now),
    finishedAt: iso(l.finished_at),
    chasedAt: iso(l.chased_at),
  };
}

/** The agencies (eids) where the officer holds a role, from their token. */
function memberAgencies(p: OfficerPrincipal): string[] {
  return [...new Set(p.roles.map((r) => r.agencyEid))];
}

/**
 * GET /legs: the open legs and consultations of the caller's agencies (or of the one named,
 * where they must hold a role: 403 otherwise), the most urgent first.
 */
export async function legWorklist(db: Db, p: OfficerPrincipal, q: { agency?: string; kind?: 'leg' | 'consultation' }, now = Date.now()) {
  const mine = memberAgencies(p);
  if (!mine.length) throw new DomainError('forbidden', 'Forbidden', `Tài khoản ${p.username} chưa được giao vai trò tại cơ quan nào.`, { reason: 'NoAgencyRole' });
  if (q.agency && !mine.includes(q.agency)) {
    throw new DomainError('forbidden', 'Forbidden', `Tài khoản ${p.username} không có vai trò nào tại cơ quan ${q.agency}.`, { reason: 'NoRoleInAgency' });
  }
  const rows = (await openLegsOf(db, q.agency ? [q.agency] : mine)).filter((l) => !q.kind || l.kind === q.kind);
  const names = await agencyNames(db, rows.flatMap((l) => [l.agency_eid, l.lead_agency_eid]));
  return { legs: rows.map((l) => legItem(l, names, now)) };
}

/** The leg a route names, and the caller's roles in its agency; the same 404 for an unknown leg and for one of an agency where they hold no role. */
export async function legForOfficer(db: Db, p: OfficerPrincipal, id: string, opts: { leadMayRead?: boolean } = {}): Promise<{ leg: LegWorklistRow; actor: Actor }> {
  const leg = await findLeg(db, id);
  const roles = leg ? rolesIn(p, leg.agency_eid) : [];
  const leadRoles = leg && opts.leadMayRead ? rolesIn(p, leg.lead_agency_eid) : [];
  if (!leg || (!roles.length && !leadRoles.length)) {
    throw new DomainError('not_found', 'Not found', `Không có phần việc liên thông số ${id} tại cơ quan của Ông/Bà.`, { reason: 'UnknownLeg' });
  }
  return { leg, actor: { userId: p.userId, username: p.username, fullName: p.fullName, roles: roles.length ? roles : leadRoles } };
}

/**
 * The officer acting on a leg: they must hold one of `roles` in the LEG's agency (their roles
 * in the lead agency do not count); 404 as above for a leg of an agency they have no role in.
 */
export async function legActor(db: Db, p: OfficerPrincipal, id: string, roles: readonly string[], what: string): Promise<{ leg: LegWorklistRow; actor: Actor }> {
  const { leg, actor } = await legForOfficer(db, p, id);
  if (!rolesIn(p, leg.agency_eid).some((r) => roles.includes(r))) {
    throw new DomainError('forbidden', 'Forbidden', `${what}: tài khoản ${p.username} không có vai trò ${roles.join(' hoặc ')} tại cơ quan ${leg.agency_eid} (cơ quan giải quyết phần việc liên thông).`, { reason: 'RoleRequired' });
  }
  return { leg, actor };
}

/** The agency id of an eid (a leg's agency), for the specialist look-up. */
export async function agencyIdOf(db: Db, eid: string): Promise<number | null> {
  const [a] = await agencyIdsByEid(db, [eid]);
  return a ? a.id : null;
}

/** GET /legs/{id}: the leg, its own event log and its rows of the lead dossier's sheet. */
export async function legDetail(db: Db, leg: LegWorklistRow, now = Date.now()) {
  const names = await agencyNames(db, [leg.agency_eid, leg.lead_agency_eid]);
  const events = await legEventLog(db, Number(leg.id));
  const rows = (await dossierHandoffs(db, leg.dossier_id)).filter((h) => h.leg_workflow_id === leg.workflow_id);
  return {
    ...legItem(leg, names, now),
    opinion: leg.opinion,
    agrees: leg.agrees,
    reasons: leg.reasons,
    resultNumber: leg.result_number,
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      actor: e.actor_name || e.actor_role ? { fullName: e.actor_name, role: e.actor_role } : null,
      at: vnTime(e.occurred_at)!,
      data: e.data ?? {},
    })),
    handoffs: rows.map((h) => ({
      stepKey: h.step_key,
      stepName: h.step_name,
      receiver: { userId: h.receiver_id, name: h.receiver_name, unit: h.receiver_unit },
      receivedAt: vnTime(h.received_at)!,
      dueAt: iso(h.due_at),
      doneAt: iso(h.done_at),
      outcome: h.outcome,
    })),
  };
}

/** The lead dossier's legs and consultations as its officers' view shows them (LegView). */
export function legViews(rows: readonly LegRow[], now = Date.now()): LegView[] {
  return rows.map((l) => ({
    workflowId: l.workflow_id,
    kind: l.kind,
    stepKey: l.step_key,
    agencyEid: l.agency_eid,
    startedAt: vnTime(l.started_at)!,
    dueAt: iso(l.due_at),
    status: l.status,
    late: isLate(l, now),
    finishedAt: iso(l.finished_at),
    resultNumber: l.result_number,
    reasons: l.reasons,
    opinion: l.opinion,
    agrees: l.agrees,
    step: l.route_step ? { key: l.route_step.key, name: l.route_step.name, unit: l.route_step.unit } : null,
    chasedAt: iso(l.chased_at),
  }));
}

// ---------------------------------------------------------------- per-step counts (supervision)

interface Tally {
  early: number;
  onTime: number;
  late: number;
  total: number;
}
const tally = (): Tally => ({ early: 0, onTime: 0, late: 0, total: 0 });
function add(t: Tally, outcome: 'early' | 'on_time' | 'late'): void {
  if (outcome === 'early') t.early += 1;
  else if (outcome === 'on_time') t.onTime += 1;
  else t.late += 1;
  t.total += 1;
}

/**
 * GET /supervision/steps: hand-offs of routed dossiers closed in [from, until), the lead
 * agency's and the legs' (counted for the agency that received them), per step, unit and
 * officer, early / on time / late.
 */
export async function stepCounts(db: Db, q: { agencies: ReadonlyArray<{ eid: string }>; from: Date; until: Date }) {
  const rows = await stepHandoffRows(db, { agencyEids: q.agencies.map((a) => a.eid), from: q.from, until: q.until });
  const steps = new Map<string, { stepKey: string; stepName: string | null; agencyEid: string | null } & Tally>();
  const units = new Map<string, { unit: string; agencyEid: string | null } & Tally>();
  const officers = new Map<string, { userId: number; fullName: string | null; agencyEid: string | null } & Tally>();
  for (const r of rows) {
    const s = steps.get(`${r.agency_eid}\u0000${r.step_key}`) ?? { stepKey: r.step_key, stepName: r.step_name, agencyEid: r.agency_eid, ...tally() };
    steps.set(`${r.agency_eid}\u0000${r.step_key}`, s);
    add(s, r.outcome);
    const u = units.get(`${r.agency_eid}\u0000${r.receiver_unit}`) ?? { unit: r.receiver_unit, agencyEid: r.agency_eid, ...tally() };
    units.set(`${r.agency_eid}\u0000${r.receiver_unit}`, u);
    add(u, r.outcome);
    if (r.receiver_id !== null) {
      const o = officers.get(`${r.agency_eid}\u0000${r.receiver_id}`) ?? { userId: r.receiver_id, fullName: r.full_name, agencyEid: r.agency_eid, ...tally() };
      officers.set(`${r.agency_eid}\u0000${r.receiver_id}`, o);
      add(o, r.outcome);
    }
  }
  return { steps: [...steps.values()], units: [...units.values()], officers: [...officers.values()] };
}
