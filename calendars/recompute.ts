import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { WorkingCalendar } from '../domain/calendar';
import { deriveDeadline } from '../domain/clock-ledger';
import { DOSSIER_STATUSES, type DossierStatus } from '../domain/status';
import { calendarData, findCalendarRow } from '../activities/calendar-store';
import { actorFor, type Caller } from '../api/caller';
import { HttpProblem } from '../api/problem';
import { problemFromTemporal } from '../api/temporal-errors';
import { vnTime } from '../domain/vn-time';
import { rebaseCalendarUpdate } from '../workflows/messages';
import { CLOCK_ENTRY_COLUMNS, ledgerFromRows, type ClockEntryRow } from './ledger-rows';

/**
 * Recomputing open dossiers on a newer calendar version (DOMAIN.md §5.2: "recompute open
 * appointment dates only by explicit, logged decision"). A calendar change never moves a
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
export async function previewRecompute(db: Knex, code: string, version?: number): Promise<RecomputePreview> {
  const row = await findCalendarRow(db, code, version ?? null);
  if (!row) throw new HttpProblem(404, 'Calendar not found', version === undefined ? `Không có lịch ${code}.` : `Lịch ${code} không có phiên bản ${version}.`);
  const data = await calendarData(db, row);
  const calendar = new WorkingCalendar(data);
  const dayNames = new Map(data.days.map((d) => [d.day, d.name]));
  // "As of now", but never past the calendar's last known day: the due date of a running
  // clock does not depend on it, and counting past the coverage would only throw.
  const coverageEnd = Date.parse(`${data.coverage.to}T00:00:00Z`) + DAY_MS - data.utcOffsetMinutes * 60_000 - 1;
  const asOf = new Date(Math.min(Date.now(), coverageEnd));

  const dossiers: Array<{ id: number; code: string; workflow_id: string; agency_id: number; calendar_version: number; due_at: Date | null; appointment_at: Date | null }> =
    await db('dossiers as d')
      .join('agencies as a', 'a.id', 'd.agency_id')
      .join('work_calendars as c', 'c.id', 'a.calendar_id')
      .where('c.code', code)
      .andWhere('d.calendar_code', code)
      .andWhere('d.calendar_version', '<', row.version)
      .whereNotNull('d.received_at')
      .whereNotIn('d.status', CLOSED_FOR_RECOMPUTATION)
      .orderBy('d.id')
      .select('d.id', 'd.code', 'd.workflow_id', 'd.agency_id', 'd.calendar_version', 'd.due_at', 'd.appointment_at');
  const ledgerRows: Array<ClockEntryRow & { dossier_id: number }> = dossiers.length
    ? await db('dossier_clock_entries')
        .whereIn(
          'dossier_id',
          dossiers.map((d) => d.id),
        )
        .select(...CLOCK_ENTRY_COLUMNS)
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
  temporal: Client,
  caller: Caller,
  d: RecomputeCandidate,
  cmd: { calendarCode: string; calendarVersion: number; reason: string; recomputationId: number },
): Promise<RecomputeOutcome> {
  const outcome = { code: d.code, fromVersion: d.fromVersion, oldDueAt: d.oldDueAt };
  try {
    const view = await temporal.withDeadline(Date.now() + 30_000, () =>
      temporal.workflow.getHandle(d.workflowId).executeUpdate(rebaseCalendarUpdate, {
        args: [{ actor: actorFor(caller, d.agencyId), ...cmd }],
        // Asked again (e.g. a retried request), the same recomputation is applied once.
        updateId: `rebase:${cmd.recomputationId}:${d.code}`,
      }),
    );
    return { ...outcome, newDueAt: view.deadline?.dueAt ?? d.newDueAt, applied: true };
  } catch (err) {
    const problem = problemFromTemporal(err, d.code);
    return { ...outcome, newDueAt: d.newDueAt, applied: false, error: problem?.detail ?? (err as Error).message ?? String(err) };
  }
}

/**
 * Logs the decision, then rebases each dossier of the preview (or the listed ones). The log
 * row is updated after every dossier, so an interrupted run still shows what was done.
 */
export async function applyRecompute(
  db: Knex,
  temporal: Client,
  caller: Caller,
  input: { code: string; version?: number; reason: string; dossierCodes?: string[] },
) {
  const preview = await previewRecompute(db, input.code, input.version);
  let targets = preview.dossiers;
  if (input.dossierCodes) {
    const inPreview = new Set(targets.map((d) => d.code));
    const unknown = input.dossierCodes.filter((c) => !inPreview.has(c));
    if (unknown.length) {
      throw new HttpProblem(
        422,
        'Dossiers not eligible',
        `Các hồ sơ sau không thuộc danh sách cần tính lại theo lịch ${preview.calendar.code} phiên bản ${preview.calendar.version} (đã kết thúc, đã dùng phiên bản này, hoặc không thuộc cơ quan dùng lịch này): ${unknown.join(', ')}.`,
        { errors: unknown.map((c) => ({ field: 'dossierCodes', message: `${c} không có trong bản xem trước` })) },
      );
    }
    const wanted = new Set(input.dossierCodes);
    targets = targets.filter((d) => wanted.has(d.code));
  }
  const [log] = await db('calendar_recomputations')
    .insert({ calendar_code: preview.calendar.code, to_version: preview.calendar.version, requested_by: caller.userId, reason: input.reason })
    .returning(['id', 'created_at']);
  const id = Number(log.id);
  const results: RecomputeOutcome[] = [];
  for (const d of targets) {
    results.push(
      await rebaseOne(temporal, caller, d, { calendarCode: preview.calendar.code, calendarVersion: preview.calendar.version, reason: input.reason, recomputationId: id }),
    );
    await db('calendar_recomputations').where('id', id).update({ dossiers: JSON.stringify(results) });
  }
  const [done] = await db('calendar_recomputations').where('id', id).update({ dossiers: JSON.stringify(results), finished_at: db.fn.now() }).returning('finished_at');
  return {
    id,
    calendar: preview.calendar,
    reason: input.reason,
    requestedBy: { userId: caller.userId, username: caller.username },
    createdAt: vnTime(log.created_at),
    finishedAt: vnTime(done.finished_at),
    dossiers: results,
  };
}

export async function listRecomputations(db: Knex, code: string) {
  const rows = await db('calendar_recomputations as r')
    .join('users as u', 'u.id', 'r.requested_by')
    .where('r.calendar_code', code)
    .orderBy('r.id', 'desc')
    .select('r.id', 'r.to_version', 'r.reason', 'r.dossiers', 'r.created_at', 'r.finished_at', 'u.id as user_id', 'u.username');
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
