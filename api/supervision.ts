import type { Router, Request, Response } from 'express';
import { apiRouter } from './router';
import type { z } from 'zod';
import type { Db } from '../db/connection';
import { vnLocalDate, vnTime } from '../domain/vn-time';
import { guarded } from '../platform/response-hooks';
import { csvField, toCsv, UTF8_BOM, type CsvColumn } from '../supervision/csv';
import {
  agencyList,
  countingWorkingTime,
  findNamed,
  indicatorReport,
  INDICATOR_CSV,
  onTimeCsv,
  onTimeCsvRows,
  onTimeReport,
  openWorklist,
  satisfactionCsv,
  satisfactionCsvRows,
  satisfactionReport,
  supervisedAgencies,
  WORKLIST_CSV,
  type QueryError,
  type WorklistItem,
  type WorklistPosition,
} from '../supervision/reports';
import { callerFor } from './caller';
import { issuesOf } from './contract';
import { HttpProblem } from './problem';
import { DEFAULT_WORKLIST_LIMIT, encodeWorklistCursor, indicatorsQuery, MAX_WORKLIST_LIMIT, onTimeQuery, satisfactionQuery, stepCountsQuery, worklistQuery } from './supervision-schemas';
import { stepCounts } from '../dossiers/legs';

/**
 * Supervisor API (issue 4): deadline worklists, on-time rates and the QĐ 766 indicators
 * (supervision/reports.ts), for supervisors, leaders and admins, as JSON or as CSV for Excel.
 * Every answer is computed as of `asOf` (default now), so a report can be reproduced.
 */

/** 422 naming every bad parameter at once, in `errors` (query.view) and in `detail`. */
function invalidQuery(errors: readonly QueryError[]): HttpProblem {
  const detail = errors.map((e) => `${e.field.replace(/^query\./, '')} ${e.message}`).join('; ');
  return new HttpProblem(422, 'Invalid request', `Tham số truy vấn không hợp lệ: ${detail}.`, { reason: 'InvalidQuery', errors });
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

/** Status and headers of a CSV download. */
function csvHeaders(res: Response, filename: string): Response {
  return res
    .status(200)
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]+/g, '_')}"`)
    .set('Cache-Control', 'no-store');
}

/** A report as CSV (when asked) or JSON, never cached. */
function sendReport<T>(res: Response, csv: boolean, file: { name: string; columns: ReadonlyArray<CsvColumn<T>>; rows: () => readonly T[] }, json: unknown): void {
  if (csv) csvHeaders(res, file.name).send(toCsv(file.columns, file.rows()));
  else res.set('Cache-Control', 'no-store').json(json);
}

/** Resolves when a response may be written again, or is gone. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = guarded('CSV download drained', () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    });
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
  csvHeaders(res, filename);
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

export function supervisionRoutes(deps: { db: Db }): Router {
  const { db } = deps;
  const router = apiRouter();

  /**
   * A report's handler: identity, then parameters, then scope (so a bad request is answered 422
   * before 403). The query is parsed with its schema, the agency it names (and, for the worklist,
   * the procedure and officer) looked up, every error listed in one answer.
   */
  const report =
    <S extends z.ZodType<{ format?: 'json' | 'csv' }>>(
      schema: S,
      lookups: ReadonlyArray<'procedure' | 'officer'>,
      answer: (r: { res: Response; q: z.output<S>; csv: boolean } & Awaited<ReturnType<typeof findNamed>> & { agencies: Awaited<ReturnType<typeof supervisedAgencies>> }) => Promise<void>,
    ) =>
    (req: Request, res: Response) =>
      countingWorkingTime(async () => {
        const who = await callerFor(db, req);
        const query = presentParams(req.query);
        const r = schema.safeParse(query);
        const errors: QueryError[] = r.success ? [] : issuesOf(r.error, 'query');
        const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim() : undefined);
        const named = await findNamed(db, { agency: text('agency'), ...Object.fromEntries(lookups.map((name) => [name, text(name)])) });
        errors.push(...named.errors);
        if (!r.success || errors.length) throw invalidQuery(errors);
        const csv = wantsCsv(req, r.data.format);
        const agencies = await supervisedAgencies(db, who, named.agency);
        await answer({ res, q: r.data, csv, ...named, agencies });
      });

  // ------------------------------------------------------------ worklists

  router.get(
    '/supervision/dossiers',
    report(worklistQuery, ['procedure', 'officer'], async ({ res, q, csv, agencies, procedure, officer }) => {
      const { view, days, step, cursor } = q;
      const limit = q.limit ?? DEFAULT_WORKLIST_LIMIT;
      // The next pages of a list read without asOf keep the first page's: one list, whatever the clock did meanwhile.
      const asOf = q.asOf ?? cursor?.asOf ?? new Date();
      const list = await openWorklist(db, { view, days, step, asOf, agencies, procedure, officer });
      if (csv) {
        // Every row of the list (limit and cursor are for the JSON pages), read and written page by page.
        await streamWorklistCsv(res, `supervision-${view}-${vnLocalDate(asOf)}.csv`, (after) => list.page(MAX_WORKLIST_LIMIT, after));
        return;
      }
      const { summary, next, items } = await list.summaryAndPage(limit, cursor?.after);
      res.set('Cache-Control', 'no-store').json({ ...summary, limit, nextCursor: next ? encodeWorklistCursor({ after: next, asOf }) : null, dossiers: items });
    }),
  );

  // ------------------------------------------------------------ on-time rates

  router.get(
    '/supervision/on-time',
    report(onTimeQuery, [], async ({ res, q, csv, agencies }) => {
      const { from, to } = q;
      const groupBy = q.groupBy ?? 'agency';
      const body = await onTimeReport(db, { groupBy, from, to, asOf: q.asOf ?? new Date(), agencies });
      sendReport(res, csv, { name: `on-time-${groupBy}-${vnLocalDate(from)}-${vnLocalDate(to)}.csv`, columns: onTimeCsv(groupBy), rows: () => onTimeCsvRows(body) }, body);
    }),
  );

  // ------------------------------------------------------------ QĐ 766 indicators

  router.get(
    '/supervision/indicators',
    report(indicatorsQuery, [], async ({ res, q, csv, agencies }) => {
      const { from, to } = q;
      const asOf = q.asOf ?? new Date();
      const list = await indicatorReport(db, { from, to, asOf, agencies });
      sendReport(res, csv, { name: `indicators-766-${vnLocalDate(from)}-${vnLocalDate(to)}.csv`, columns: INDICATOR_CSV, rows: () => list }, {
        from: vnTime(from),
        to: vnTime(to),
        asOf: vnTime(asOf),
        agencies: agencyList(agencies),
        indicators: list,
      });
    }),
  );

  // ------------------------------------------------------------ routed steps (issue 17)

  router.get(
    '/supervision/steps',
    report(stepCountsQuery, [], async ({ res, q, agencies }) => {
      const { from, to } = q;
      const asOf = q.asOf ?? new Date();
      const counts = await stepCounts(db, { agencies, from, until: to < asOf ? to : asOf });
      res.set('Cache-Control', 'no-store').json({ from: vnTime(from), to: vnTime(to), asOf: vnTime(asOf), agencies: agencyList(agencies), ...counts });
    }),
  );

  // ------------------------------------------------------------ satisfaction ratings

  router.get(
    '/supervision/satisfaction',
    report(satisfactionQuery, [], async ({ res, q, csv, agencies }) => {
      const { from, to } = q;
      const groupBy = q.groupBy ?? 'agency';
      const body = await satisfactionReport(db, { groupBy, from, to, asOf: q.asOf ?? new Date(), agencies });
      sendReport(res, csv, { name: `satisfaction-${groupBy}-${vnLocalDate(from)}-${vnLocalDate(to)}.csv`, columns: satisfactionCsv(groupBy), rows: () => satisfactionCsvRows(body) }, body);
    }),
  );

  return router;
}
