import type { Db } from '../db/connection';
import { actionDossierRow, type ActionDossierRow } from '../db/repositories/dossiers';
import type { DossierFacts } from '../domain/dossier-actions';
import { parseDossierCode } from '../domain/dossier-code';
import { DomainError } from '../domain/errors';
import { unknownDossier } from '../domain/principal';
import { isDossierStatus, statusLabel } from '../domain/status';
import type { Actor } from '../domain/types';
import { vnTime } from '../domain/vn-time';
import type { DossierView } from '../workflows/contracts/dossier-v1';
import { dossierFacts, officerActions } from './actions';
import { dossierSummary, type DossierSummary } from './views';

/**
 * An action's answer from the Update's own view (issue 18): the dossier as the workflow has just
 * made it (status, dates, deadline, assignee, and the facts the action rules read), beside what
 * the row loaded before the Update already says and the action cannot change (procedure, agency,
 * channel, submission). No read of the read model after the Update, except for views that cannot
 * say everything (runs begun before the view carried its facts, a pause whose start the view
 * does not give): those are answered from the read model as before.
 *
 * Read-your-writes: the Update answers once its event and projection are committed, so the
 * officer's next read of the read model shows what this answer says (README, "Read-your-writes").
 */

export type { ActionDossierRow } from '../db/repositories/dossiers';

/** The dossier an officer's action names, with its procedure and agency, in one statement; a malformed or unknown code is refused. */
export async function loadActionDossier(db: Db, code: string): Promise<ActionDossierRow> {
  const d = await actionDossierRow(db, wellFormedCode(code));
  if (!d) throw unknownDossier();
  return d;
}

/** The code as given, or 400 MalformedDossierCode when it cannot be a dossier's. */
export function wellFormedCode(code: string): string {
  if (!parseDossierCode(code)) throw new DomainError('bad_request', 'Bad dossier code', `"${code}" không phải mã hồ sơ (dạng <mã định danh cơ quan>-<YYMMDD>-<số thứ tự>).`, { reason: 'MalformedDossierCode' });
  return code;
}

/** A citizen's dossier named by its code (with the ID number that proves it is theirs); undefined for a malformed or unknown code. */
export async function findApplicantActionDossier(db: Db, code: string): Promise<ActionDossierRow | undefined> {
  return parseDossierCode(code) ? await actionDossierRow(db, code) : undefined;
}

/**
 * The workflow's facts read as the read model's are (dossiers/actions.ts `readModelFacts`), so
 * that an action's `allowedActions` are the ones the officer's next GET lists:
 * - `siteVerification` is the catalogue's (the workflow does not know it; the row does);
 * - `clock.apologyBy` is unknown (null), as in the read model, which does not keep it (the
 *   workflow still refuses a late apology);
 * - `clock.dueAt` is the same instant in UTC (the workflow writes it with the +07:00 offset);
 * - `busy` is false: the action's own answer is given when it ends.
 * Null when the view carries no facts (a run begun before it did).
 */
export function viewFacts(view: DossierView, row: Pick<ActionDossierRow, 'on_site_verification'>): DossierFacts | null {
  const f = view.facts;
  if (!f) return null;
  return {
    ...f,
    busy: false,
    siteVerification: row.on_site_verification,
    // The same instant, written as the read model writes it (UTC): the workflow keeps the Việt Nam offset.
    clock: f.clock ? { ...f.clock, dueAt: f.clock.dueAt ? new Date(f.clock.dueAt).toISOString() : null, apologyBy: null } : f.clock,
  };
}

/**
 * The summary every answer about the dossier starts with (dossiers/views.ts `dossierSummary`),
 * from the Update's view and the row loaded before it; null when the view cannot give it all
 * (no facts, or a clock paused by this very action: the read model keeps when it paused).
 */
export function summaryFromView(row: ActionDossierRow, view: DossierView): DossierSummary | null {
  if (!view.facts || view.code !== row.code) return null;
  const d = view.deadline ?? null;
  // Paused before the Update and still paused: the pause began when the row says; paused by this action: unknown here.
  const pausedSince = d?.paused ? (row.clock_paused_at ?? undefined) : null;
  if (pausedSince === undefined) return null;
  return {
    code: row.code,
    procedure: { code: row.procedure_code, name: row.procedure_name },
    agency: { eid: row.agency_eid, name: row.agency_name },
    channel: row.channel,
    deliveryMethod: row.delivery_method,
    status: { code: view.status, label: isDossierStatus(view.status) ? statusLabel(view.status) : view.status },
    submittedAt: vnTime(row.submitted_at),
    receivedAt: vnTime(view.receivedAt),
    appointmentAt: vnTime(view.appointmentAt),
    deadline: d
      ? {
          dueAt: vnTime(d.dueAt),
          state: d.state,
          pausedSince: vnTime(pausedSince),
          reappointed: d.reappointed,
          escalationLevel: d.escalationLevel,
          calendar: d.calendar ? { code: d.calendar.code, version: d.calendar.version } : null,
        }
      : null,
    links: { status: `/api/v1/status/${encodeURIComponent(row.code)}`, deadline: `/api/v1/dossiers/${encodeURIComponent(row.code)}/deadline` },
  };
}

/** An officer's action answered: the summary, what the officer may do next, the assignee and the result's number. */
export async function officerActionAnswer(db: Db, row: ActionDossierRow, view: DossierView, actor: Actor) {
  const summary = summaryFromView(row, view);
  const facts = viewFacts(view, row);
  // A view that cannot say it all: what the read model, just projected to, says (as before issue 18).
  return {
    ...(summary ?? (await dossierSummary(db, row.id))),
    allowedActions: officerActions(facts ?? (await dossierFacts(db, row.id)), actor),
    assignee: view.assignee,
    resultNumber: view.resultNumber,
  };
}

/** A citizen's action answered: the summary, from the view when it says it all. */
export async function citizenActionAnswer(db: Db, row: ActionDossierRow, view: DossierView): Promise<DossierSummary> {
  return summaryFromView(row, view) ?? (await dossierSummary(db, row.id));
}
