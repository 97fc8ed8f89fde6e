import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Knex } from 'knex';
import { loadAgencyCalendar, UnknownCalendarError } from '../activities/calendar-store';
import { CalendarCoverageError, type WorkingCalendar } from '../domain/calendar';
import { isDossierStatus, statusLabel } from '../domain/status';
import { csvField, toCsv, UTF8_BOM, type CsvColumn } from '../supervision/csv';
import {
  indicators766,
  outcomeOf,
  tallyBy,
  rankCounts,
  tallyCounts,
  workingHoursPast,
  type Indicator,
  type Tally,
} from '../supervision/indicators';
import {
  allAgencies,
  closedHandoffs,
  findActiveUser,
  findAgency,
  findProcedure,
  indicatorCounts,
  periodDossiers,
  SUPERVISING_ROLES,
  worklist,
  worklistCounts,
  type AgencyRef,
  type WorklistPosition,
  type WorklistQuery,
  type WorklistRow,
} from '../supervision/queries';
import { callerFor, isAdmin, type Caller } from './caller';
import { vnLocalDate, vnTime } from '../domain/vn-time';
import { issuesOf } from './contract';
import { HttpProblem } from './problem';
import {
  DEFAULT_WORKLIST_LIMIT,
  encodeWorklistCursor,
  indicatorsQuery,
  MAX_WORKLIST_LIMIT,
  onTimeQuery,
  worklistQuery,
  type GroupBy,
} from './supervision-schemas';

/**
 * Supervisor API (issue 4): deadline worklists, on-time rates and the QĐ 766 indicators,
 * for supervisors, leaders and admins, as JSON or as CSV for Excel. Every answer is computed
 * as of `asOf` (default now), so a report can be reproduced.
 */

const STEP_LABELS: Record<string, string> = {
  intake: 'Tiếp nhận hồ sơ',
  citizen_supplement: 'Công dân bổ sung hồ sơ',
  assignment: 'Phân công xử lý',
  review: 'Thẩm định, xử lý hồ sơ',
  verification: 'Xác minh, kiểm tra thực địa',
  decision: 'Phê duyệt kết quả',
  result: 'Trả kết quả',
  postal: 'Chuyển phát qua bưu chính',
};
type QueryError = { field: string; message: string };

/** 422 naming every bad parameter at once, in `errors` (query.view) and in `detail`. */
function invalidQuery(errors: readonly QueryError[]): HttpProblem {
  const detail = errors.map((e) => `${e.field.replace(/^query\./, '')} ${e.message}`).join('; ');
  return new HttpProblem(422, 'Invalid request', `Invalid query parameters: ${detail}.`, { errors });
}

/** An empty parameter (`?procedure=` from a form) is an absent one. */
function presentParams(query: Request['query']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query ?? {}).filter(([, v]) => v !== ''));
}

/** Answers CSV when asked with format=csv or an Accept header preferring text/csv. */
function wantsCsv(req: Request, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

function sendCsv(res: Response, filename: string, body: string): void {
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]+/g, '_')}"`)
    .set('Cache-Control', 'no-store')
    .send(body);
}

/** Resolves when a response may be written again, or is gone. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * The worklist CSV with every row, read page by page (`pageAfter(undefined)`, then after each
 * page's `next` until it is null) and written as it comes, so memory holds one page. The first
 * page is read before anything is sent, so a request that cannot be answered still gets its
 * problem (422); a failure after that closes the connection, cutting the download short
 * rather than leaving a file that looks complete.
 */
async function streamWorklistCsv(
  res: Response,
  filename: string,
  pageAfter: (after: WorklistPosition | undefined) => Promise<{ items: WorklistItem[]; next: WorklistPosition | null }>,
): Promise<void> {
  const line = (item: WorklistItem) => `${WORKLIST_CSV.map((c) => csvField(c.value(item))).join(',')}\r\n`;
  let page = await pageAfter(undefined);
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]+/g, '_')}"`)
    .set('Cache-Control', 'no-store');
  let chunk = `${UTF8_BOM}${WORKLIST_CSV.map((c) => csvField(c.header)).join(',')}\r\n`;
  for (;;) {
    // The client went away: read no further.
    if (res.destroyed) return;
    chunk += page.items.map(line).join('');
    if (!res.write(chunk)) await drained(res);
    if (!page.next) break;
    page = await pageAfter(page.next);
    chunk = '';
  }
  res.end();
}

export function supervisionRoutes(deps: { db: Knex }): Router {
  const { db } = deps;
  const router = Router();

  /**
   * Identity, then parameters, then scope (so a bad request is answered 422 before 403):
   * the query parsed with its schema, the agency named looked up, and `lookups` (further
   * names to find in the database) run, every error listed in one answer.
   */
  async function identifyAndParse<S extends z.ZodType>(
    req: Request,
    schema: S,
    lookups: (text: (name: string) => string | undefined, errors: QueryError[]) => Promise<void> = async () => undefined,
  ): Promise<{ q: z.output<S>; who: Caller; agencyParam: AgencyRef | undefined }> {
    const who = await callerFor(db, req);
    const query = presentParams(req.query);
    const r = schema.safeParse(query);
    const errors: QueryError[] = r.success ? [] : issuesOf(r.error, 'query');
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim() : undefined);
    const eid = text('agency');
    const agencyParam = eid === undefined ? undefined : await findAgency(db, eid);
    if (eid !== undefined && !agencyParam) errors.push({ field: 'query.agency', message: `no agency has the electronic ID "${eid}"` });
    await lookups(text, errors);
    if (!r.success || errors.length) throw invalidQuery(errors);
    return { q: r.data, who, agencyParam };
  }

  /** A named agency needs a supervising role there (admins: any); without one, all the caller supervises. */
  async function scope(who: Caller, agency: AgencyRef | undefined): Promise<AgencyRef[]> {
    const supervises = (agencyId: number) => (who.rolesByAgency.get(agencyId) ?? []).some((r) => SUPERVISING_ROLES.includes(r));
    if (agency) {
      if (!isAdmin(who) && !supervises(agency.id)) {
        throw new HttpProblem(403, 'Forbidden', `${who.username} holds no supervisor, leader or admin role in agency ${agency.eid}.`);
      }
      return [agency];
    }
    const all = await allAgencies(db);
    if (isAdmin(who)) return all;
    const mine = all.filter((a) => supervises(a.id));
    if (!mine.length) throw new HttpProblem(403, 'Forbidden', `${who.username} holds no supervisor, leader or admin role in any agency.`);
    return mine;
  }

  /** One calendar per agency per request: each agency counts working time on its own. */
  function calendars(): (eid: string) => Promise<WorkingCalendar> {
    const cache = new Map<string, Promise<WorkingCalendar>>();
    return (eid) => {
      let c = cache.get(eid);
      if (!c) cache.set(eid, (c = loadAgencyCalendar(db, eid)));
      return c;
    };
  }

  /** The moment nothing after which is looked at: the end of the period, or asOf before it. */
  const until = (to: Date, asOf: Date) => (to < asOf ? to : asOf);

  const handle = (fn: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (err) {
      // Dates outside the holiday data cannot be counted in working time: say which, do not 500.
      if (err instanceof CalendarCoverageError || err instanceof UnknownCalendarError) {
        throw new HttpProblem(422, 'Outside the working calendar', `Cannot count working time for this request: ${err.message}.`);
      }
      throw err;
    }
  };

  // ------------------------------------------------------------ worklists

  router.get(
    '/supervision/dossiers',
    handle(async (req, res) => {
      let procedure: Awaited<ReturnType<typeof findProcedure>>;
      let officer: Awaited<ReturnType<typeof findActiveUser>>;
      const { q, who, agencyParam } = await identifyAndParse(req, worklistQuery, async (text, errors) => {
        const procedureCode = text('procedure');
        procedure = procedureCode === undefined ? undefined : await findProcedure(db, procedureCode);
        if (procedureCode !== undefined && !procedure) errors.push({ field: 'query.procedure', message: `no procedure has the code "${procedureCode}"` });
        const officerRaw = text('officer');
        officer = officerRaw === undefined ? undefined : await findActiveUser(db, officerRaw);
        if (officerRaw !== undefined && !officer) errors.push({ field: 'query.officer', message: `no active officer "${officerRaw}"` });
      });
      const { view, days, step, cursor } = q;
      const limit = q.limit ?? DEFAULT_WORKLIST_LIMIT;
      // The next pages of a list read without asOf keep the first page's: one list, whatever the clock did meanwhile.
      const asOf = q.asOf ?? cursor?.asOf ?? new Date();
      const csv = wantsCsv(req, q.format);
      const agencies = await scope(who, agencyParam);

      const calendarOf = calendars();
      const windowEnds = new Map<number, Date>();
      if (view === 'due_within') {
        for (const a of agencies) {
          const cal = await calendarOf(a.eid);
          windowEnds.set(a.id, cal.addWorkingTime(asOf, days! * cal.dailyWorkingMs));
        }
      }
      const filter: WorklistQuery = {
        view,
        asOf,
        agencyIds: agencies.map((a) => a.id),
        windowEnds,
        procedureId: procedure?.id,
        assigneeId: officer?.id,
        step,
      };
      /** The page's rows as the API shows them, "overdue by" counted for these rows only. */
      const itemsOf = async (rows: readonly WorklistRow[]) => {
        const items: WorklistItem[] = [];
        for (const r of rows) {
          const overdueBy = r.due && !r.clockPausedAt && r.due < asOf ? workingHoursPast(await calendarOf(r.agencyEid), r.due, asOf) : null;
          items.push(worklistItem(r, overdueBy));
        }
        return items;
      };

      if (csv) {
        // Every row of the list (limit and cursor are for the JSON pages), read and written page by page.
        await streamWorklistCsv(res, `supervision-${view}-${vnLocalDate(asOf)}.csv`, async (after) => {
          const page = await worklist(db, { ...filter, limit: MAX_WORKLIST_LIMIT, after });
          return { items: await itemsOf(page.rows), next: page.next };
        });
        return;
      }
      const [page, counts] = await Promise.all([worklist(db, { ...filter, limit, after: cursor?.after }), worklistCounts(db, filter)]);
      const items = await itemsOf(page.rows);
      res.set('Cache-Control', 'no-store').json({
        view,
        asOf: vnTime(asOf),
        days: days ?? null,
        windows: view === 'due_within' ? agencies.map((a) => ({ agency: a.eid, until: vnTime(windowEnds.get(a.id)) })) : null,
        agencies: agencies.map((a) => ({ eid: a.eid, name: a.name })),
        filters: { procedure: procedure?.code ?? null, officer: officer?.username ?? null, step: step ?? null },
        // The whole list, whatever the page.
        total: counts.total,
        counts: {
          agency: rankCounts(counts.agency),
          procedure: rankCounts(counts.procedure),
          officer: rankCounts(counts.officer),
          step: rankCounts(counts.step.map((c) => ({ key: c.key, name: c.key === null ? null : (STEP_LABELS[c.key] ?? c.key), count: c.count }))),
        },
        limit,
        nextCursor: page.next ? encodeWorklistCursor({ after: page.next, asOf }) : null,
        dossiers: items,
      });
    }),
  );

  // ------------------------------------------------------------ on-time rates

  router.get(
    '/supervision/on-time',
    handle(async (req, res) => {
      const { q: params, who, agencyParam } = await identifyAndParse(req, onTimeQuery);
      const { from, to } = params;
      const groupBy: GroupBy = params.groupBy ?? 'agency';
      const asOf = params.asOf ?? new Date();
      const csv = wantsCsv(req, params.format);
      const agencies = await scope(who, agencyParam);
      const q = { agencyIds: agencies.map((a) => a.id), from, until: until(to, asOf) };

      let groups: OnTimeGroup[];
      if (groupBy === 'agency' || groupBy === 'procedure') {
        // Dossiers whose end of processing falls in the period, classified against their legal due date.
        const ended = (await periodDossiers(db, q)).filter((d) => d.endedAt !== null);
        groups = tallyBy(
          ended,
          (d) => (groupBy === 'agency' ? { key: d.agencyEid, name: d.agencyName } : { key: d.procedureCode, name: d.procedureName }),
          (d) => outcomeOf(d.endedAt!, d.due, d.supplementRequests),
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

      if (csv) {
        const rows = [...groups, { key: '', name: 'Tổng cộng', ...totals }];
        sendCsv(res, `on-time-${groupBy}-${vnLocalDate(from)}-${vnLocalDate(to)}.csv`, toCsv(onTimeCsv(groupBy), rows));
        return;
      }
      res.set('Cache-Control', 'no-store').json({
        groupBy,
        basis: groupBy === 'agency' || groupBy === 'procedure' ? 'dossiers' : 'handoffs',
        from: vnTime(from),
        to: vnTime(to),
        asOf: vnTime(asOf),
        agencies: agencies.map((a) => ({ eid: a.eid, name: a.name })),
        groups,
        totals,
      });
    }),
  );

  // ------------------------------------------------------------ QĐ 766 indicators

  router.get(
    '/supervision/indicators',
    handle(async (req, res) => {
      const { q, who, agencyParam } = await identifyAndParse(req, indicatorsQuery);
      const { from, to } = q;
      const asOf = q.asOf ?? new Date();
      const csv = wantsCsv(req, q.format);
      const agencies = await scope(who, agencyParam);
      const end = until(to, asOf);

      // One aggregate over the stored facts; each dossier's working time was counted on its own
      // calendar version when it ended, so a new calendar version does not move a past report.
      const { endedUncounted, ...counts } = await indicatorCounts(db, { agencyIds: agencies.map((a) => a.id), from, until: end });
      if (endedUncounted) {
        throw new HttpProblem(
          422,
          'Outside the working calendar',
          `Cannot count working time for this request: ${endedUncounted} dossier(s) ended in the period have dates outside their working calendar's holiday data.`,
        );
      }
      const list = indicators766(counts);

      if (csv) {
        sendCsv(res, `indicators-766-${vnLocalDate(from)}-${vnLocalDate(to)}.csv`, toCsv(INDICATOR_CSV, list));
        return;
      }
      res.set('Cache-Control', 'no-store').json({
        from: vnTime(from),
        to: vnTime(to),
        asOf: vnTime(asOf),
        agencies: agencies.map((a) => ({ eid: a.eid, name: a.name })),
        indicators: list,
      });
    }),
  );

  return router;
}

// ---------------------------------------------------------------- shapes and CSV columns

type OnTimeGroup = { key: string; name: string } & Tally;

const sum = (groups: readonly OnTimeGroup[], field: 'early' | 'onTime' | 'late') => groups.reduce((n, g) => n + g[field], 0);

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
  };
}

type WorklistItem = ReturnType<typeof worklistItem>;

const WORKLIST_CSV: ReadonlyArray<CsvColumn<WorklistItem>> = [
  { header: 'code', value: (r) => r.code },
  { header: 'agency_eid', value: (r) => r.agency.eid },
  { header: 'agency_name', value: (r) => r.agency.name },
  { header: 'procedure_code', value: (r) => r.procedure.code },
  { header: 'procedure_name', value: (r) => r.procedure.name },
  { header: 'status', value: (r) => r.status.code },
  { header: 'status_label', value: (r) => r.status.label },
  { header: 'assignee_id', value: (r) => r.assignee?.id },
  { header: 'assignee_name', value: (r) => r.assignee?.name },
  { header: 'current_step', value: (r) => r.currentStep?.step },
  { header: 'step_due_at', value: (r) => r.currentStep?.dueAt },
  { header: 'received_at', value: (r) => r.receivedAt },
  { header: 'due_at', value: (r) => r.dueAt },
  { header: 'appointment_at', value: (r) => r.appointmentAt },
  { header: 'reappointed', value: (r) => r.reappointed },
  { header: 'overdue_by_working_hours', value: (r) => r.overdueBy },
  { header: 'paused_since', value: (r) => r.pausedSince },
];

function onTimeCsv(groupBy: GroupBy): ReadonlyArray<CsvColumn<OnTimeGroup>> {
  return [
    { header: groupBy, value: (g) => g.key },
    { header: 'name', value: (g) => g.name },
    { header: 'early', value: (g) => g.early },
    { header: 'on_time', value: (g) => g.onTime },
    { header: 'late', value: (g) => g.late },
    { header: 'total', value: (g) => g.total },
    { header: 'early_rate', value: (g) => g.rates.early },
    { header: 'on_time_rate', value: (g) => g.rates.onTime },
    { header: 'late_rate', value: (g) => g.rates.late },
    { header: 'on_time_or_early_rate', value: (g) => g.rates.onTimeOrEarly },
  ];
}

const INDICATOR_CSV: ReadonlyArray<CsvColumn<Indicator>> = [
  { header: 'code', value: (i) => i.code },
  { header: 'name', value: (i) => i.name },
  { header: 'numerator', value: (i) => i.numerator },
  { header: 'denominator', value: (i) => i.denominator },
  { header: 'rate', value: (i) => i.rate },
  { header: 'value', value: (i) => i.value },
  { header: 'unit', value: (i) => i.unit },
  { header: 'threshold', value: (i) => i.threshold },
  { header: 'max_points', value: (i) => i.maxPoints },
  { header: 'score', value: (i) => i.score },
  { header: 'formula', value: (i) => i.formula },
];
