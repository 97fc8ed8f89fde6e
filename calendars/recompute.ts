import type { Db } from '../db/connection';
import {
  calendarData,
  clockEntriesOf,
  dossiersDatedBefore,
  findCalendarRow,
  finishRecomputation,
  insertRecomputation,
  recomputationsOf,
  updateRecomputationDossiers,
  type ClockEntryRow,
} from '../db/repositories/calendars';
import { WorkingCalendar } from '../domain/calendar';
import { deriveDeadline } from '../domain/clock-ledger';
import { DomainError } from '../domain/errors';
import { actorFor, type Caller } from '../domain/officer';
import { DOSSIER_STATUSES, type DossierStatus } from '../domain/status';
import type { RebaseCalendarCommand } from '../workflows/contracts/dossier-v1';
import { vnTime } from '../domain/vn-time';
import type { DossierClient } from '../dossiers/client';
import { rebaseCalendarUpdate } from '../workflows/contracts/dossier-v1';
import { ledgerFromRows } from './ledger-rows';
import { calendarNotFound } from './read';

/**
 * Asks a dossier's workflow to date it by another calendar version (Update `rebaseCalendar`):
 * its new due date, or the sentence that says why not (the refusal as an officer reads it).
 */
async function rebaseDossierCalendar(
  dossiers: DossierClient,
  dossier: { workflowId: string; code: string },
  command: RebaseCalendarCommand,
  updateId: string,
): Promise<{ dueAt: string | null | undefined } | { error: string }> {
  try {
    const view = await dossiers.update(dossier, rebaseCalendarUpdate, command, { updateId });
    return { dueAt: view.deadline?.dueAt };
  } catch (err) {
    return { error: err instanceof DomainError ? err.detail : ((err as Error).message ?? String(err)) };
  }
}

/**
 * Recomputing open dossiers on a newer calendar version (docs/domain.md §5.2: open dossiers are
 * re-dated on a newer version only by an explicit, logged decision). A calendar change never moves a
 * printed date by itself: an administrator first previews what would move, then asks for
 * the recomputation, which is logged in `calendar_recomputations` and applied by each
 * dossier's workflow (Update `rebaseCalendar`), which owns the dossier's clock.
 */

/** Statuses after the decision (or without a clock at all): their dates are history. */
export const CLOSED_FOR_RECOMPUTATION: readonly DossierStatus[] = (Object.keys(DOSSIER_STATUSES) as DossierStatus[]).filter(
  (s) => DOSSIER_STATUSES[s].terminal || s === 'APPROVED' || s.startsWith('RESULT_'),
);

export interface RecomputeCandidate {
  dossierId: number;
  agencyId: number;
  workflowId: string;
  code: string;
  fromVersion: number;
  oldDueAt: string | null;
  newDueAt: string | null;
  changed: boolean;
  note?: string;
}

export interface RecomputePreview {
  calendar: { code: string; version: number };
  dossiers: RecomputeCandidate[];
}

export interface RecomputeOutcome {
  code: string;
  fromVersion: number;
  oldDueAt: string | null;
  newDueAt: string | null;
  applied: boolean;
  error?: string;
}

const DAY_MS = 86_400_000;

/** Open dossiers of agencies working by `code`, dated by an older version of it. */
export async function previewRecompute(db: Db, code: string, version?: number): Promise<RecomputePreview> {
  const row = await findCalendarRow(db, code, version ?? null);
  if (!row) throw calendarNotFound(code, version);
  const data = await calendarData(db, row);
  const calendar = new WorkingCalendar(data);
  const dayNames = new Map(data.days.map((d) => [d.day, d.name]));
  // "As of now", but never past the calendar's last known day: the due date of a running
  // clock does not depend on it, and counting past the coverage would only throw.
  const coverageEnd = Date.parse(`${data.coverage.to}T00:00:00Z`) + DAY_MS - data.utcOffsetMinutes * 60_000 - 1;
  const asOf = new Date(Math.min(Date.now(), coverageEnd));

  const dossiers = await dossiersDatedBefore(db, code, row.version, CLOSED_FOR_RECOMPUTATION);
  const ledgerRows = dossiers.length
    ? await clockEntriesOf(
        db,
        dossiers.map((d) => d.id),
      )
    : [];
  const byDossier = new Map<number, ClockEntryRow[]>();
  for (const r of ledgerRows) byDossier.set(Number(r.dossier_id), [...(byDossier.get(Number(r.dossier_id)) ?? []), r]);

  return {
    calendar: { code: row.code, version: row.version },
    dossiers: dossiers.map((d) => {
      // The legal due date the dossier carries now; older rows only have the appointment.
      const old = d.due_at ?? d.appointment_at;
      const base = {
        dossierId: Number(d.id),
        agencyId: d.agency_id,
        workflowId: d.workflow_id,
        code: d.code,
        fromVersion: d.calendar_version,
        oldDueAt: vnTime(old),
      };
      const rows = byDossier.get(Number(d.id));
      if (!rows?.length) {
        return { ...base, newDueAt: null, changed: false, note: 'Hồ sơ chưa có sổ theo dõi thời hạn (tiếp nhận trước khi có chức năng này): không tính lại tự động được.' };
      }
      try {
        const derivation = deriveDeadline(calendar, ledgerFromRows(rows), asOf, dayNames);
        const newDueAt = derivation.dueAt;
        return {
          ...base,
          newDueAt,
          changed: !old || new Date(newDueAt).getTime() !== new Date(old).getTime(),
          ...(derivation.paused ? { note: 'Đang tạm dừng: hạn mới tính như thể tiếp tục ngay bây giờ.' } : {}),
        };
      } catch (err) {
        return { ...base, newDueAt: null, changed: false, note: `Không tính được hạn mới: ${(err as Error).message}` };
      }
    }),
  };
}

/** Runs one dossier's rebase; a failure is recorded for that dossier and does not stop the others. */
async function rebaseOne(
  dossiers: DossierClient,
  caller: Caller,
  d: RecomputeCandidate,
  cmd: { calendarCode: string; calendarVersion: number; reason: string; recomputationId: number },
): Promise<RecomputeOutcome> {
  const outcome = { code: d.code, fromVersion: d.fromVersion, oldDueAt: d.oldDueAt };
  // Asked again (e.g. a retried request), the same recomputation is applied once.
  const done = await rebaseDossierCalendar(dossiers, d, { actor: actorFor(caller, d.agencyId), ...cmd }, `rebase:${cmd.recomputationId}:${d.code}`);
  if ('error' in done) return { ...outcome, newDueAt: d.newDueAt, applied: false, error: done.error };
  return { ...outcome, newDueAt: done.dueAt ?? d.newDueAt, applied: true };
}

/**
 * Logs the decision, then rebases each dossier of the preview (or the listed ones). The log
 * row is updated after every dossier, so an interrupted run still shows what was done.
 */
export async function applyRecompute(
  db: Db,
  dossiers: DossierClient,
  caller: Caller,
  input: { code: string; version?: number; reason: string; dossierCodes?: string[] },
) {
  const preview = await previewRecompute(db, input.code, input.version);
  let targets = preview.dossiers;
  if (input.dossierCodes) {
    const inPreview = new Set(targets.map((d) => d.code));
    const unknown = input.dossierCodes.filter((c) => !inPreview.has(c));
    if (unknown.length) {
      throw new DomainError(
        'invalid',
        'Dossiers not eligible',
        `Các hồ sơ sau không thuộc danh sách cần tính lại theo lịch ${preview.calendar.code} phiên bản ${preview.calendar.version} (đã kết thúc, đã dùng phiên bản này, hoặc không thuộc cơ quan dùng lịch này): ${unknown.join(', ')}.`,
        { errors: unknown.map((c) => ({ field: 'dossierCodes', message: `${c} không có trong bản xem trước` })) },
      );
    }
    const wanted = new Set(input.dossierCodes);
    targets = targets.filter((d) => wanted.has(d.code));
  }
  const log = await insertRecomputation(db, { calendar_code: preview.calendar.code, to_version: preview.calendar.version, requested_by: caller.userId, reason: input.reason });
  const id = Number(log.id);
  const results: RecomputeOutcome[] = [];
  for (const d of targets) {
    results.push(
      await rebaseOne(dossiers, caller, d, { calendarCode: preview.calendar.code, calendarVersion: preview.calendar.version, reason: input.reason, recomputationId: id }),
    );
    await updateRecomputationDossiers(db, id, JSON.stringify(results));
  }
  const finishedAt = await finishRecomputation(db, id, JSON.stringify(results));
  return {
    id,
    calendar: preview.calendar,
    reason: input.reason,
    requestedBy: { userId: caller.userId, username: caller.username },
    createdAt: vnTime(log.created_at),
    finishedAt: vnTime(finishedAt),
    dossiers: results,
  };
}

export async function listRecomputations(db: Db, code: string) {
  const rows = await recomputationsOf(db, code);
  return rows.map((r) => ({
    id: Number(r.id),
    calendar: { code, version: r.to_version },
    reason: r.reason,
    requestedBy: { userId: r.user_id, username: r.username },
    createdAt: vnTime(r.created_at),
    finishedAt: vnTime(r.finished_at),
    dossiers: r.dossiers as RecomputeOutcome[],
  }));
}

/** The preview as officers read it: how many dossiers, how many would change, and each one's dates. */
export async function recomputePreviewReport(db: Db, code: string, version?: number) {
  const preview = await previewRecompute(db, code, version);
  return {
    calendar: preview.calendar,
    count: preview.dossiers.length,
    changed: preview.dossiers.filter((d) => d.changed).length,
    dossiers: preview.dossiers.map((d) => ({
      code: d.code,
      fromVersion: d.fromVersion,
      oldDueAt: d.oldDueAt,
      newDueAt: d.newDueAt,
      changed: d.changed,
      ...(d.note ? { note: d.note } : {}),
    })),
  };
}
