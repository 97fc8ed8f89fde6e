import type { Db } from '../db/connection';
import { allAgencies, findAgencyByEid, type AgencyRef } from '../db/repositories/agencies';
import { loadAgencyCalendar, UnknownCalendarError } from '../db/repositories/calendars';
import { findProcedureByCode } from '../db/repositories/procedures';
import {
  closedHandoffs,
  agencyCalendarsByEid,
  findActiveUser,
  indicatorCounts,
  periodDossiers,
  procedureWarnings,
  worklist,
  worklistCounts,
  type WorklistPosition,
  type WorklistQuery,
  type WorklistRow,
  type WorklistView,
} from '../db/repositories/supervision';
import { CalendarCoverageError, type WorkingCalendar } from '../domain/calendar';
import { DomainError } from '../domain/errors';
import { isAdmin, type Caller } from '../domain/officer';
import { isDossierStatus, statusLabel } from '../domain/status';
import type { OfficerRole } from '../domain/types';
import { vnTime } from '../domain/vn-time';
import type { HandoffStep } from '../db/repositories/dossier-events';
import { csvColumns } from './csv';
import { indicators766, outcomeOf, rankCounts, satisfactionTally, tallyBy, tallyCounts, workingHoursPast, type Indicator, type SatisfactionCounts, type Tally } from './indicators';
import { ratingCounts } from '../db/repositories/ratings';

/**
 * Supervisor reports (issue 4): deadline worklists, on-time rates and the QĐ 766 indicators,
 * for supervisors, leaders and admins. Every report is computed as of `asOf`, so it can be
 * reproduced; the HTTP layer (api/supervision.ts) parses the request and sends JSON or CSV.
 */

export { WORKLIST_VIEWS, type WorklistPosition } from '../db/repositories/supervision';

export const HANDOFF_STEPS = [
  'intake',
  'citizen_supplement',
  'assignment',
  'review',
  'verification',
  'decision',
  'result',
  'postal',
  // Steps of a pinned internal procedure that the fixed path does not have (issue 17).
  'relay',
  'approval',
  'issue',
  'leg',
  'consultation',
] as const satisfies readonly HandoffStep[];

export const GROUP_BYS = ['agency', 'procedure', 'officer', 'step'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const SUPERVISING_ROLES: readonly OfficerRole[] = ['supervisor', 'leader', 'admin'];

/** The steps of the process-control sheet as people name them (reports, Form 06). */
export const STEP_LABELS: Record<string, string> = {
  intake: 'Tiếp nhận hồ sơ',
  citizen_supplement: 'Công dân bổ sung hồ sơ',
  assignment: 'Phân công xử lý',
  review: 'Thẩm định, xử lý hồ sơ',
  verification: 'Xác minh, kiểm tra thực địa',
  decision: 'Phê duyệt kết quả',
  result: 'Trả kết quả',
  postal: 'Chuyển phát qua bưu chính',
  relay: 'Chuyển hồ sơ',
  approval: 'Trình, cho ý kiến',
  issue: 'Vào số, phát hành kết quả',
  leg: 'Giải quyết liên thông tại cơ quan khác',
  consultation: 'Xin ý kiến cơ quan khác',
};

export type QueryError = { field: string; message: string };

// ---------------------------------------------------------------- scope

/**
 * The agency, procedure and officer a request names, looked up; `errors` lists every name not
 * found (a procedure and an officer are looked up for the worklist only).
 */
export async function findNamed(
  db: Db,
  names: { agency?: string; procedure?: string; officer?: string },
): Promise<{ agency?: AgencyRef; procedure?: { id: number; code: string }; officer?: { id: number; username: string; fullName: string }; errors: QueryError[] }> {
  const errors: QueryError[] = [];
  const agency = names.agency === undefined ? undefined : await findAgencyByEid(db, names.agency, ['id', 'eid', 'name']);
  if (names.agency !== undefined && !agency) errors.push({ field: 'query.agency', message: `không có cơ quan có mã định danh "${names.agency}"` });
  const procedure = names.procedure === undefined ? undefined : await findProcedureByCode(db, names.procedure, ['id', 'code']);
  if (names.procedure !== undefined && !procedure) errors.push({ field: 'query.procedure', message: `không có thủ tục có mã "${names.procedure}"` });
  const officer = names.officer === undefined ? undefined : await findActiveUser(db, names.officer);
  if (names.officer !== undefined && !officer) errors.push({ field: 'query.officer', message: `không có cán bộ đang hoạt động "${names.officer}"` });
  return { agency, procedure, officer, errors };
}

/** A named agency needs a supervising role there (admins: any); without one, all the caller supervises. */
export async function supervisedAgencies(db: Db, who: Caller, agency: AgencyRef | undefined): Promise<AgencyRef[]> {
  const supervises = (agencyId: number) => (who.rolesByAgency.get(agencyId) ?? []).some((r) => SUPERVISING_ROLES.includes(r));
  if (agency) {
    if (!isAdmin(who) && !supervises(agency.id)) {
      throw new DomainError('forbidden', 'Forbidden', `Tài khoản ${who.username} không có vai trò giám sát, lãnh đạo hoặc quản trị tại cơ quan ${agency.eid}.`, { reason: 'RoleRequired' });
    }
    return [agency];
  }
  const all = await allAgencies(db);
  if (isAdmin(who)) return all;
  const mine = all.filter((a) => supervises(a.id));
  if (!mine.length) throw new DomainError('forbidden', 'Forbidden', `Tài khoản ${who.username} không có vai trò giám sát, lãnh đạo hoặc quản trị tại cơ quan nào.`, { reason: 'RoleRequired' });
  return mine;
}

/** Runs a report; dates outside the holiday data cannot be counted in working time: says which, not a 500. */
export async function countingWorkingTime<T>(report: () => Promise<T>): Promise<T> {
  try {
    return await report();
  } catch (err) {
    if (err instanceof CalendarCoverageError || err instanceof UnknownCalendarError) {
      throw outsideCalendar(err.message);
    }
    throw err;
  }
}

const outsideCalendar = (why: string) => new DomainError('invalid', 'Outside the working calendar', `Không tính được thời gian làm việc cho yêu cầu này: ${why}.`, { reason: 'OutsideWorkingCalendar' });

/**
 * One calendar per agency per request: each agency counts working time on its own. The
 * agencies of the request are looked up at once (one statement, not two per agency); one
 * without a calendar fails, as before, only when its calendar is needed.
 */
function agencyCalendars(db: Db, agencies: readonly AgencyRef[]): (eid: string) => Promise<WorkingCalendar> {
  let known: Promise<Map<string, WorkingCalendar>> | undefined;
  const cache = new Map<string, Promise<WorkingCalendar>>();
  return async (eid) => {
    // Looked up when first needed: a view that counts no working time reads no calendar.
    known ??= agencyCalendarsByEid(db, agencies.map((a) => a.eid));
    const hit = (await known).get(eid);
    if (hit) return hit;
    let c = cache.get(eid);
    if (!c) cache.set(eid, (c = loadAgencyCalendar(db, eid)));
    return c;
  };
}

/** The agencies of a report as it lists them. */
export const agencyList = (agencies: readonly AgencyRef[]) => agencies.map((a) => ({ eid: a.eid, name: a.name }));

/** The moment nothing after which is looked at: the end of the period, or asOf before it. */
const until = (to: Date, asOf: Date) => (to < asOf ? to : asOf);

// ---------------------------------------------------------------- worklists

export interface WorklistRequest {
  view: WorklistView;
  /** due_within: working days ahead. */
  days?: number;
  step?: HandoffStep;
  asOf: Date;
  agencies: AgencyRef[];
  procedure?: { id: number; code: string };
  officer?: { id: number; username: string };
}

/** A worklist view with its filters, read page by page. */
export async function openWorklist(db: Db, r: WorklistRequest) {
  const { view, days, asOf, agencies } = r;
  const calendarOf = agencyCalendars(db, agencies);
  const windowEnds = new Map<number, Date>();
  if (view === 'due_within') {
    for (const a of agencies) {
      const cal = await calendarOf(a.eid);
      windowEnds.set(a.id, cal.addWorkingTime(asOf, days! * cal.dailyWorkingMs));
    }
  }
  const warnEnds: Array<{ agencyId: number; warnBeforeHours: string; until: Date }> = [];
  if (view === 'at_risk') {
    const warnings = await procedureWarnings(db);
    for (const a of agencies) {
      const cal = await calendarOf(a.eid);
      for (const h of warnings) warnEnds.push({ agencyId: a.id, warnBeforeHours: h, until: cal.addWorkingTime(asOf, Number(h) * 3_600_000) });
    }
  }
  const filter: WorklistQuery = {
    view,
    asOf,
    agencyIds: agencies.map((a) => a.id),
    windowEnds,
    warnEnds,
    procedureId: r.procedure?.id,
    assigneeId: r.officer?.id,
    step: r.step,
  };
  /** The page's rows as the API shows them, "overdue by" counted for these rows only. */
  const itemsOf = async (rows: readonly WorklistRow[]) => {
    const items: WorklistItem[] = [];
    for (const row of rows) {
      const overdueBy = row.due && !row.clockPausedAt && row.due < asOf ? workingHoursPast(await calendarOf(row.agencyEid), row.due, asOf) : null;
      items.push(worklistItem(row, overdueBy));
    }
    return items;
  };
  return {
    /** One page of `limit` items, after `after` (the first page without it), and where the next starts. */
    async page(limit: number, after: WorklistPosition | undefined): Promise<{ items: WorklistItem[]; next: WorklistPosition | null }> {
      const page = await worklist(db, { ...filter, limit, after });
      return { items: await itemsOf(page.rows), next: page.next };
    },
    /** A page with the summary of the whole list (total and counts, whatever the page). */
    async summaryAndPage(limit: number, after: WorklistPosition | undefined) {
      const [page, counts] = await Promise.all([worklist(db, { ...filter, limit, after }), worklistCounts(db, filter)]);
      const items = await itemsOf(page.rows);
      return {
        summary: {
          view,
          asOf: vnTime(asOf),
          days: days ?? null,
          windows: view === 'due_within' ? agencies.map((a) => ({ agency: a.eid, until: vnTime(windowEnds.get(a.id)) })) : null,
          agencies: agencyList(agencies),
          filters: { procedure: r.procedure?.code ?? null, officer: r.officer?.username ?? null, step: r.step ?? null },
          // The whole list, whatever the page.
          total: counts.total,
          counts: {
            agency: rankCounts(counts.agency),
            procedure: rankCounts(counts.procedure),
            officer: rankCounts(counts.officer),
            step: rankCounts(counts.step.map((c) => ({ key: c.key, name: c.key === null ? null : (STEP_LABELS[c.key] ?? c.key), count: c.count }))),
          },
        },
        next: page.next,
        items,
      };
    },
  };
}

function worklistItem(r: WorklistRow, overdueBy: number | null) {
  return {
    code: r.code,
    agency: { eid: r.agencyEid, name: r.agencyName },
    procedure: { code: r.procedureCode, name: r.procedureName },
    status: { code: r.status, label: isDossierStatus(r.status) ? statusLabel(r.status) : r.status },
    assignee: r.assignee ? { id: r.assignee.id, username: r.assignee.username, name: r.assignee.fullName } : null,
    currentStep: r.currentStep
      ? { step: r.currentStep.step, label: STEP_LABELS[r.currentStep.step] ?? r.currentStep.step, dueAt: vnTime(r.currentStep.dueAt) }
      : null,
    receivedAt: vnTime(r.receivedAt),
    dueAt: vnTime(r.due),
    appointmentAt: vnTime(r.appointmentAt),
    // Re-appointed once with an apology (Form 04); still late for the statistics.
    reappointed: r.apologyIssuedAt !== null,
    deadlineState: r.deadlineState,
    overdueBy,
    pausedSince: vnTime(r.clockPausedAt),
    // Late because of a coordinating agency's leg (issue 17): the lateness is that agency's.
    ...(r.faultAgencyEid ? { faultAgencyEid: r.faultAgencyEid } : {}),
  };
}

export type WorklistItem = ReturnType<typeof worklistItem>;

export const WORKLIST_CSV = csvColumns<WorklistItem>({
  code: 'code',
  agency_eid: (r) => r.agency.eid,
  agency_name: (r) => r.agency.name,
  procedure_code: (r) => r.procedure.code,
  procedure_name: (r) => r.procedure.name,
  status: (r) => r.status.code,
  status_label: (r) => r.status.label,
  assignee_id: (r) => r.assignee?.id,
  assignee_name: (r) => r.assignee?.name,
  current_step: (r) => r.currentStep?.step,
  step_due_at: (r) => r.currentStep?.dueAt,
  received_at: 'receivedAt',
  due_at: 'dueAt',
  appointment_at: 'appointmentAt',
  reappointed: 'reappointed',
  overdue_by_working_hours: 'overdueBy',
  paused_since: 'pausedSince',
});

// ---------------------------------------------------------------- on-time rates

type OnTimeGroup = { key: string; name: string } & Tally;

const sum = (groups: readonly OnTimeGroup[], field: 'early' | 'onTime' | 'late') => groups.reduce((n, g) => n + g[field], 0);

/**
 * Early / on-time / late counts and rates over [from, to) as of `asOf`: of the dossiers whose
 * end of processing falls in the period (by agency or procedure), or of the hand-offs closed in
 * it (by officer or step).
 */
export async function onTimeReport(db: Db, r: { groupBy: GroupBy; from: Date; to: Date; asOf: Date; agencies: AgencyRef[] }) {
  const { groupBy, from, to, asOf, agencies } = r;
  const q = { agencyIds: agencies.map((a) => a.id), from, until: until(to, asOf) };
  let groups: OnTimeGroup[];
  if (groupBy === 'agency' || groupBy === 'procedure') {
    // Dossiers whose end of processing falls in the period, classified against their legal due date.
    const inScope = new Set(q.agencyIds);
    const ended = (await periodDossiers(db, q))
      .filter((d) => d.endedAt !== null)
      .map((d) => ({ ...d, outcome: outcomeOf(d.endedAt!, d.due, d.supplementRequests) }))
      // A late dossier counts against the agency whose delay made it late (an inter-agency leg, issue 17):
      // not in these agencies' figures when that agency is not among them; by procedure, as its own agency's.
      .filter((d) => {
        const faulted = d.outcome === 'late' && d.faultAgency !== null;
        const leadInScope = inScope.has(d.agencyId);
        if (groupBy === 'procedure') return leadInScope;
        return faulted ? inScope.has(d.faultAgency!.id) : leadInScope;
      });
    groups = tallyBy(
      ended,
      (d) =>
        groupBy === 'agency'
          ? d.outcome === 'late' && d.faultAgency
            ? { key: d.faultAgency.eid, name: d.faultAgency.name }
            : { key: d.agencyEid, name: d.agencyName }
          : { key: d.procedureCode, name: d.procedureName },
      (d) => d.outcome,
    );
  } else {
    // Rows of the process-control sheet closed in the period, each against its own step due date.
    const handoffs = await closedHandoffs(db, { ...q, officersOnly: groupBy === 'officer' });
    groups = tallyBy(
      handoffs,
      (h) => (groupBy === 'officer' ? { key: h.receiver!.username, name: h.receiver!.fullName } : { key: h.step, name: STEP_LABELS[h.step] ?? h.step }),
      (h) => h.outcome ?? outcomeOf(h.doneAt, h.dueAt),
    );
  }
  const totals = tallyCounts(sum(groups, 'early'), sum(groups, 'onTime'), sum(groups, 'late'));
  return {
    groupBy,
    basis: groupBy === 'agency' || groupBy === 'procedure' ? 'dossiers' : 'handoffs',
    from: vnTime(from),
    to: vnTime(to),
    asOf: vnTime(asOf),
    agencies: agencyList(agencies),
    groups,
    totals,
  };
}

/** The on-time report as CSV rows: its groups, then a total row. */
export const onTimeCsvRows = (report: { groups: OnTimeGroup[]; totals: Tally }): OnTimeGroup[] => [...report.groups, { key: '', name: 'Tổng cộng', ...report.totals }];

export const onTimeCsv = (groupBy: GroupBy) =>
  csvColumns<OnTimeGroup>({
    [groupBy]: 'key',
    name: 'name',
    early: 'early',
    on_time: 'onTime',
    late: 'late',
    total: 'total',
    early_rate: (g) => g.rates.early,
    on_time_rate: (g) => g.rates.onTime,
    late_rate: (g) => g.rates.late,
    on_time_or_early_rate: (g) => g.rates.onTimeOrEarly,
  });

// ---------------------------------------------------------------- QĐ 766 indicators

/** The QĐ 766 indicators over [from, to) as of `asOf`. */
export async function indicatorReport(db: Db, r: { from: Date; to: Date; asOf: Date; agencies: AgencyRef[] }): Promise<Indicator[]> {
  // One aggregate over the stored facts; each dossier's working time was counted on its own
  // calendar version when it ended, so a new calendar version does not move a past report.
  // The ratings are read alongside (independent statements, each on its own connection).
  const period = { agencyIds: r.agencies.map((a) => a.id), from: r.from, until: until(r.to, r.asOf) };
  const [{ endedUncounted, ...counts }, ratings] = await Promise.all([indicatorCounts(db, period), ratingCounts(db, { ...period, groupBy: 'agency' })]);
  if (endedUncounted) {
    throw outsideCalendar(`${endedUncounted} hồ sơ kết thúc trong kỳ có ngày nằm ngoài dữ liệu ngày nghỉ của lịch làm việc`);
  }
  return indicators766(counts, sumRatings(ratings.map(ratingGroupCounts)));
}

// ---------------------------------------------------------------- satisfaction ratings

export const SATISFACTION_GROUP_BYS = ['agency', 'officer'] as const;
export type SatisfactionGroupBy = (typeof SATISFACTION_GROUP_BYS)[number];

const ratingGroupCounts = (g: { very_satisfied: number; satisfied: number; not_satisfied: number }): SatisfactionCounts => ({
  verySatisfied: g.very_satisfied,
  satisfied: g.satisfied,
  notSatisfied: g.not_satisfied,
});

const sumRatings = (groups: readonly SatisfactionCounts[]): SatisfactionCounts => ({
  verySatisfied: groups.reduce((n, g) => n + g.verySatisfied, 0),
  satisfied: groups.reduce((n, g) => n + g.satisfied, 0),
  notSatisfied: groups.reduce((n, g) => n + g.notSatisfied, 0),
});

type SatisfactionGroup = { key: string | null; name: string | null } & ReturnType<typeof satisfactionTally>;

/**
 * Đánh giá mức độ hài lòng over [from, to) as of `asOf`: the ratings given in the period on
 * dossiers of the agencies, per agency or per officer who handled the dossier (its assignee
 * when rated; `key: null` for dossiers rated without one), with the totals.
 */
export async function satisfactionReport(db: Db, r: { groupBy: SatisfactionGroupBy; from: Date; to: Date; asOf: Date; agencies: AgencyRef[] }) {
  const rows = await ratingCounts(db, { agencyIds: r.agencies.map((a) => a.id), from: r.from, until: until(r.to, r.asOf), groupBy: r.groupBy });
  const groups: SatisfactionGroup[] = rows
    .map((g) => ({ key: g.key, name: g.name ?? (g.key === null ? 'Không có cán bộ xử lý' : null), ...satisfactionTally(ratingGroupCounts(g)) }))
    .sort((a, b) => Number(a.key === null) - Number(b.key === null) || (a.key ?? '').localeCompare(b.key ?? ''));
  return {
    groupBy: r.groupBy,
    scale: ['very_satisfied', 'satisfied', 'not_satisfied'],
    from: vnTime(r.from),
    to: vnTime(r.to),
    asOf: vnTime(r.asOf),
    agencies: agencyList(r.agencies),
    groups,
    totals: satisfactionTally(sumRatings(groups)),
  };
}

/** The satisfaction report as CSV rows: its groups, then a total row. */
export const satisfactionCsvRows = (report: { groups: SatisfactionGroup[]; totals: ReturnType<typeof satisfactionTally> }): SatisfactionGroup[] => [
  ...report.groups,
  { key: '', name: 'Tổng cộng', ...report.totals },
];

export const satisfactionCsv = (groupBy: SatisfactionGroupBy) =>
  csvColumns<SatisfactionGroup>({
    [groupBy]: (g) => g.key,
    name: (g) => g.name,
    very_satisfied: 'verySatisfied',
    satisfied: 'satisfied',
    not_satisfied: 'notSatisfied',
    total: 'total',
    very_satisfied_rate: (g) => g.rates.verySatisfied,
    satisfied_rate: (g) => g.rates.satisfied,
    not_satisfied_rate: (g) => g.rates.notSatisfied,
    satisfied_or_better_rate: (g) => g.rates.satisfiedOrBetter,
  });

export const INDICATOR_CSV = csvColumns<Indicator>({
  code: 'code',
  name: 'name',
  numerator: 'numerator',
  denominator: 'denominator',
  rate: 'rate',
  value: 'value',
  unit: 'unit',
  threshold: 'threshold',
  max_points: 'maxPoints',
  score: 'score',
  formula: 'formula',
});
