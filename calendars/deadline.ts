import type { Db } from '../db/connection';
import { calendarFor } from '../db/repositories/calendars';
import { clockEntriesWithActors, findDossierDeadline, firstEventInto, type DossierDeadlineRow } from '../db/repositories/calendars';
import { toOffsetIso } from '../domain/calendar';
import { deadlineStanding, deriveDeadline, formatVn } from '../domain/clock-ledger';
import { unknownDossier } from '../domain/principal';
import { vnTime } from '../domain/vn-time';
import { ledgerFromRows } from './ledger-rows';

/** Statuses whose event ends the legal clock (the end of processing, QĐ 766). */
const CLOCK_STOPS = ['APPROVED', 'DENIED', 'WITHDRAWN', 'CANCELLED', 'CLOSED_UNSUPPLEMENTED'];

/**
 * The deadline explained (GET /dossiers/{code}/deadline): start, working time counted,
 * days skipped, pauses, extensions and the resulting date, re-derived from the clock
 * ledger on the calendar version the dossier is dated by.
 */

/** The dossier whose deadline is asked for; 404 when there is none. */
export async function deadlineDossier(db: Db, code: string): Promise<DossierDeadlineRow> {
  const d = await findDossierDeadline(db, code);
  if (!d) throw unknownDossier();
  return d;
}

/**
 * The explanation of `d`'s deadline: as of the end of processing once the clock has stopped,
 * else as of `asOf()` (asked only then).
 */
export async function explainDeadline(db: Db, d: DossierDeadlineRow, asOf: () => Date) {
  const rows = await clockEntriesWithActors(db, d.id);
  const base = { code: d.code, status: d.status, receivedAt: vnTime(d.received_at), appointmentAt: vnTime(d.appointment_at) };
  if (!d.received_at) {
    return { ...base, dueAt: null, explanation: ['Hồ sơ chưa được tiếp nhận: thời hạn giải quyết chưa bắt đầu.'] };
  }
  if (!rows.length && d.deadline_state === 'awaiting_fee') {
    // ND 297/2025 art. 6(2): received complete, but the limit counts from the fee's payment.
    return {
      ...base,
      dueAt: null,
      state: 'awaiting_fee',
      explanation: [
        `Tiếp nhận hồ sơ đầy đủ, hợp lệ lúc ${formatVn(d.received_at.toISOString())}. Thời hạn giải quyết được tính từ khi nhận đủ hồ sơ và phí, lệ phí (Nghị định 297/2025/NĐ-CP, điều 6 khoản 2): chưa nộp phí, lệ phí nên thời hạn chưa bắt đầu tính và chưa có ngày hẹn trả kết quả.`,
      ],
    };
  }
  if (!rows.length) {
    return { ...base, dueAt: vnTime(d.appointment_at), explanation: ['Hồ sơ tiếp nhận trước khi có sổ theo dõi thời hạn: ngày hẹn trả giữ nguyên như đã in.'] };
  }
  const stop = await firstEventInto(db, d.id, CLOCK_STOPS);
  const at = stop ? new Date(stop.occurred_at) : asOf();
  const { calendar, dayNames } = await calendarFor(db, d.agency_eid, { code: d.calendar_code, version: d.calendar_version });
  const derivation = deriveDeadline(calendar, ledgerFromRows(rows), at, dayNames);
  const late = stop ? at.getTime() > Date.parse(derivation.dueAt) || d.supplement_requests > 1 : null;
  // As of the moment asked, not as the read model stands now: state, what is left, how late.
  const standing = deadlineStanding(calendar, derivation, at, Number(d.warn_before_hours) * 3_600_000, Boolean(stop));
  return {
    ...base,
    ...derivation,
    remainingMinutes: standing.remainingMinutes,
    overdueBy: standing.overdueBy,
    explanation: standing.sentence ? [...derivation.explanation, standing.sentence] : derivation.explanation,
    state: standing.state,
    escalationLevel: d.escalation_level,
    asOf: toOffsetIso(at),
    // The end of processing and how the statistics count it (QĐ 766: more than one supplement request is late).
    outcome: stop
      ? {
          endedAt: toOffsetIso(at),
          endedAs: stop.to_status,
          result: late ? 'late' : toOffsetIso(at).slice(0, 10) < derivation.dueAt.slice(0, 10) ? 'early' : 'on_time',
        }
      : null,
    ledger: rows.map((r) => ({
      kind: r.kind,
      at: vnTime(r.at),
      reason: r.reason,
      legalBasis: r.legal_basis,
      actor: r.actor_id ? { userId: r.actor_id, fullName: r.actor_name } : null,
      ...(r.data as Record<string, unknown>),
    })),
  };
}
