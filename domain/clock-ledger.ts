import { toOffsetIso, type TimeLimit, type WorkingCalendar } from './calendar';

/**
 * The clock ledger (sổ theo dõi thời hạn) of one dossier. The due date is never edited:
 * it is derived from these entries on the calendar version the dossier is dated by, so it
 * can always be explained (docs/domain.md §3.2, §3.4, §3.5, §12).
 * - `start`: a complete, valid dossier was received; the procedure's limit counts from here
 *   (or, where the limit counts from the fee's payment, the fee was paid after the receipt).
 * - `pause` / `resume`: time that does not count (the citizen's supplement, a clock-excluded
 *   step such as paying land obligations). `restart` on a resume counts the whole limit
 *   again from that moment (ND 297/2025 chain procedures).
 * - `extension`: more working time granted on a legal basis (e.g. verification needed).
 * - `reappointment`: the apology's new appointment (Form 04): it becomes the date the
 *   citizen is promised, while the legal due date, and so the statistics, stay as they were.
 * - `rebase`: an explicit, logged decision to date the dossier by a newer calendar version.
 */
export type ClockEntry =
  | {
      kind: 'start';
      at: string;
      limit: TimeLimit;
      actorId?: number | null;
      basis?: string | null;
      /**
       * `fee_payment`: the limit counts from the fee's payment (`at`), the dossier having been
       * received complete at `receivedAt` (ND 297/2025 art. 6(2), procedures.clock_from_fee).
       */
      countsFrom?: 'receipt' | 'fee_payment';
      receivedAt?: string;
    }
  | {
      kind: 'pause';
      at: string;
      cause: 'citizen_supplement' | 'clock_excluded';
      reason: string;
      basis?: string | null;
      actorId?: number | null;
    }
  | { kind: 'resume'; at: string; restart?: boolean; reason?: string | null; actorId?: number | null }
  | {
      kind: 'extension';
      at: string;
      workingDays?: number;
      workingHours?: number;
      reason: string;
      basis: string;
      actorId: number | null;
    }
  | { kind: 'reappointment'; at: string; appointmentAt: string; reason: string; actorId: number | null }
  | { kind: 'rebase'; at: string; calendarCode: string; calendarVersion: number; reason: string; actorId: number | null };

export interface LedgerSegment {
  kind: 'running' | 'paused';
  from: string;
  /** Null while the segment is still open. */
  to: string | null;
  workingMinutes: number;
  reason?: string;
  basis?: string | null;
}

export interface DeadlineDerivation {
  calendar: { code: string; version: number };
  receivedAt: string;
  /** The limit counts from here: the receipt, or the last restart. */
  countingFrom: string;
  limit: TimeLimit;
  /** The limit in working minutes on this calendar. */
  limitMinutes: number;
  extensionMinutes: number;
  /** Working minutes counted against the limit as of `asOf`. */
  countedMinutes: number;
  /** Working minutes excluded by pauses. */
  pausedMinutes: number;
  remainingMinutes: number;
  paused: boolean;
  pausedSince: string | null;
  /** Legal due date; while paused, the date it would be if the clock resumed at `asOf`. */
  dueAt: string;
  /** What the citizen is promised: the apology's new appointment, else the due date. */
  appointmentAt: string;
  reappointed: boolean;
  segments: LedgerSegment[];
  extensions: Array<{ at: string; workingMinutes: number; reason: string; basis: string }>;
  /** Non-working local dates skipped between the start of counting and the due date. */
  daysSkipped: Array<{ day: string; name: string }>;
  /** Vietnamese, one line per fact, in order. */
  explanation: string[];
}

const MIN = 60_000;

/** The working time a limit is worth when it starts at `from` (its unit and counting mode kept). */
function limitMs(calendar: WorkingCalendar, from: Date, limit: TimeLimit): number {
  return calendar.workingTimeBetween(from, calendar.appointment(from, limit));
}

function extensionMs(calendar: WorkingCalendar, e: Extract<ClockEntry, { kind: 'extension' }>): number {
  return Math.round(((e.workingDays ?? 0) * calendar.dailyWorkingMs + (e.workingHours ?? 0) * 3_600_000));
}

export function describeLimit(limit: TimeLimit): string {
  switch (limit.unit) {
    case 'working_days':
      return `${limit.value} ngày làm việc${limit.counting === 'whole_days' ? ' (không tính ngày tiếp nhận)' : ''}`;
    case 'working_hours':
      return `${limit.value} giờ làm việc`;
    case 'calendar_days':
      return `${limit.value} ngày`;
    case 'same_day':
      return `trong ngày (tiếp nhận sau ${limit.cutoff ?? '15:00'} trả ngày làm việc tiếp theo)`;
  }
}

const WEEKDAY_VN = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];

/** "10:00 thứ Sáu 13/02/2026", as an officer reads it. */
export function formatVn(iso: string, utcOffsetMinutes = 420): string {
  const local = toOffsetIso(new Date(iso), utcOffsetMinutes);
  const [date, time] = [local.slice(0, 10), local.slice(11, 16)];
  const weekday = WEEKDAY_VN[new Date(`${date}T00:00:00Z`).getUTCDay()];
  return `${time} ${weekday} ${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 100) / 100} giờ làm việc`;

/**
 * Derives the due date and its explanation from the ledger, on `calendar` (the version the
 * dossier is dated by), as of `asOf`. `dayNames` names the holidays for the explanation.
 */
export function deriveDeadline(
  calendar: WorkingCalendar,
  entries: readonly ClockEntry[],
  asOf: Date,
  dayNames: ReadonlyMap<string, string> = new Map(),
): DeadlineDerivation {
  // "Now" past the last year whose holidays are known counts up to the end of that year.
  asOf = calendar.clampToCoverage(asOf);
  const start = entries.find((e): e is Extract<ClockEntry, { kind: 'start' }> => e.kind === 'start');
  if (!start) throw new RangeError('the clock ledger has no start: the dossier has not been received');
  const startAt = new Date(start.at);
  const fromFee = start.countsFrom === 'fee_payment';
  const receivedAt = fromFee && start.receivedAt ? new Date(start.receivedAt) : startAt;
  const explanation: string[] = [
    fromFee
      ? `Tiếp nhận hồ sơ đầy đủ, hợp lệ lúc ${formatVn(receivedAt.toISOString())}; đã nộp phí, lệ phí lúc ${formatVn(start.at)}. Thời hạn giải quyết ${describeLimit(start.limit)} được tính từ khi nhận đủ hồ sơ và phí, lệ phí (${start.basis ?? 'Nghị định 297/2025/NĐ-CP, điều 6 khoản 2'}), tức từ ${formatVn(start.at)}, theo lịch ${calendar.code} phiên bản ${calendar.version} (${hours(calendar.dailyWorkingMs)} mỗi ngày).`
      : `Tiếp nhận hồ sơ đầy đủ, hợp lệ lúc ${formatVn(start.at)}; thời hạn giải quyết ${describeLimit(start.limit)} theo lịch ${calendar.code} phiên bản ${calendar.version} (${hours(calendar.dailyWorkingMs)} mỗi ngày).`,
  ];
  let countingFrom = startAt;
  let budget = limitMs(calendar, startAt, start.limit);
  let extension = 0;
  let pausedTotal = 0;
  // Running segments since the last (re)start: the due date is where they add up to the limit.
  let running: Array<{ from: Date; to: Date }> = [];
  let openFrom: Date | null = startAt;
  let pausedSince: { at: Date; reason: string; basis: string | null } | null = null;
  let simple = true;
  let reappointment: string | null = null;
  const segments: LedgerSegment[] = [];
  const extensions: DeadlineDerivation['extensions'] = [];

  for (const e of entries) {
    if (e.kind === 'start') continue;
    const at = new Date(e.at);
    switch (e.kind) {
      case 'pause': {
        if (!openFrom) break;
        simple = false;
        running.push({ from: openFrom, to: at });
        segments.push({ kind: 'running', from: openFrom.toISOString(), to: e.at, workingMinutes: Math.round(calendar.workingTimeBetween(openFrom, at) / MIN) });
        openFrom = null;
        pausedSince = { at, reason: e.reason, basis: e.basis ?? null };
        break;
      }
      case 'resume': {
        if (!pausedSince) break;
        simple = false;
        const excluded = calendar.workingTimeBetween(pausedSince.at, at);
        segments.push({ kind: 'paused', from: pausedSince.at.toISOString(), to: e.at, workingMinutes: Math.round(excluded / MIN), reason: pausedSince.reason, basis: pausedSince.basis });
        if (e.restart) {
          explanation.push(`Tạm dừng từ ${formatVn(pausedSince.at.toISOString())} đến ${formatVn(e.at)} (${pausedSince.reason}); thời hạn được tính lại từ đầu kể từ ${formatVn(e.at)}.`);
          running = [];
          countingFrom = at;
          budget = limitMs(calendar, at, start.limit);
        } else {
          pausedTotal += excluded;
          explanation.push(`Tạm dừng từ ${formatVn(pausedSince.at.toISOString())} đến ${formatVn(e.at)}: ${hours(excluded)} không tính vào thời hạn (${pausedSince.reason}${pausedSince.basis ? `; căn cứ ${pausedSince.basis}` : ''}).`);
        }
        pausedSince = null;
        openFrom = at;
        break;
      }
      case 'extension': {
        simple = false;
        const ms = extensionMs(calendar, e);
        extension += ms;
        extensions.push({ at: e.at, workingMinutes: Math.round(ms / MIN), reason: e.reason, basis: e.basis });
        explanation.push(`Gia hạn ${hours(ms)} lúc ${formatVn(e.at)} (${e.reason}; căn cứ ${e.basis}).`);
        break;
      }
      case 'reappointment':
        reappointment = e.appointmentAt;
        break;
      case 'rebase':
        explanation.push(`Ngày ${formatVn(e.at)} quyết định tính lại theo lịch ${e.calendarCode} phiên bản ${e.calendarVersion} (${e.reason}).`);
        break;
    }
  }

  if (pausedSince) {
    segments.push({ kind: 'paused', from: pausedSince.at.toISOString(), to: null, workingMinutes: Math.round(calendar.workingTimeBetween(pausedSince.at, asOf) / MIN), reason: pausedSince.reason, basis: pausedSince.basis });
    explanation.push(`Đang tạm dừng từ ${formatVn(pausedSince.at.toISOString())} (${pausedSince.reason}${pausedSince.basis ? `; căn cứ ${pausedSince.basis}` : ''}).`);
  } else if (openFrom) {
    segments.push({ kind: 'running', from: openFrom.toISOString(), to: null, workingMinutes: Math.round(calendar.workingTimeBetween(openFrom, asOf) / MIN) });
  }

  const total = budget + extension;
  let due: Date | null = null;
  let counted = 0;
  for (const seg of running) {
    const w = calendar.workingTimeBetween(seg.from, seg.to);
    if (!due && counted + w >= total) due = calendar.addWorkingTime(seg.from, total - counted);
    counted += w;
  }
  if (!due) {
    if (simple) due = calendar.appointment(startAt, start.limit);
    else if (openFrom) due = calendar.addWorkingTime(openFrom, total - counted);
    else due = calendar.addWorkingTime(asOf > pausedSince!.at ? asOf : pausedSince!.at, total - counted);
  }
  if (openFrom) counted += calendar.workingTimeBetween(openFrom, asOf);
  const firstWorking = calendar.nextWorkingInstant(countingFrom);
  if (firstWorking.getTime() !== countingFrom.getTime()) explanation.push(`Ngoài giờ làm việc: thời hạn bắt đầu tính từ ${formatVn(firstWorking.toISOString())}.`);
  const daysSkipped = calendar.daysOffBetween(countingFrom, due).map((day) => {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return { day, name: dayNames.get(day) ?? (calendar.isDeclaredDayOff(day) ? 'Ngày nghỉ' : `Nghỉ cuối tuần (${WEEKDAY_VN[weekday]})`) };
  });
  const declared = daysSkipped.filter((d) => calendar.isDeclaredDayOff(d.day));
  if (daysSkipped.length) {
    explanation.push(
      `Không tính ${daysSkipped.length} ngày nghỉ${declared.length ? `, trong đó ngày lễ, nghỉ bù, nghỉ hoán đổi: ${declared.map((d) => `${d.day.slice(8, 10)}/${d.day.slice(5, 7)} (${d.name})`).join(', ')}` : ' cuối tuần'}.`,
    );
  }
  const dueAt = toOffsetIso(due);
  explanation.push(
    `${pausedSince ? 'Nếu tiếp tục ngay, hạn giải quyết là' : 'Hạn giải quyết (ngày hẹn trả theo quy định):'} ${formatVn(dueAt)}${counted > 0 ? `; đã tính ${hours(counted)} trên tổng ${hours(total)}` : `; tổng thời gian ${hours(total)}`}.`,
  );
  if (reappointment) explanation.push(`Đã xin lỗi và hẹn lại ngày trả kết quả: ${formatVn(reappointment)} (hồ sơ vẫn được thống kê là trễ hạn nếu giải quyết sau ${formatVn(dueAt)}).`);

  return {
    calendar: { code: calendar.code, version: calendar.version },
    receivedAt: toOffsetIso(receivedAt),
    countingFrom: toOffsetIso(countingFrom),
    limit: start.limit,
    limitMinutes: Math.round(budget / MIN),
    extensionMinutes: Math.round(extension / MIN),
    countedMinutes: Math.round(counted / MIN),
    pausedMinutes: Math.round(pausedTotal / MIN),
    remainingMinutes: Math.round((total - counted) / MIN),
    paused: pausedSince !== null,
    pausedSince: pausedSince ? toOffsetIso(pausedSince.at) : null,
    dueAt,
    appointmentAt: reappointment ? toOffsetIso(new Date(reappointment)) : dueAt,
    reappointed: reappointment !== null,
    segments,
    extensions,
    daysSkipped,
    explanation,
  };
}

/** When the workflow acts on the deadline: warn, mark overdue, escalate, and the apology's last day. */
export interface DeadlineSchedule {
  dueAt: string;
  appointmentAt: string;
  paused: boolean;
  /** Null while paused: no timer runs on a stopped clock. */
  warnAt: string | null;
  overdueAt: string | null;
  /** The next escalation after `escalationLevel` escalations already made. */
  nextEscalationAt: string | null;
  /** The apology with a new appointment must be issued by then (one working day before the due date). */
  apologyBy: string | null;
}

/**
 * A DeadlineSchedule as a local activity's marker carries it (patch small-markers-v1): what
 * equals the due date, is null or false is left out. `fullSchedule(compactSchedule(s))` is `s`;
 * a full schedule (markers recorded before) reads through `fullSchedule` unchanged.
 */
export interface CompactSchedule {
  dueAt: string;
  appointmentAt?: string;
  paused?: boolean;
  warnAt?: string | null;
  overdueAt?: string | null;
  nextEscalationAt?: string | null;
  apologyBy?: string | null;
}

export function compactSchedule(s: DeadlineSchedule): CompactSchedule {
  const c: CompactSchedule = { dueAt: s.dueAt };
  if (s.appointmentAt !== s.dueAt) c.appointmentAt = s.appointmentAt;
  if (s.paused) c.paused = true;
  if (s.warnAt !== null) c.warnAt = s.warnAt;
  if (s.overdueAt !== s.dueAt) c.overdueAt = s.overdueAt;
  if (s.nextEscalationAt !== null) c.nextEscalationAt = s.nextEscalationAt;
  if (s.apologyBy !== null) c.apologyBy = s.apologyBy;
  return c;
}

/** What the acceptance event and the receipt say while the clock waits for the fee (ND 297/2025 art. 6(2)). */
export const CLOCK_FROM_FEE_PENDING = 'Thời hạn giải quyết được tính từ khi nhận đủ hồ sơ và phí, lệ phí: ngày hẹn trả kết quả được xác định khi đã nộp phí, lệ phí.';

/** Where a running schedule stands at `at`: what the acceptance's event records. */
export function scheduleStateAt(s: DeadlineSchedule, at: number): 'running' | 'at_risk' | 'overdue' {
  if (at >= Date.parse(s.dueAt)) return 'overdue';
  if (s.warnAt && at >= Date.parse(s.warnAt)) return 'at_risk';
  return 'running';
}

export function fullSchedule(c: CompactSchedule): DeadlineSchedule {
  return {
    dueAt: c.dueAt,
    appointmentAt: c.appointmentAt ?? c.dueAt,
    paused: c.paused === true,
    warnAt: c.warnAt ?? null,
    overdueAt: c.overdueAt === undefined ? c.dueAt : c.overdueAt,
    nextEscalationAt: c.nextEscalationAt ?? null,
    apologyBy: c.apologyBy ?? null,
  };
}

export interface DeadlinePolicy {
  warnBeforeMs: number;
  escalateEveryMs: number;
}

export function deadlineSchedule(
  calendar: WorkingCalendar,
  derivation: DeadlineDerivation,
  policy: DeadlinePolicy,
  escalationLevel: number,
): DeadlineSchedule {
  const base = { dueAt: derivation.dueAt, appointmentAt: derivation.appointmentAt, paused: derivation.paused };
  if (derivation.paused) return { ...base, warnAt: null, overdueAt: null, nextEscalationAt: null, apologyBy: null };
  const promised = new Date(derivation.appointmentAt);
  const due = new Date(derivation.dueAt);
  return {
    ...base,
    warnAt: toOffsetIso(calendar.subtractWorkingTime(promised, policy.warnBeforeMs)),
    overdueAt: derivation.dueAt,
    nextEscalationAt: toOffsetIso(calendar.addWorkingTime(promised, (escalationLevel + 1) * policy.escalateEveryMs)),
    apologyBy: toOffsetIso(calendar.subtractWorkingTime(due, calendar.dailyWorkingMs)),
  };
}

/** Where a dossier stands against its deadline at one moment (the explanation's `asOf`). */
export interface DeadlineStanding {
  /** As the workflow would say at that moment: stopped, paused, overdue, at risk (past the warning) or running. */
  state: 'running' | 'at_risk' | 'overdue' | 'paused' | 'stopped';
  /** Working minutes left before the due date; 0 once it has passed. */
  remainingMinutes: number;
  /** Working minutes counted beyond the limit (the agency's delay), null when there is none. */
  overdueBy: { workingMinutes: number; workingHours: number } | null;
  /** Vietnamese: "Quá hạn 2 giờ làm việc …", null when not overdue. */
  sentence: string | null;
}

/**
 * The standing of `derivation` (derived as of `asOf`) at `asOf`: overdue once `asOf` reaches
 * the legal due date with the clock running, by the working time counted beyond the limit; at
 * risk from `warnBeforeMs` working time before the promised appointment (the workflow's
 * warning); a paused clock is not the agency's delay. `stopped`: the clock has ended at `asOf`.
 */
export function deadlineStanding(
  calendar: WorkingCalendar,
  derivation: DeadlineDerivation,
  asOf: Date,
  warnBeforeMs: number,
  stopped = false,
): DeadlineStanding {
  const beyond = Math.max(0, -derivation.remainingMinutes);
  const remainingMinutes = Math.max(0, derivation.remainingMinutes);
  const late = asOf.getTime() >= Date.parse(derivation.dueAt) || beyond > 0;
  const overdueBy = late && beyond > 0 ? { workingMinutes: beyond, workingHours: Math.round((beyond / 60) * 10) / 10 } : null;
  const at = toOffsetIso(asOf);
  let state: DeadlineStanding['state'];
  if (stopped) state = 'stopped';
  else if (derivation.paused) state = 'paused';
  else if (late) state = 'overdue';
  else if (asOf.getTime() >= calendar.subtractWorkingTime(new Date(derivation.appointmentAt), warnBeforeMs).getTime()) state = 'at_risk';
  else state = 'running';
  let sentence: string | null = null;
  if (late && state !== 'paused') {
    const by = hours((overdueBy?.workingMinutes ?? 0) * MIN);
    sentence = stopped
      ? `Kết thúc xử lý lúc ${formatVn(at)}, quá hạn ${by} so với hạn giải quyết ${formatVn(derivation.dueAt)}.`
      : `Quá hạn ${by} tính đến ${formatVn(at)} (hạn giải quyết ${formatVn(derivation.dueAt)}).`;
  } else if (late && overdueBy) {
    sentence = `Đã quá hạn ${hours(overdueBy.workingMinutes * MIN)} trước khi tạm dừng (hạn giải quyết ${formatVn(derivation.dueAt)}).`;
  }
  return { state, remainingMinutes, overdueBy, sentence };
}
