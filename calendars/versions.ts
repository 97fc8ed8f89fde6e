import { inTransaction, type Db, type Tx } from '../db/connection';
import {
  calendarData,
  calendarDays,
  calendarOwnDays,
  codesDerivedFrom,
  findCalendarVersion,
  insertCalendarDays,
  insertCalendarVersion,
  latestCalendarVersion,
  lockCalendarCode,
  type CalendarDayRow,
  type CalendarVersionRow,
} from '../db/repositories/calendars';
import { WorkingCalendar } from '../domain/calendar';
import { DomainError, FieldErrors } from '../domain/errors';
import { calendarNotFound } from './read';
import { checkVersion, type DayKind, type OwnDay, type WeeklyHours } from './rules';

/**
 * Calendar versions as an administrator changes them (docs/domain.md §5.2: the calendar is
 * kept as data, per year and per agency, in versions). A version is never edited:
 * every change is version latest+1, written as a copy of the version the administrator looked
 * at, so two administrators cannot overwrite each other (optimistic concurrency, 409).
 * A new version of a base calendar yields, in the same transaction, a new version of every
 * calendar whose latest version is built on it: agencies on their own calendar see new
 * national holidays at once, while dossiers keep the version they were dated by.
 */
export interface VersionChange {
  weeklyHours?: WeeklyHours;
  coverageFrom?: string;
  coverageTo?: string;
  days?: OwnDay[];
  removeDays?: string[];
}

export interface CreatedVersion {
  code: string;
  version: number;
  /** Calendars that got a new version pinned to this one, recursively. */
  propagated: Array<{ code: string; version: number; base: { code: string; version: number } }>;
}

/** Calendars built on calendars, at most this deep (db/repositories/calendars.ts `calendarDays` reads up to 5 levels). */
const MAX_DEPTH = 4;

/** Serialises writers of one calendar code; always taken base first, then derived, so two writers never deadlock. */
const lockCode = lockCalendarCode;

interface BaseInfo {
  code: string;
  version: number;
  coverage: { from: string; to: string };
  days: Map<string, { kind: DayKind; name: string }>;
}

async function baseInfo(db: Tx, code: string, version: number): Promise<BaseInfo> {
  const row = await findCalendarVersion(db, code, version);
  if (!row) throw new DomainError('invalid', 'Unknown base calendar', `Lịch nền ${code} phiên bản ${version} không tồn tại.`);
  const days = await calendarDays(db, row);
  return {
    code,
    version,
    coverage: { from: row.coverage_from, to: row.coverage_to },
    days: new Map(days.map((d: CalendarDayRow) => [d.day, { kind: d.kind, name: d.name }])),
  };
}

/** What a version holds of its own: office hours, coverage, base and own days. */
interface VersionContent {
  weeklyHours: WeeklyHours;
  coverage: { from: string; to: string };
  base: { code: string; version: number } | null;
  ownDays: readonly OwnDay[];
}

interface VersionSpec extends VersionContent {
  code: string;
  version: number;
  name: string;
  utcOffsetMinutes: number;
  createdBy: number;
  reason: string;
}

/** Writes one version and proves it makes a working calendar before the transaction commits. */
async function insertVersion(trx: Tx, spec: VersionSpec): Promise<CalendarVersionRow> {
  let row: CalendarVersionRow;
  try {
    row = await insertCalendarVersion(trx, {
      code: spec.code,
      version: spec.version,
      name: spec.name,
      utc_offset_minutes: spec.utcOffsetMinutes,
      weekly_hours: JSON.stringify(spec.weeklyHours),
      coverage_from: spec.coverage.from,
      coverage_to: spec.coverage.to,
      base_code: spec.base?.code ?? null,
      base_version: spec.base?.version ?? null,
      created_by: spec.createdBy,
      change_reason: spec.reason,
    });
  } catch (err) {
    // The advisory lock makes this rare; the unique key is the last word.
    if ((err as { code?: string }).code === '23505') {
      throw new DomainError('conflict', 'Conflict', `Lịch ${spec.code} vừa có phiên bản ${spec.version} do người khác tạo; hãy tải lại và thử lại.`);
    }
    throw err;
  }
  if (spec.ownDays.length) await insertCalendarDays(trx, row.id, spec.ownDays);
  try {
    const calendar = new WorkingCalendar(await calendarData(trx, row));
    if (calendar.dailyWorkingMs <= 0) throw new RangeError('no working hours on any weekday');
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('invalid', 'Invalid calendar', `Lịch ${spec.code} phiên bản ${spec.version} không dùng được: ${(err as Error).message}.`);
  }
  return row;
}

/** Version latest+1 of `latest`'s code, with the same name and offset and this content. */
function insertNextVersion(trx: Tx, latest: CalendarVersionRow, content: VersionContent, actorId: number, reason: string): Promise<CalendarVersionRow> {
  return insertVersion(trx, {
    code: latest.code,
    version: latest.version + 1,
    name: latest.name,
    utcOffsetMinutes: latest.utc_offset_minutes,
    ...content,
    createdBy: actorId,
    reason,
  });
}

function asOwnDays(rows: readonly OwnDay[]): Map<string, OwnDay> {
  return new Map(rows.map((d) => [d.day, { day: d.day, kind: d.kind, name: d.name, provisional: d.provisional }]));
}

/** Applies a change to a copy of `from`'s own data; field errors are collected in `v`. */
function applyChange(
  v: FieldErrors,
  from: { weeklyHours: WeeklyHours; coverage: { from: string; to: string }; ownDays: readonly OwnDay[] },
  change: VersionChange,
): { weeklyHours: WeeklyHours; coverage: { from: string; to: string }; ownDays: OwnDay[]; changed: Map<string, string> } {
  const own = asOwnDays(from.ownDays);
  const changed = new Map<string, string>();
  (change.removeDays ?? []).forEach((day, i) => {
    if (change.days?.some((d) => d.day === day)) v.fail(`removeDays[${i}]`, `ngày ${day} vừa được thêm trong days vừa bị bỏ trong removeDays`);
    else if (!own.delete(day)) {
      v.fail(`removeDays[${i}]`, `ngày ${day} không phải ngày riêng của lịch này (ngày của lịch nền chỉ thay được bằng một ngày riêng khác loại)`);
    }
  });
  (change.days ?? []).forEach((d, i) => {
    own.set(d.day, d);
    changed.set(d.day, `days[${i}]`);
  });
  return {
    weeklyHours: change.weeklyHours ?? from.weeklyHours,
    coverage: { from: change.coverageFrom ?? from.coverage.from, to: change.coverageTo ?? from.coverage.to },
    ownDays: [...own.values()].sort((a, b) => a.day.localeCompare(b.day)),
    changed,
  };
}

/** `POST /calendars`: version 1 of a new code, over the latest version of its base (or a new root). */
export async function createCalendar(
  db: Db,
  input: { code: string; name: string; baseCode?: string; reason: string; weeklyHours?: WeeklyHours; coverageFrom?: string; coverageTo?: string; days?: OwnDay[] },
  actorId: number,
): Promise<CreatedVersion> {
  return inTransaction(db, async (trx) => {
    if (input.baseCode) await lockCode(trx, input.baseCode);
    await lockCode(trx, input.code);
    if (await latestCalendarVersion(trx, input.code)) {
      throw new DomainError('conflict', 'Calendar exists', `Lịch ${input.code} đã có; hãy tạo phiên bản mới bằng POST /api/v1/calendars/${input.code}/versions.`);
    }
    const v = new FieldErrors();
    let base: BaseInfo | null = null;
    let baseRow: CalendarVersionRow | undefined;
    if (input.baseCode) {
      baseRow = await latestCalendarVersion(trx, input.baseCode);
      if (!baseRow) throw new DomainError('invalid', 'Unknown base calendar', `Không có lịch nền ${input.baseCode}.`, { errors: [{ field: 'baseCode', message: 'không có lịch này' }] });
      if ((await chainDepth(trx, baseRow)) >= MAX_DEPTH) v.fail('baseCode', `lịch ${input.baseCode} đã dựa trên quá nhiều tầng lịch khác`);
      base = await baseInfo(trx, baseRow.code, baseRow.version);
    } else {
      if (!input.weeklyHours) v.fail('weeklyHours', 'bắt buộc nhập với lịch không có lịch nền');
      if (!input.coverageFrom) v.fail('coverageFrom', 'bắt buộc nhập với lịch không có lịch nền');
      if (!input.coverageTo) v.fail('coverageTo', 'bắt buộc nhập với lịch không có lịch nền');
      v.throwIfInvalid();
    }
    const next = applyChange(
      v,
      {
        // A derived calendar starts as its base: same office hours and coverage, no own days.
        weeklyHours: baseRow?.weekly_hours ?? {},
        coverage: { from: baseRow?.coverage_from ?? input.coverageFrom!, to: baseRow?.coverage_to ?? input.coverageTo! },
        ownDays: [],
      },
      { weeklyHours: input.weeklyHours, coverageFrom: input.coverageFrom, coverageTo: input.coverageTo, days: input.days },
    );
    checkVersion(v, { ...next, base });
    v.throwIfInvalid();
    await insertVersion(trx, {
      code: input.code,
      version: 1,
      name: input.name,
      utcOffsetMinutes: baseRow?.utc_offset_minutes ?? 420,
      weeklyHours: next.weeklyHours,
      coverage: next.coverage,
      base: base ? { code: base.code, version: base.version } : null,
      ownDays: next.ownDays,
      createdBy: actorId,
      reason: input.reason,
    });
    return { code: input.code, version: 1, propagated: [] };
  });
}

/** `POST /calendars/:code/versions`: version latest+1, a copy of `basedOnVersion` with the change applied. */
export async function createVersion(
  db: Db,
  code: string,
  input: { basedOnVersion: number; reason: string } & VersionChange,
  actorId: number,
): Promise<CreatedVersion> {
  return inTransaction(db, async (trx) => {
    await lockCode(trx, code);
    const latest = await latestCalendarVersion(trx, code);
    if (!latest) throw calendarNotFound(code);
    if (input.basedOnVersion !== latest.version) {
      throw new DomainError(
        'conflict',
        'Stale calendar version',
        `Lịch ${code} đã có phiên bản ${latest.version}; thay đổi phải dựa trên phiên bản mới nhất (đã gửi basedOnVersion ${input.basedOnVersion}). Hãy tải lại lịch và làm lại.`,
        { latestVersion: latest.version },
      );
    }
    const v = new FieldErrors();
    const base = latest.base_code && latest.base_version !== null ? await baseInfo(trx, latest.base_code, latest.base_version) : null;
    const next = applyChange(
      v,
      {
        weeklyHours: latest.weekly_hours,
        coverage: { from: latest.coverage_from, to: latest.coverage_to },
        ownDays: await calendarOwnDays(trx, latest.id),
      },
      input,
    );
    checkVersion(v, { ...next, base });
    v.throwIfInvalid();
    const row = await insertNextVersion(
      trx,
      latest,
      { weeklyHours: next.weeklyHours, coverage: next.coverage, base: base ? { code: base.code, version: base.version } : null, ownDays: next.ownDays },
      actorId,
      input.reason,
    );
    return { code, version: row.version, propagated: await propagate(trx, row, input.reason, actorId, 0) };
  });
}

async function chainDepth(db: Tx, row: CalendarVersionRow): Promise<number> {
  let depth = 0;
  let cur: CalendarVersionRow | undefined = row;
  while (cur?.base_code && cur.base_version !== null && depth <= MAX_DEPTH) {
    cur = await findCalendarVersion(db, cur.base_code, cur.base_version);
    depth += 1;
  }
  return depth;
}

/**
 * Pins every calendar built on `base`'s code to `base`'s new version: same own hours and days.
 * A derived calendar whose coverage was its base's follows the base's new coverage; one with
 * a narrower coverage keeps it (clipped to the base's).
 */
async function propagate(trx: Tx, base: CalendarVersionRow, reason: string, actorId: number, depth: number): Promise<CreatedVersion['propagated']> {
  if (depth >= MAX_DEPTH) return [];
  const out: CreatedVersion['propagated'] = [];
  for (const code of await codesDerivedFrom(trx, base.code)) {
    await lockCode(trx, code);
    const latest = await latestCalendarVersion(trx, code);
    if (!latest || latest.base_code !== base.code || (latest.base_version ?? 0) >= base.version) continue;
    const oldBase = await findCalendarVersion(trx, base.code, latest.base_version!);
    const followedBase = oldBase && oldBase.coverage_from === latest.coverage_from && oldBase.coverage_to === latest.coverage_to;
    const coverage = followedBase
      ? { from: base.coverage_from, to: base.coverage_to }
      : {
          from: latest.coverage_from > base.coverage_from ? latest.coverage_from : base.coverage_from,
          to: latest.coverage_to < base.coverage_to ? latest.coverage_to : base.coverage_to,
        };
    const ownDays = await calendarOwnDays(trx, latest.id);
    const outside = ownDays.filter((d) => d.day < coverage.from || d.day > coverage.to);
    if (coverage.from > coverage.to || outside.length) {
      throw new DomainError(
        'invalid',
        'Derived calendar out of coverage',
        `Lịch ${code} dựa trên lịch ${base.code} sẽ có ${outside.length ? `ngày riêng ${outside.map((d) => d.day).join(', ')} ` : ''}nằm ngoài phạm vi mới ${base.coverage_from} – ${base.coverage_to}; hãy sửa lịch ${code} trước.`,
        { calendar: code },
      );
    }
    const row = await insertNextVersion(
      trx,
      latest,
      { weeklyHours: latest.weekly_hours, coverage, base: { code: base.code, version: base.version }, ownDays },
      actorId,
      `Theo lịch nền ${base.code} phiên bản ${base.version}: ${reason}`,
    );
    out.push({ code, version: row.version, base: { code: base.code, version: base.version } });
    out.push(...(await propagate(trx, row, reason, actorId, depth + 1)));
  }
  return out;
}
