import type { TimeLimit } from '../domain/calendar';
import type { ClockEntry } from '../domain/clock-ledger';
import type { ClockEntryRow } from '../db/repositories/calendars';

/** A ledger row that cannot be read back: its due date would be a guess, so nobody gets one. */
export class CorruptLedgerError extends Error {}

const KIND_ORDER = ['start', 'pause', 'resume', 'extension', 'reappointment', 'rebase'] as const;

function atOf(row: ClockEntryRow): string {
  const d = row.at instanceof Date ? row.at : new Date(row.at);
  if (Number.isNaN(d.getTime())) throw new CorruptLedgerError(`clock entry ${row.seq}/${row.kind} has no valid time`);
  // Full precision: the workflow derived its dates from these very instants, milliseconds included.
  return d.toISOString();
}

function dataOf(row: ClockEntryRow): Record<string, unknown> {
  if (row.data === null || row.data === undefined) return {};
  if (typeof row.data === 'string') return JSON.parse(row.data) as Record<string, unknown>;
  return row.data;
}

function num(data: Record<string, unknown>, field: string, row: ClockEntryRow): number | undefined {
  const v = data[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CorruptLedgerError(`clock entry ${row.seq}/${row.kind}: ${field} is not a number`);
  return v;
}

function str(data: Record<string, unknown>, field: string, row: ClockEntryRow): string {
  const v = data[field];
  if (typeof v !== 'string' || !v) throw new CorruptLedgerError(`clock entry ${row.seq}/${row.kind}: ${field} is missing`);
  return v;
}

function entryOf(row: ClockEntryRow): ClockEntry {
  const at = atOf(row);
  const data = dataOf(row);
  const actorId = row.actor_id ?? null;
  switch (row.kind) {
    case 'start': {
      const limit = data.limit as TimeLimit | undefined;
      if (!limit || typeof limit !== 'object' || typeof limit.unit !== 'string') {
        throw new CorruptLedgerError(`clock entry ${row.seq}/start has no time limit`);
      }
      const fromFee = data.countsFrom === 'fee_payment' && typeof data.receivedAt === 'string';
      return { kind: 'start', at, limit, actorId, basis: row.legal_basis, ...(fromFee ? { countsFrom: 'fee_payment' as const, receivedAt: data.receivedAt as string } : {}) };
    }
    case 'pause': {
      const cause = data.cause === 'clock_excluded' ? 'clock_excluded' : data.cause === 'citizen_supplement' ? 'citizen_supplement' : null;
      if (!cause) throw new CorruptLedgerError(`clock entry ${row.seq}/pause has no known cause`);
      return { kind: 'pause', at, cause, reason: row.reason ?? '', basis: row.legal_basis, actorId };
    }
    case 'resume':
      return { kind: 'resume', at, restart: data.restart === true, reason: row.reason, actorId };
    case 'extension': {
      const workingDays = num(data, 'workingDays', row);
      const workingHours = num(data, 'workingHours', row);
      if (workingDays === undefined && workingHours === undefined) throw new CorruptLedgerError(`clock entry ${row.seq}/extension grants no time`);
      return {
        kind: 'extension',
        at,
        ...(workingDays !== undefined ? { workingDays } : {}),
        ...(workingHours !== undefined ? { workingHours } : {}),
        reason: row.reason ?? '',
        basis: row.legal_basis ?? '',
        actorId,
      };
    }
    case 'reappointment':
      return { kind: 'reappointment', at, appointmentAt: str(data, 'appointmentAt', row), reason: row.reason ?? '', actorId };
    case 'rebase': {
      const calendarVersion = num(data, 'calendarVersion', row);
      if (calendarVersion === undefined) throw new CorruptLedgerError(`clock entry ${row.seq}/rebase has no calendar version`);
      return { kind: 'rebase', at, calendarCode: str(data, 'calendarCode', row), calendarVersion, reason: row.reason ?? '', actorId };
    }
    default:
      throw new CorruptLedgerError(`clock entry ${row.seq} has an unknown kind "${String(row.kind)}"`);
  }
}

/**
 * Rebuilds a dossier's clock ledger from its `dossier_clock_entries` rows: the kind-specific
 * fields live in `data`, who/why/on what basis in columns. Ordered by the event that wrote
 * them (seq), then by insertion, then by kind, so the same rows always give the same ledger.
 */
export function ledgerFromRows(rows: readonly ClockEntryRow[]): ClockEntry[] {
  const sorted = [...rows].sort(
    (a, b) =>
      a.seq - b.seq ||
      (a.id !== undefined && b.id !== undefined ? Number(a.id) - Number(b.id) : 0) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
  return sorted.map(entryOf);
}

