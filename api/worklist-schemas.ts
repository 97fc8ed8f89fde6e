import { z } from 'zod';
import { DOSSIER_STATUSES } from '../domain/status';
import { OFFICER_ROLES } from '../domain/principal';
import { LIST_SORTS, QUEUE_KEYS } from '../dossiers/worklist';
import { HANDOFF_STEPS } from '../supervision/reports';

/**
 * The staff console's reads (issue 15): GET /me, GET /dossiers (the worklist) and GET
 * /agencies/{eid}/officers. Query schemas the handlers parse with (messages in Vietnamese:
 * officers read them), and the schemas of the answers, which the OpenAPI document shows and
 * the tests validate real answers with.
 */
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 200;

const ONCE = 'chỉ được truyền một lần, một giá trị';
const single = (max: number) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? 'bắt buộc' : ONCE) })
    .trim()
    .min(1, { error: 'không được để trống' })
    .max(max, { error: `dài quá ${max} ký tự` });

/** A comma-separated list of allowed values (each once), e.g. status=RECEIVED,IN_REVIEW. */
const listOf = <T extends string>(allowed: readonly T[], what: string) =>
  single(1000).transform((v, ctx) => {
    const items = [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))];
    for (const x of items) {
      if (!(allowed as readonly string[]).includes(x)) ctx.addIssue({ code: 'custom', message: `"${x.slice(0, 60)}" không phải ${what}; dùng một hoặc nhiều giá trị (cách nhau bởi dấu phẩy): ${allowed.join(', ')}` });
    }
    if (!items.length) ctx.addIssue({ code: 'custom', message: `phải có ít nhất một ${what}` });
    return items as T[];
  });

/** A comma-separated list of codes, each at most 64 characters. */
const codes = single(1000).transform((v, ctx) => {
  const items = [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))];
  if (!items.length) ctx.addIssue({ code: 'custom', message: 'phải có ít nhất một mã' });
  if (items.some((x) => x.length > 64)) ctx.addIssue({ code: 'custom', message: 'mỗi mã dài tối đa 64 ký tự' });
  return items;
});

const oneOf = <const T extends readonly [string, ...string[]]>(allowed: T) =>
  z.enum(allowed, {
    error: (iss) => (typeof iss.input !== 'string' ? ONCE : `phải là một trong: ${allowed.join(', ')} (nhận được "${String(iss.input).slice(0, 60)}")`),
  });

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,6})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const realDate = (y: string, m: string, d: string) => new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).toISOString().slice(0, 10) === `${y}-${m}-${d}`;
const DAY_MS = 86_400_000;

/**
 * A bound of a date range: a date (YYYY-MM-DD, a whole local day in Việt Nam) or an instant with
 * its offset. `from` is the date's first moment; `to` is exclusive, after the date's last moment.
 */
const bound = (end: 'from' | 'to') =>
  single(40).transform((v, ctx) => {
    const date = DATE_RE.exec(v);
    const parts = date ?? INSTANT_RE.exec(v);
    if (!parts || !realDate(parts[1]!, parts[2]!, parts[3]!)) {
      ctx.addIssue({ code: 'custom', message: `phải là ngày (YYYY-MM-DD) hoặc thời điểm ISO 8601 có múi giờ, ví dụ 2026-03-18T10:00:00+07:00 (nhận được "${v.slice(0, 40)}")` });
      return z.NEVER;
    }
    if (!date) return new Date(v);
    const midnight = new Date(`${v}T00:00:00+07:00`);
    return end === 'from' ? midnight : new Date(midnight.getTime() + DAY_MS);
  });

const ASSIGNEE = /^(me|none|\d{1,9}|[A-Za-z0-9._@-]{1,100})$/;

export const worklistQuery = z
  .strictObject({
    agency: single(64).optional().describe('Electronic ID of one agency (default: every agency where the caller holds a role; administrators: all)'),
    queue: oneOf(QUEUE_KEYS as unknown as [string, ...string[]]).optional().describe('One queue (its statuses, as counted in `queues`)'),
    status: listOf(Object.keys(DOSSIER_STATUSES), 'mã trạng thái').optional().describe('Status codes, comma-separated'),
    // Checked against the catalogue by the service (an unknown code is a 422 naming it).
    procedure: codes.optional().describe('Procedure codes, comma-separated'),
    step: listOf(HANDOFF_STEPS, 'bước xử lý').optional().describe('Current step of the process-control sheet (where the dossier waits), comma-separated'),
    assignee: single(100)
      .refine((v) => ASSIGNEE.test(v), { error: 'phải là me, none, mã số hoặc tên đăng nhập của cán bộ' })
      .optional()
      .describe('me, none (unassigned), or a user id or username'),
    channel: listOf(['counter', 'online', 'postal'] as const, 'kênh nộp').optional().describe('Submission channels, comma-separated'),
    receivedFrom: bound('from').optional().describe('Received at or after: a date (local day) or an instant with offset'),
    receivedTo: bound('to').optional().describe('Received before: an instant, or a date (that whole local day included)'),
    dueFrom: bound('from').optional().describe('Due (legal due date) at or after'),
    dueTo: bound('to').optional().describe('Due before: an instant, or a date (that whole local day included)'),
    q: single(100).optional().describe('Search in the dossier code, the applicant’s ID number and name, ignoring case and diacritics ("nguyen van an" finds "Nguyễn Văn An")'),
    sort: oneOf(LIST_SORTS).optional().describe('due (default), received, submitted or code; rows without the key come last'),
    order: oneOf(['asc', 'desc']).optional().describe('asc (default) or desc'),
    limit: single(6)
      .refine((v) => /^\d{1,6}$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_LIST_LIMIT, { error: `phải là số nguyên từ 1 đến ${MAX_LIST_LIMIT}` })
      .transform(Number)
      .optional()
      .describe(`Dossiers per page (default ${DEFAULT_LIST_LIMIT}, at most ${MAX_LIST_LIMIT})`),
    cursor: single(800).optional().describe('The previous page’s nextCursor, with the same filters and sort'),
  })
  .superRefine((q, ctx) => {
    const range = (from: unknown, to: unknown, field: string) => {
      if (from instanceof Date && to instanceof Date && from >= to) ctx.addIssue({ code: 'custom', path: [field], message: 'phải sau mốc bắt đầu (…From)' });
    };
    range(q.receivedFrom, q.receivedTo, 'receivedTo');
    range(q.dueFrom, q.dueTo, 'dueTo');
  });


export const officersQuery = z.strictObject({
  role: oneOf(OFFICER_ROLES as unknown as [string, ...string[]]).optional().describe('Only officers holding this role in the agency'),
});
export const agencyEidParam = z.strictObject({ eid: z.string().min(1).max(64).describe('Electronic ID of the agency, e.g. 000.20.20.H29') });

// ---------------------------------------------------------------- answers

const time = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/).describe('Việt Nam time with its offset');
const agencyRef = z.strictObject({ eid: z.string(), name: z.string() });
const roleRef = z.strictObject({ role: z.enum(OFFICER_ROLES as unknown as [string, ...string[]]), label: z.string() });

export const meResponse = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('officer'),
    id: z.number().int(),
    username: z.string(),
    fullName: z.string(),
    agencies: z.array(z.strictObject({ eid: z.string(), name: z.string(), roles: z.array(roleRef) })).describe('The agencies where the token gives a role, with those roles'),
  }),
  z.strictObject({ kind: z.literal('citizen'), idNumber: z.string(), fullName: z.string().nullable() }),
]).meta({ id: 'Me' });

export const worklistItem = z.strictObject({
  code: z.string(),
  agency: agencyRef,
  procedure: z.strictObject({ code: z.string(), name: z.string() }),
  channel: z.enum(['counter', 'online', 'postal']),
  deliveryMethod: z.enum(['online', 'counter', 'postal']),
  status: z.strictObject({ code: z.string(), label: z.string() }),
  queue: z.enum(QUEUE_KEYS as unknown as [string, ...string[]]).nullable(),
  applicant: z.strictObject({ fullName: z.string(), idNumber: z.string() }),
  assignee: z.strictObject({ id: z.number().int(), username: z.string(), fullName: z.string() }).nullable(),
  currentStep: z
    .strictObject({
      step: z.enum(HANDOFF_STEPS),
      label: z.string(),
      holder: z.string().nullable().describe('The officer or unit holding it (one-stop counter, leaders, the applicant, the post)'),
      holderId: z.number().int().nullable(),
      dueAt: time.nullable(),
    })
    .nullable(),
  routedStep: z
    .strictObject({
      key: z.string(),
      name: z.string(),
      unit: z.string().describe('The unit holding the step'),
      role: z.string().describe('The role that acts there'),
      agencyEid: z.string().describe('The agency whose officers act (the lead agency, or an inter-agency leg’s)'),
      dueAt: time.nullable(),
    })
    .nullable()
    .describe('Routed dossiers (internal procedure as data): the step of the pinned version; null on the fixed path'),
  submittedAt: time,
  receivedAt: time.nullable(),
  dueAt: time.nullable().describe('The legal due date (the appointment on older rows)'),
  appointmentAt: time.nullable(),
  deadlineState: z.string().nullable(),
  pausedSince: time.nullable(),
  reappointed: z.boolean(),
  feeStatus: z.enum(['none', 'unpaid', 'paid']).nullable(),
}).meta({ id: 'WorklistItem' });

export const worklistResponse = z.strictObject({
  agencies: z.array(agencyRef).describe('The agencies listed'),
  sort: z.enum(LIST_SORTS),
  order: z.enum(['asc', 'desc']),
  limit: z.number().int(),
  total: z.number().int().describe('Dossiers of the whole filtered list, whatever the page'),
  nextCursor: z.string().nullable().describe('The next page (null on the last)'),
  queues: z
    .array(
      z.strictObject({
        key: z.enum(QUEUE_KEYS as unknown as [string, ...string[]]),
        label: z.string(),
        statuses: z.array(z.string()),
        count: z.number().int(),
        mine: z.number().int().describe('Of those, assigned to the caller'),
      }),
    )
    .describe('Every queue of the listed agencies, whatever the other filters: the count equals the total of the list filtered by queue=<key>'),
  dossiers: z.array(worklistItem),
}).meta({ id: 'Worklist' });

export const officersResponse = z.strictObject({
  agency: agencyRef,
  role: z.string().nullable(),
  officers: z.array(
    z.strictObject({
      id: z.number().int(),
      username: z.string(),
      fullName: z.string(),
      roles: z.array(roleRef),
      openLoad: z.number().int().describe('Open dossiers (received, not yet decided) assigned to them, in every agency: what the automatic assignment weighs'),
      openLoadInAgency: z.number().int(),
    }),
  ),
}).meta({ id: 'AgencyOfficers' });

// ---------------------------------------------------------------- live queues

export const dossierEventsQuery = z.strictObject({
  agency: single(64).optional().describe('Electronic ID of one agency (default: every agency whose worklist the caller reads, as GET /api/v1/dossiers)'),
});

/** The `data` of a `dossier` event: a dossier of the caller's agencies changed. */
export const queueChangeEvent = z.strictObject({
  code: z.string().describe('The dossier'),
  agency: z.string().describe('Its agency’s electronic ID'),
  status: z.string().describe('Its status now'),
  step: z.enum(HANDOFF_STEPS).nullable().describe('Where it waits now (the open step of the process-control sheet)'),
  version: z.number().int().describe('The agency’s change counter as this change saw it: one up per change, though two changes committed together may carry the same number (an ETag of the worklist made before it is stale)'),
}).meta({ id: 'QueueChangeEvent' });

/** The `data` of the `ready` event, first on every stream: the changes of these agencies follow. */
export const queueStreamReady = z.strictObject({
  agencies: z.array(agencyRef),
  heartbeatSeconds: z.number().int(),
}).meta({ id: 'QueueStreamReady' });
