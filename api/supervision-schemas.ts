import { z } from 'zod';
import { agencyRef, vnInstant } from './contract';
import { GROUP_BYS, HANDOFF_STEPS, SATISFACTION_GROUP_BYS, WORKLIST_VIEWS, type WorklistPosition } from '../supervision/reports';

/**
 * Query parameters of the supervisor API: the schemas the handlers parse and the OpenAPI
 * document shows. Officers read the messages, in Vietnamese (the console shows them);
 * agencies, procedures and officers named are checked against the database by the handlers.
 */
export const MAX_WITHIN_DAYS = 60;
export const MAX_PERIOD_DAYS = 366;
export const DEFAULT_WORKLIST_LIMIT = 100;
export const MAX_WORKLIST_LIMIT = 500;
const DAY_MS = 86_400_000;

/** A date (local midnight in Việt Nam) or an instant with an explicit offset. */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,6})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const DATE_OR_INSTANT = 'a date (YYYY-MM-DD, local midnight in Việt Nam) or an ISO 8601 instant with an offset';

function realDate(y: string, m: string, d: string): boolean {
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).toISOString().slice(0, 10) === `${y}-${m}-${d}`;
}

function instantOf(v: string): Date | null {
  const date = DATE_RE.exec(v);
  const parts = date ?? INSTANT_RE.exec(v);
  if (!parts || !realDate(parts[1]!, parts[2]!, parts[3]!)) return null;
  return new Date(date ? `${v}T00:00:00+07:00` : v);
}

const ONCE = 'chỉ được ghi một lần, một giá trị';

/** One value of a query parameter (a repeated parameter arrives as an array). */
const single = (required: string) => z.string({ error: (iss) => (iss.input === undefined ? required : ONCE) }).trim();

const oneOf = <const T extends readonly [string, ...string[]]>(allowed: T) =>
  z.enum(allowed, {
    error: (iss) =>
      iss.input === undefined
        ? `là bắt buộc, một trong: ${allowed.join(', ')}`
        : typeof iss.input !== 'string'
          ? ONCE
          : `phải là một trong: ${allowed.join(', ')} (nhận được "${iss.input}")`,
  });

const instant = single('là bắt buộc: ngày (YYYY-MM-DD, nửa đêm giờ Việt Nam) hoặc thời điểm ISO 8601 có múi giờ')
  .refine((v) => instantOf(v) !== null, {
    error: (iss) => `phải là ngày (YYYY-MM-DD) hoặc thời điểm ISO 8601 có múi giờ, ví dụ 2026-03-18T10:00:00+07:00 (nhận được "${String(iss.input)}")`,
  })
  .transform((v) => instantOf(v)!)
  .describe(`${DATE_OR_INSTANT}, e.g. 2026-03-01 or 2026-03-18T10:00:00+07:00`);

/** Agency, `asOf` and output format: common to every report. */
const scope = {
  agency: single('is required').max(64).optional().describe('Electronic ID of one agency (default: every agency the caller supervises)'),
  asOf: instant.optional().describe('Compute as of this moment (default now), so a report can be reproduced'),
  format: oneOf(['json', 'csv']).optional().describe('csv for Excel (or Accept: text/csv)'),
};

/** `[from, to)`, at most a year and a day. */
const period = {
  from: instant,
  to: instant,
};
const periodChecks = (q: { from: unknown; to: unknown }, ctx: z.RefinementCtx): void => {
  if (!(q.from instanceof Date) || !(q.to instanceof Date)) return;
  if (q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'phải sau thời điểm from' });
  else if (q.to.getTime() - q.from.getTime() > MAX_PERIOD_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `khoảng thời gian dài tối đa ${MAX_PERIOD_DAYS} ngày` });
};

/**
 * Where the next page of a worklist starts, and the `asOf` of the first page (so a walk through
 * the pages without an explicit asOf sees one list): base64url JSON, opaque to clients.
 */
export interface WorklistCursor {
  after: WorklistPosition;
  asOf: Date;
}

const CURSOR_DUE = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z$/;
const CURSOR_AS_OF = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
// A dossier code: printable, as the database keeps it.
const CURSOR_CODE = /^[^\p{Cc}]{1,200}$/u;

export function encodeWorklistCursor(cursor: WorklistCursor): string {
  return Buffer.from(JSON.stringify({ d: cursor.after.due, c: cursor.after.code, a: cursor.asOf.toISOString() })).toString('base64url');
}

/** The cursor, or null for anything this API did not hand out (a bad value must be a 422, never reach SQL). */
export function decodeWorklistCursor(v: string): WorklistCursor | null {
  if (!/^[A-Za-z0-9_-]{1,800}$/.test(v)) return null;
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(v, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const { d, c, a } = o as Record<string, unknown>;
  const due = typeof d === 'string' ? CURSOR_DUE.exec(d) : null;
  if (d !== null && !(due && realDate(due[1]!, due[2]!, due[3]!))) return null;
  if (typeof c !== 'string' || !CURSOR_CODE.test(c)) return null;
  const asOf = typeof a === 'string' ? CURSOR_AS_OF.exec(a) : null;
  if (!asOf || !realDate(asOf[1]!, asOf[2]!, asOf[3]!)) return null;
  return { after: { due: d as string | null, code: c }, asOf: new Date(a as string) };
}

export const worklistQuery = z
  .strictObject({
    view: oneOf(WORKLIST_VIEWS),
    days: single(`là bắt buộc: số nguyên từ 0 đến ${MAX_WITHIN_DAYS}`)
      .refine((v) => /^\d+$/.test(v) && Number(v) <= MAX_WITHIN_DAYS, { error: (iss) => `phải là số nguyên từ 0 đến ${MAX_WITHIN_DAYS} (nhận được "${String(iss.input)}")` })
      .transform(Number)
      .optional()
      .describe('With view=due_within: working days ahead'),
    procedure: single('is required').max(64).optional().describe('Procedure code'),
    officer: single('is required').max(100).optional().describe('Username or id of the assignee'),
    step: oneOf(HANDOFF_STEPS).optional(),
    limit: single(`là bắt buộc: số nguyên từ 1 đến ${MAX_WORKLIST_LIMIT}`)
      .refine((v) => /^\d{1,6}$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_WORKLIST_LIMIT, {
        error: (iss) => `phải là số nguyên từ 1 đến ${MAX_WORKLIST_LIMIT} (nhận được "${String(iss.input).slice(0, 40)}")`,
      })
      .transform(Number)
      .optional()
      .describe(`Dossiers per page (default ${DEFAULT_WORKLIST_LIMIT}, at most ${MAX_WORKLIST_LIMIT}); the CSV export has every dossier, in one file`),
    cursor: single('là bắt buộc: nextCursor của trang trước')
      .refine((v) => decodeWorklistCursor(v) !== null, { error: 'phải là nextCursor của trang trước, giữ nguyên' })
      .transform((v) => decodeWorklistCursor(v)!)
      .optional()
      .describe('The previous page\'s nextCursor: the next page, as of the first page\'s asOf unless asOf is given. The counts are always over the whole list'),
    ...scope,
  })
  .superRefine((q, ctx) => {
    if (q.view === 'due_within' && q.days === undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: `là bắt buộc: số nguyên từ 0 đến ${MAX_WITHIN_DAYS}` });
  });

export const onTimeQuery = z.strictObject({ ...period, groupBy: oneOf(GROUP_BYS).optional().describe('Default: agency'), ...scope }).superRefine(periodChecks);

export const indicatorsQuery = z.strictObject({ ...period, ...scope }).superRefine(periodChecks);

/** GET /supervision/steps (issue 17): JSON only. */
export const stepCountsQuery = z.strictObject({ ...period, agency: scope.agency, asOf: scope.asOf, format: oneOf(['json']).optional().describe('json (the only format)') }).superRefine(periodChecks);

export const satisfactionQuery = z
  .strictObject({ ...period, groupBy: oneOf(SATISFACTION_GROUP_BYS).optional().describe('Default: agency. officer: the officer who handled the dossier (its assignee when rated)'), ...scope })
  .superRefine(periodChecks);

// ---------------------------------------------------------------- answers (JSON; the same with format=csv is text/csv)

const rate = z.number().nullable().describe('Percent, 2 decimals; null when there is nothing to count');
const ranked = z.array(z.strictObject({ key: z.string().nullable(), name: z.string().nullable(), count: z.number().int() }));
const person = z.strictObject({ code: z.string(), name: z.string() });

export const supervisionWorklistResponse = z.strictObject({
  view: z.enum(WORKLIST_VIEWS),
  asOf: vnInstant,
  days: z.number().int().nullable(),
  windows: z.array(z.strictObject({ agency: z.string(), until: vnInstant.nullable() })).nullable().describe('due_within: where each agency’s window of working days ends'),
  agencies: z.array(agencyRef),
  filters: z.strictObject({ procedure: z.string().nullable(), officer: z.string().nullable(), step: z.string().nullable() }),
  total: z.number().int().describe('The whole list, whatever the page'),
  counts: z.strictObject({ agency: ranked, procedure: ranked, officer: ranked, step: ranked }),
  limit: z.number().int(),
  nextCursor: z.string().nullable(),
  dossiers: z.array(
    z.strictObject({
      code: z.string(),
      agency: agencyRef,
      procedure: person,
      status: z.strictObject({ code: z.string(), label: z.string() }),
      assignee: z.strictObject({ id: z.number().int(), username: z.string(), name: z.string() }).nullable(),
      currentStep: z.strictObject({ step: z.string(), label: z.string(), dueAt: vnInstant.nullable() }).nullable(),
      receivedAt: vnInstant.nullable(),
      dueAt: vnInstant.nullable(),
      appointmentAt: vnInstant.nullable(),
      reappointed: z.boolean(),
      deadlineState: z.string().nullable(),
      overdueBy: z.number().nullable().describe('Working hours past the due date'),
      pausedSince: vnInstant.nullable(),
      faultAgencyEid: z.string().optional().describe('Present when another agency’s inter-agency leg made the dossier late: the lateness counts against that agency'),
    }),
  ),
}).meta({ id: 'SupervisionWorklist' });

const tally = {
  early: z.number().int(),
  onTime: z.number().int(),
  late: z.number().int(),
  total: z.number().int(),
  rates: z.strictObject({ early: rate, onTime: rate, late: rate, onTimeOrEarly: rate }),
};
export const onTimeResponse = z.strictObject({
  groupBy: z.enum(GROUP_BYS),
  basis: z.enum(['dossiers', 'handoffs']).describe('By agency or procedure: dossiers ended in the period; by officer or step: hand-offs closed in it'),
  from: vnInstant,
  to: vnInstant,
  asOf: vnInstant,
  agencies: z.array(agencyRef),
  groups: z.array(z.strictObject({ key: z.string(), name: z.string(), ...tally })),
  totals: z.strictObject(tally),
}).meta({ id: 'OnTimeReport' });

export const indicatorsResponse = z.strictObject({
  from: vnInstant,
  to: vnInstant,
  asOf: vnInstant,
  agencies: z.array(agencyRef),
  indicators: z.array(
    z.strictObject({
      code: z.string().describe('QĐ 766 indicator: 2.1, 2.2, 3.3, 3.6, 4.1, 5.4'),
      name: z.string(),
      numerator: z.number(),
      denominator: z.number(),
      rate,
      value: z.number().nullable().describe('In its unit: the rate, or the average for 2.2'),
      unit: z.enum(['percent', 'working_days']),
      threshold: z.number().nullable(),
      maxPoints: z.number().nullable(),
      score: z.number().nullable(),
      formula: z.string(),
    }),
  ),
}).meta({ id: 'IndicatorReport' });

const satisfactionTally = {
  verySatisfied: z.number().int(),
  satisfied: z.number().int(),
  notSatisfied: z.number().int(),
  total: z.number().int(),
  rates: z.strictObject({ verySatisfied: rate, satisfied: rate, notSatisfied: rate, satisfiedOrBetter: rate }),
};
export const satisfactionResponse = z.strictObject({
  groupBy: z.enum(SATISFACTION_GROUP_BYS),
  scale: z.array(z.enum(['very_satisfied', 'satisfied', 'not_satisfied'])),
  from: vnInstant,
  to: vnInstant,
  asOf: vnInstant,
  agencies: z.array(agencyRef),
  groups: z.array(z.strictObject({ key: z.string().nullable().describe('null: dossiers rated without an assignee'), name: z.string().nullable(), ...satisfactionTally })),
  totals: z.strictObject(satisfactionTally),
}).meta({ id: 'SatisfactionReport' });

/** The signed-in officer’s deadline alerts. */
export const alertsResponse = z.strictObject({
  alerts: z.array(
    z.strictObject({
      id: z.number().int(),
      kind: z.string().describe('at_risk, overdue, escalation, …'),
      level: z.number().int(),
      message: z.string(),
      dossier: z.strictObject({ code: z.string(), dueAt: vnInstant.nullable(), appointmentAt: vnInstant.nullable() }),
      createdAt: vnInstant,
      readAt: vnInstant.nullable(),
    }),
  ),
}).meta({ id: 'Alerts' });

/** Nhật ký thao tác of a dossier. */
export const auditTrailResponse = z.strictObject({
  code: z.string(),
  entries: z.array(
    z.strictObject({
      id: z.number().int(),
      at: vnInstant,
      actor: z.strictObject({ kind: z.string(), label: z.string().nullable(), name: z.string().nullable(), role: z.string().nullable() }),
      action: z.string(),
      target: z.string().nullable(),
      reason: z.string().nullable(),
      before: z.unknown().describe('The dossier before, where the action changed it'),
      after: z.unknown(),
      requestId: z.string().nullable(),
    }),
  ),
}).meta({ id: 'AuditTrail' });
