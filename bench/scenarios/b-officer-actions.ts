import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { loadAgencyCalendar } from '../../db/repositories/calendars';
import { SERVER_TIMING_PARTS, type ServerTimingPart } from '../../api/server-timing';
import { SEED_PROCEDURES } from '../../db/seeds/03_procedures';
import { visitEnd, visitStart, type VisitWindow } from '../../domain/site-visit';
import { pdf } from '../../test/helpers/document-fixtures';
import { visitStartingNow } from '../../test/helpers/site-visits';
import { baselineOfficeWorkflow, durableOfficeWorkflow, type CapturedStep } from '../baseline/workflows';
import { captureHistory, type CapturedHistory } from '../lib/captured';
import { cpuMark, cpuSince } from '../lib/cpu';
import { workflowUpdatePhases, type SentUpdate, type UpdatePhases } from '../lib/update-phases';
import { expectCall, type Answer } from '../lib/http';
import { table } from '../lib/result';
import { citizenToken, officerToken } from '../lib/stack';
import { LiveQueue } from '../lib/live-queue';
import { fmt, pool, ratio, sleep, summarize, summarizeSome, type Summary } from '../lib/stats';
import type { BenchSystem } from '../lib/system';

/**
 * Issue 18, target 1: every officer action answers within 1.3× the round trip of a bare Update
 * (one that runs no activity), at p50 and p99, with 20 concurrent officers.
 *
 * System: simulated officers over HTTP to the real API (bearer token, an Idempotency-Key on every
 * action as the console sends it), timed from the request to the last byte of the answer — what
 * the officer waits for. Each lane takes one dossier at a time through one of the paths below, in
 * turn, so that together they exercise every officer action. What the officer does not wait for
 * is not timed: the citizen's submission and supplement, the upload of the visit's minutes, and the
 * lane's polls of `GET /dossiers/{code}` until the dossier shows what the next officer needs (the
 * specialist assigned — acceptance may answer before the assignment is made —, the fee due
 * recorded, the result waiting at the counter).
 *
 * Baseline: `baselineOfficeWorkflow` on its own worker, driven with the Temporal client
 * (`executeUpdate`) from the same harness, the same number of lanes: for each path, the Updates a
 * real dossier of that path received in this run's warm-up, by their real names, with the
 * commands the API sent them, answered at once with the views the real workflow answered.
 */

type PathName = 'online' | 'counter' | 'verification' | 'supplement' | 'refusal' | 'assign' | 'claim';
export const PATHS: PathName[] = ['online', 'counter', 'verification', 'supplement', 'refusal', 'assign', 'claim'];

/** The officer actions, as reported, and the Update of the dossier workflow each one sends. */
export const ACTIONS = {
  accept: { label: 'accept at intake', update: 'acceptIntake' },
  intakeSupplement: { label: 'supplement request at intake', update: 'requestIntakeSupplement' },
  refuse: { label: 'refuse at intake', update: 'refuseIntake' },
  payment: { label: 'payment at the counter', update: 'recordPayment' },
  assign: { label: 'leader assigns', update: 'assign' },
  release: { label: 'specialist releases', update: 'release' },
  claim: { label: 'specialist claims', update: 'claim' },
  schedule: { label: 'verification scheduled', update: 'scheduleVerification' },
  record: { label: 'verification recorded', update: 'recordVerification' },
  propose: { label: 'proposal', update: 'proposeDecision' },
  decide: { label: 'decision', update: 'decide' },
  handover: { label: 'hand-over at the counter', update: 'handOverResult' },
} as const;
export type ActionKey = keyof typeof ACTIONS;
const ACTION_BY_UPDATE = new Map<string, ActionKey>(Object.entries(ACTIONS).map(([k, v]) => [v.update, k as ActionKey]));

interface PathSpec {
  procedure: string;
  agency: string;
  delivery: 'online' | 'counter';
  /** What the path shows. */
  what: string;
}
export const PATH_SPECS: Record<PathName, PathSpec> = {
  online: { procedure: 'TP-SAOSOGOC', agency: '000.20.20.H29', delivery: 'online', what: 'no fee, result online: accept, proposal, decision' },
  counter: { procedure: 'KT-HKD', agency: '000.20.20.H29', delivery: 'counter', what: 'fee paid at the counter, result handed over at the counter: payment, accept, proposal, decision, hand-over' },
  verification: { procedure: 'CA-THUONGTRU', agency: '000.20.21.H29', delivery: 'online', what: 'on-site verification in its catalogue, fee paid at the counter: payment, accept, verification scheduled (by the specialist in working hours, else by the leader with the reason) and recorded with its minutes, proposal, decision' },
  supplement: { procedure: 'TP-SAOSOGOC', agency: '000.20.20.H29', delivery: 'online', what: 'supplement request at intake, the citizen supplements, accept, proposal, decision' },
  refusal: { procedure: 'TP-SAOSOGOC', agency: '000.20.20.H29', delivery: 'online', what: 'refused at intake' },
  assign: { procedure: 'TP-SAOSOGOC', agency: '000.20.20.H29', delivery: 'online', what: 'accept, the leader reassigns to the other specialist, proposal, decision' },
  claim: { procedure: 'TP-SAOSOGOC', agency: '000.20.20.H29', delivery: 'online', what: 'accept, the specialist releases, the other claims, proposal, decision' },
};

/** The officers of each agency the paths use. */
const STAFF: Record<string, { oneStop: string; leader: string; specialists: string[] }> = {
  '000.20.20.H29': { oneStop: 'motcua.saigon', leader: 'lanhdao.saigon', specialists: ['chuyenvien.saigon1', 'chuyenvien.saigon2'] },
  '000.20.21.H29': { oneStop: 'motcua.saigon', leader: 'truongcongan.saigon', specialists: ['canbo.congan.saigon'] },
};

const FINAL = new Set(['COMPLETED', 'REFUSED_AT_INTAKE']);

export interface ActionRun {
  lanes: number;
  dossiers: number;
  seconds: number;
  failures: number;
  /** Round-trip times by action (ms). */
  timings: Partial<Record<ActionKey, number[]>>;
  /** System side: each answer's parts by action, from its `Server-Timing` (api/server-timing.ts). */
  parts?: Partial<Record<ActionKey, AnswerParts[]>>;
  /** The floor's side: its Update's own time by action, from its server's `Server-Timing`. */
  updates?: Partial<Record<ActionKey, number[]>>;
  /** System side: each Update's phases inside the engine, read from the dossiers' histories (bench/lib/update-phases.ts). */
  engine?: Partial<Record<ActionKey, UpdatePhases[]>>;
  /** The machine's CPU over the run, when the scenario names the processes (`OfficerActions.machine`). */
  cpu?: MachineCpu;
  /** System side: how the lanes' untimed waits for the next step ended (bench/lib/live-queue.ts). */
  liveWaits?: { changed: number; fallback: number };
}

/** CPU time by process over one run (ms; from /proc, with `postgres` and `harness`) and the run's wall time. */
export interface MachineCpu {
  byProcess: Record<string, number>;
  wallMs: number;
}

/** One side's machine CPU pooled over the rounds, per timed action. */
export interface SideCpu {
  actions: number;
  /** Milliseconds of CPU per timed action, by process, and in all. */
  perAction: Record<string, number>;
  total: number;
  /** CPU over wall time: how many of the machine's cores the side kept busy. */
  busyCores: number;
}

/** Where one answer's time went: the API's metrics, and what lies outside them (HTTP, the wire, the harness). */
type AnswerParts = Record<ServerTimingPart | 'outside', number>;

/** An Update sent for an action, to find in its workflow's history after the run. */
type SentAction = { key: ActionKey; update: SentUpdate };
const PART_LABELS: Record<ServerTimingPart | 'outside', string> = {
  before: 'before the Update (token, dossier, checks, key)',
  update: 'the Update',
  answer: 'the answer built',
  stored: 'the answer stored with its key',
  outside: 'outside the API (HTTP, wire, harness)',
};

export interface OfficerFigures {
  system: Partial<Record<ActionKey, Summary>>;
  baseline: Partial<Record<ActionKey, Summary>>;
  /** Every officer action's Update of the baseline, pooled: the bare Update. */
  bare: Summary;
  allSystem: Summary;
  worstP50: { action: ActionKey; ratio: number } | null;
  worstP99: { action: ActionKey; ratio: number } | null;
  rounds: OfficerRound[];
  missing: ActionKey[];
  /** The reference: the bare Update through the minimal HTTP server, every officer Update pooled. */
  httpBare: Summary | null;
  /** The floor: the minimal durable action (bench/durable-update-server.ts), every officer Update pooled. */
  floor: Summary | null;
  /** System side, from each answer's `Server-Timing`: each part's percentiles by action and pooled, and the Update's share of the round trip. */
  parts: { byAction: Partial<Record<ActionKey, PartsSummary>>; all: PartsSummary | null; floorUpdate: Summary | null };
  /** System side, from the dossiers' histories: each Update's phases inside the engine, by action and pooled. */
  engine: { byAction: Partial<Record<ActionKey, EngineSummary>>; all: EngineSummary | null; floor: EngineSummary | null };
  /** The machine's CPU per timed action of each side (absent when not measured). */
  machine: { system: SideCpu | null; bare: SideCpu | null; http: SideCpu | null; floor: SideCpu | null };
  /** Every officer action's percentile over the floor's, and the worst action's. */
  vsFloor: { every: { p50: number; p99: number }; worstP50: { action: ActionKey; ratio: number } | null; worstP99: { action: ActionKey; ratio: number } | null } | null;
}

const PHASES = ['toTask', 'queued', 'inWorker', 'back'] as const;
const PHASE_LABELS: Record<(typeof PHASES)[number], string> = {
  toTask: 'to a task',
  queued: 'queued for the worker',
  inWorker: 'in the worker',
  back: 'back to the officer',
};

interface EngineSummary {
  n: number;
  phases: Record<(typeof PHASES)[number], Summary>;
  /** Updates that waited for their run's first workflow task to finish, or rode it. */
  firstTask: { waited: number; rode: number };
  /** Updates answered in the workflow task that accepted them. */
  oneTask: number;
  /** Of *in the worker*: from the Update's last local activity done to its task done (Updates that ran one). */
  afterLocal: Summary | null;
  /** The run's first task that the Updates which rode or waited for it met: queued, then in the worker. */
  runFirstTask: { queued: Summary; inWorker: Summary } | null;
}

interface PartsSummary {
  n: number;
  parts: Record<ServerTimingPart | 'outside', Summary>;
  /** The Update's time over the whole round trip, summed over the answers. */
  updateShare: number;
}

export interface OfficerRound {
  round: number;
  system: ActionRun;
  baseline: ActionRun;
  http?: ActionRun;
  /** The minimal durable action, through bench/durable-update-server.ts. */
  durable?: ActionRun;
}

/** Who sends each action's Update to the floor's server (a real officer's token, verified as the API does). */
const FLOOR_SENDER: Record<ActionKey, 'oneStop' | 'leader' | 'specialist'> = {
  accept: 'oneStop',
  intakeSupplement: 'oneStop',
  refuse: 'oneStop',
  payment: 'oneStop',
  handover: 'oneStop',
  assign: 'leader',
  decide: 'leader',
  release: 'specialist',
  claim: 'specialist',
  schedule: 'specialist',
  record: 'specialist',
  propose: 'specialist',
};

export class OfficerActions {
  private tokens = new Map<string, string>();
  private userIds = new Map<number, string>();
  private seq = 0;
  /** The last real dossier of each path: its Updates are what the baseline replays. */
  readonly samples = new Map<PathName, string>();
  captured = new Map<PathName, CapturedHistory>();
  private live: LiveQueue | null = null;
  /** The parts of the system run under way (systemRun), by action. */
  private parts: NonNullable<ActionRun['parts']> = {};
  /** The system run's actions by dossier code: when each was sent and answered, to find its Update in the history. */
  private sent = new Map<string, SentAction[]>();
  /**
   * The processes whose CPU each run counts (the stack's and the reference servers'), set by the
   * scenario; PostgreSQL's backends of the bench database and the harness are counted with them.
   */
  machine: (() => Record<string, number | undefined>) | null = null;

  constructor(
    private readonly sys: BenchSystem,
    private readonly baseUrl: string,
  ) {}

  async init(): Promise<void> {
    // The one-stop officer's live queue (every agency of the paths): what the lanes wait on.
    this.live = await LiveQueue.open(this.baseUrl, await officerToken(this.sys.db, 'motcua.saigon'));
    for (const s of Object.values(STAFF)) {
      for (const u of [s.oneStop, s.leader, ...s.specialists]) {
        if (this.tokens.has(u)) continue;
        this.tokens.set(u, await officerToken(this.sys.db, u));
        const row = await this.sys.db('users').where('username', u).first('id');
        this.userIds.set(Number(row.id), u);
      }
    }
  }

  private token(user: string): string {
    const t = this.tokens.get(user);
    if (!t) throw new Error(`no token for ${user}`);
    return t;
  }

  private async get(code: string): Promise<any> {
    return (await expectCall([200], 'GET', `${this.baseUrl}/api/v1/dossiers/${encodeURIComponent(code)}`, { token: this.token('motcua.saigon') })).body;
  }

  /**
   * Reads the dossier (not timed: the officer is not waiting on an action) until `ok`, again each
   * time the live queue says it changed (bench/lib/live-queue.ts), as the console learns it.
   */
  private async waitFor(code: string, what: string, ok: (d: any) => boolean, timeoutMs = 120_000): Promise<any> {
    let last: any;
    try {
      return await this.live!.until(code, what, async () => (last = await this.get(code)), ok, { timeoutMs });
    } catch (err) {
      throw new Error(`${(err as Error).message} (status ${last?.status?.code}, assignee ${JSON.stringify(last?.assignee)})`);
    }
  }

  /** Stops listening to the live queue (at the end of the scenario). */
  close(): void {
    this.live?.close();
  }

  private assigneeName(d: any): string | null {
    const id = d.assignee?.userId;
    return id ? (this.userIds.get(Number(id)) ?? null) : null;
  }

  /** One officer action over HTTP, timed as the officer waits for it. */
  private async act(timings: ActionRun['timings'], key: ActionKey, user: string, code: string, path: string, body: unknown): Promise<Answer> {
    const idempotencyKey = randomUUID();
    const sentAt = performance.timeOrigin + performance.now();
    const a = await expectCall([200, 201], 'POST', `${this.baseUrl}/api/v1/dossiers/${encodeURIComponent(code)}/${path}`, {
      token: this.token(user),
      headers: { 'idempotency-key': idempotencyKey },
      body,
    });
    const answeredAt = performance.timeOrigin + performance.now();
    (timings[key] ??= []).push(a.ms);
    // The API's update ids: `…:<Idempotency-Key>` for an officer action, `payment:<id>` for a payment (payments/payments.ts).
    const paymentId = key === 'payment' ? String(a.body?.paymentId) : null;
    const matches = paymentId ? (id: string) => id === `payment:${paymentId}` : (id: string) => id.endsWith(`:${idempotencyKey}`);
    let mine = this.sent.get(code);
    if (!mine) this.sent.set(code, (mine = []));
    mine.push({ key, update: { matches, sentAt, answeredAt } });
    const t = a.serverTiming;
    if (SERVER_TIMING_PARTS.every((p) => t[p] !== undefined)) {
      const inside = SERVER_TIMING_PARTS.reduce((sum, p) => sum + t[p]!, 0);
      (this.parts[key] ??= []).push({ before: t.before!, update: t.update!, answer: t.answer!, stored: t.stored!, outside: a.ms - inside });
    }
    return a;
  }

  /** One dossier through `name`, as the citizen and the officers do it over HTTP. Returns its code. */
  async runPath(name: PathName, timings: ActionRun['timings']): Promise<string> {
    const spec = PATH_SPECS[name];
    const staff = STAFF[spec.agency]!;
    const proc = SEED_PROCEDURES.find((p) => p.code === spec.procedure)!;
    this.seq += 1;
    const idNumber = `0795${String(process.pid % 10_000).padStart(4, '0')}${String(this.seq).padStart(4, '0')}`;
    const citizen = await citizenToken(idNumber, 'Nguyễn Thị Hoa');
    const documents = proc.documents.filter((d) => typeof d === 'string' || d.required !== false).map((d) => ({ name: typeof d === 'string' ? d : d.name }));
    const submitted = await expectCall([201], 'POST', `${this.baseUrl}/api/v1/dossiers`, {
      token: citizen,
      headers: { 'idempotency-key': randomUUID() },
      body: { procedureCode: spec.procedure, agencyEid: spec.agency, deliveryMethod: spec.delivery, applicant: { fullName: 'Nguyễn Thị Hoa', idNumber, phone: '0912345678' }, documents },
    });
    const code = submitted.body.code as string;
    const enc = encodeURIComponent(code);
    const one = staff.oneStop;

    if (name === 'counter' || name === 'verification') {
      // The fee due is fixed once the submission is recorded.
      const due = await this.live!.until(
        code,
        'with its fee due recorded',
        async () => (await expectCall([200], 'GET', `${this.baseUrl}/api/v1/dossiers/${enc}/payments`, { token: this.token(one) })).body,
        (x: any) => x.feeStatus !== null && x.feeStatus !== undefined,
        { timeoutMs: 60_000 },
      );
      if (due.feeStatus === 'unpaid') await this.act(timings, 'payment', one, code, 'payments', { method: 'cash', amountVnd: due.feeDueVnd });
    }
    if (name === 'refusal') {
      await this.act(timings, 'refuse', one, code, 'intake/refuse', { reasons: ['Giấy tờ tùy thân đã hết hạn sử dụng'] });
      return code;
    }
    if (name === 'supplement') {
      await this.act(timings, 'intakeSupplement', one, code, 'intake/supplement-request', { items: ['Bản sao giấy khai sinh'], deadlineWorkingDays: 15 });
      await expectCall([200], 'POST', `${this.baseUrl}/api/v1/citizen/dossiers/${enc}/supplement`, { token: citizen, body: { documents: [{ name: 'Bản sao giấy khai sinh' }] } });
      await this.waitFor(code, 'back at intake', (d) => d.status?.code === 'SUBMITTED');
    }
    await this.act(timings, 'accept', one, code, 'intake/accept', {});
    // The assignment may continue after the acceptance's answer: the specialist acts once it shows.
    let d = await this.waitFor(code, 'assigned', (x) => this.assigneeName(x) !== null);
    let specialist = this.assigneeName(d)!;
    if (name === 'assign') {
      const other = staff.specialists.find((s) => s !== specialist) ?? specialist;
      await this.act(timings, 'assign', staff.leader, code, 'assignment', { specialist: other, note: 'Điều phối theo khối lượng công việc' });
      d = await this.waitFor(code, `assigned to ${other}`, (x) => this.assigneeName(x) === other);
      specialist = other;
    }
    if (name === 'claim') {
      await this.act(timings, 'release', specialist, code, 'release', { note: 'Đang nghỉ phép' });
      await this.waitFor(code, 'released', (x) => !x.assignee);
      const other = staff.specialists.find((s) => s !== specialist) ?? specialist;
      await this.act(timings, 'claim', other, code, 'claim', {});
      await this.waitFor(code, `claimed by ${other}`, (x) => this.assigneeName(x) === other);
      specialist = other;
    }
    if (name === 'verification') {
      const minutes = await this.upload(code, 'Biên bản xác minh', specialist);
      const visit = await visitStartingNow();
      const inHours = await this.withinWorkingHours(spec.agency, visit);
      const place = '12 Lê Lợi, Phường Sài Gòn';
      await this.act(
        timings,
        'schedule',
        inHours ? specialist : staff.leader,
        code,
        'verification',
        inHours
          ? { visit: { ...visit, place, officers: ['Đặng Minh Khoa'] }, purpose: 'Xác minh chỗ ở hợp pháp' }
          : { visit: { ...visit, place, officers: ['Đặng Minh Khoa'] }, purpose: 'Xác minh chỗ ở hợp pháp', exceptionReason: 'Chủ hộ chỉ có mặt ngoài giờ hành chính' },
      );
      await this.act(timings, 'record', specialist, code, 'verification/record', { outcome: 'confirmed', findings: 'Chỗ ở đúng như hồ sơ', attachments: [{ name: 'Biên bản xác minh', fileId: minutes }] });
    }
    await this.act(timings, 'propose', specialist, code, 'review/proposal', { proposal: 'approve' });
    await this.act(timings, 'decide', staff.leader, code, 'decision', { decision: 'approve' });
    if (spec.delivery === 'counter') {
      await this.waitFor(code, 'waiting at the counter', (x) => (x.allowedActions ?? []).includes('handOverResult'));
      await this.act(timings, 'handover', one, code, 'result/handover', { receivedBy: 'Nguyễn Thị Hoa, CCCD ...' + idNumber.slice(-4) });
    }
    return code;
  }

  private async upload(code: string, name: string, user: string): Promise<string> {
    const form = new FormData();
    form.append('name', name);
    form.append('file', new Blob([new Uint8Array(pdf())], { type: 'application/pdf' }), `${name}.pdf`);
    const res = await fetch(`${this.baseUrl}/api/v1/dossiers/${encodeURIComponent(code)}/documents`, { method: 'POST', body: form, headers: { authorization: `Bearer ${this.token(user)}` } });
    const body = (await res.json()) as { id?: string };
    if (res.status !== 201 || !body.id) throw new Error(`upload ${code}: ${res.status} ${JSON.stringify(body)}`);
    return body.id;
  }

  /** As `dossiers/verification.ts` judges it: does the visit lie wholly in the agency's working hours? */
  private async withinWorkingHours(agencyEid: string, visit: VisitWindow): Promise<boolean> {
    const calendar = await loadAgencyCalendar(this.sys.db, agencyEid);
    const start = new Date(visitStart(visit));
    const end = new Date(visitEnd(visit));
    return calendar.workingTimeBetween(start, end) === end.getTime() - start.getTime();
  }

  /** `count` dossiers over `lanes` concurrent officers, each lane taking the paths in turn; ends when every dossier is final. */
  async systemRun(count: number, lanes: number, onDossier?: (path: PathName, code: string) => void): Promise<ActionRun> {
    const timings: ActionRun['timings'] = {};
    this.parts = {};
    this.sent = new Map();
    let failures = 0;
    const codes: string[] = [];
    const waitsBefore = { ...this.live!.waits };
    const machine = await this.markMachine();
    const started = performance.now();
    await pool(Array.from({ length: count }, (_, i) => PATHS[i % PATHS.length]!), lanes, async (path) => {
      try {
        const code = await this.runPath(path, timings);
        codes.push(code);
        this.samples.set(path, code);
        onDossier?.(path, code);
      } catch (err) {
        failures += 1;
        this.sys.ctx.log(`b: officer path ${path} failed: ${(err as Error).message}`);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const liveWaits = { changed: this.live!.waits.changed - waitsBefore.changed, fallback: this.live!.waits.fallback - waitsBefore.fallback };
    // Whatever continues after the answers (delivery, notifications) ends before the next run.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const rows: Array<{ status: string }> = await this.sys.db('dossiers').whereIn('code', codes).select('status');
      if (rows.every((r) => FINAL.has(r.status)) || Date.now() > deadline) break;
      await sleep(250);
    }
    // The follow-ups and relays the actions caused count with them; the history reads below do not.
    const cpu = await machine?.();
    return { lanes, dossiers: count, seconds, failures, timings, parts: this.parts, engine: await this.engineParts(codes), liveWaits, ...(cpu ? { cpu } : {}) };
  }

  /** Each action's Update found in its dossier's history, split into its phases (after the run: not timed). */
  private async engineParts(codes: string[]): Promise<NonNullable<ActionRun['engine']>> {
    const rows: Array<{ code: string; workflow_id: string }> = await this.sys.db('dossiers').whereIn('code', codes).select('code', 'workflow_id');
    return updatePhasesByAction(
      this.sys,
      rows.map((row) => [row.workflow_id, this.sent.get(row.code) ?? []]),
    );
  }

  /** Starts counting the machine's CPU; the function returned ends the count. */
  private async markMachine(): Promise<(() => Promise<MachineCpu>) | null> {
    if (!this.machine) return null;
    const database = new URL(this.sys.dbUrl).pathname.slice(1);
    const started = performance.now();
    const mark = await cpuMark(this.sys.db, database, this.machine());
    return async () => ({ byProcess: await cpuSince(this.sys.db, database, mark), wallMs: performance.now() - started });
  }

  /** Reads the Updates each sample dossier received (name, command, view): what the baseline replays. */
  async capture(): Promise<void> {
    for (const path of PATHS) {
      const code = this.samples.get(path);
      if (!code) continue;
      const row = await this.sys.db('dossiers').where('code', code).first('workflow_id');
      this.captured.set(path, await captureHistory(this.sys.client, row.workflow_id));
    }
  }

  /**
   * The same paths as bare Updates: `count` baseline workflows over `lanes` lanes, each replaying
   * its path's captured Updates, sent with the harness's Temporal client or, given `viaHttp`,
   * through the bare-Update HTTP server (`bench/bare-update-server.ts`, a reference). Given
   * `durable`, the workflow is `durableOfficeWorkflow` (one local activity writing the event row)
   * and `viaHttp` is the floor's server (`bench/durable-update-server.ts`): each Update is sent with
   * the bearer token of an officer of the action's role and an `Idempotency-Key`, as the console does.
   */
  async baselineRun(count: number, lanes: number, tag: string, viaHttp?: string, durable = false): Promise<ActionRun> {
    const timings: ActionRun['timings'] = {};
    const floorUpdates: NonNullable<ActionRun['updates']> = {};
    // The floor's Updates by workflow, read from the histories after the run (as the system's: engineParts), not while other lanes are timed.
    const floorSent = new Map<string, SentAction[]>();
    let failures = 0;
    const machine = await this.markMachine();
    const started = performance.now();
    const paths = Array.from({ length: count }, (_, i) => PATHS[i % PATHS.length]!).filter((p) => this.captured.has(p));
    await pool(paths, lanes, async (path, i) => {
      try {
        const updates = this.captured.get(path)!.updates;
        const steps: CapturedStep[] = updates.map((u) => ({ update: u.update, view: u.view }));
        const handle = await this.sys.client.workflow.start(durable ? durableOfficeWorkflow : baselineOfficeWorkflow, {
          taskQueue: this.sys.baselineTaskQueue,
          workflowId: `bench-office-${this.sys.ctx.runId}-${tag}${durable ? '-durable' : viaHttp ? '-http' : ''}-${i}`,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          args: [{ code: `${tag}-${i}`, steps }],
        });
        // The floor's Updates, to find in its history (as the system's: engineParts).
        const sent: SentAction[] = [];
        for (const u of updates) {
          const key = ACTION_BY_UPDATE.get(u.update);
          const url = `${viaHttp}/workflows/${encodeURIComponent(handle.workflowId)}/updates/${u.update}`;
          const t = performance.now();
          if (viaHttp && durable) {
            const staff = STAFF['000.20.20.H29']!;
            const role = key ? FLOOR_SENDER[key] : 'oneStop';
            const user = role === 'specialist' ? staff.specialists[0]! : staff[role];
            const idempotencyKey = randomUUID();
            const sentAt = performance.timeOrigin + performance.now();
            const a = await expectCall([200], 'POST', url, { token: this.token(user), headers: { 'idempotency-key': idempotencyKey }, body: { command: u.command } });
            if (key && a.serverTiming.update !== undefined) (floorUpdates[key] ??= []).push(a.serverTiming.update);
            if (key) sent.push({ key, update: { matches: (id) => id === idempotencyKey, sentAt, answeredAt: performance.timeOrigin + performance.now() } });
          } else if (viaHttp) await expectCall([200], 'POST', url, { body: { command: u.command } });
          else await handle.executeUpdate<unknown, [unknown]>(u.update, { args: [u.command] });
          const ms = performance.now() - t;
          if (key) (timings[key] ??= []).push(ms);
        }
        await handle.result();
        if (sent.length) floorSent.set(handle.workflowId, sent);
      } catch (err) {
        failures += 1;
        this.sys.ctx.log(`b: baseline office path ${path} failed: ${(err as Error).message}`);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = await machine?.();
    const floorEngine = viaHttp && durable ? await updatePhasesByAction(this.sys, [...floorSent]) : undefined;
    return { lanes, dossiers: paths.length, seconds, failures, timings, ...(floorEngine ? { updates: floorUpdates, engine: floorEngine } : {}), ...(cpu ? { cpu } : {}) };
  }
}

/**
 * Each workflow's Updates found in its history (4 histories read at a time) and split into their
 * phases, by action. A history that cannot be read is logged and skipped, not a failed round.
 */
async function updatePhasesByAction(
  sys: BenchSystem,
  workflows: Array<[workflowId: string, sent: SentAction[]]>,
): Promise<NonNullable<ActionRun['engine']>> {
  const engine: NonNullable<ActionRun['engine']> = {};
  await pool(workflows, 4, async ([workflowId, sent]) => {
    try {
      const phases = await workflowUpdatePhases(sys.client, workflowId, sent.map((x) => x.update));
      phases.forEach((p, i) => {
        if (p) (engine[sent[i]!.key] ??= []).push(p);
      });
    } catch (err) {
      sys.ctx.log(`b: history of ${workflowId} unread: ${(err as Error).message}`);
    }
  });
  return engine;
}

/** One side's machine CPU pooled over the rounds that measured it, per timed action. */
function sideCpu(runs: Array<ActionRun | undefined>): SideCpu | null {
  const measured = runs.filter((r): r is ActionRun & { cpu: MachineCpu } => !!r?.cpu);
  const actions = measured.reduce((n, r) => n + Object.values(r.timings).reduce((m, t) => m + t.length, 0), 0);
  if (!actions) return null;
  const perAction: Record<string, number> = {};
  let cpuMs = 0;
  let wallMs = 0;
  for (const r of measured) {
    wallMs += r.cpu.wallMs;
    for (const [k, ms] of Object.entries(r.cpu.byProcess)) {
      perAction[k] = (perAction[k] ?? 0) + ms / actions;
      cpuMs += ms;
    }
  }
  return { actions, perAction, total: cpuMs / actions, busyCores: cpuMs / wallMs };
}

/** Pools the rounds and compares every action with the bare Update. */
export function officerFigures(rounds: OfficerRound[]): OfficerFigures {
  const keys = Object.keys(ACTIONS) as ActionKey[];
  const pooled = (side: 'system' | 'baseline', k: ActionKey) => rounds.flatMap((r) => r[side].timings[k] ?? []);
  const system: OfficerFigures['system'] = {};
  const baseline: OfficerFigures['baseline'] = {};
  const missing: ActionKey[] = [];
  for (const k of keys) {
    const s = pooled('system', k);
    if (s.length) system[k] = summarize(s);
    else missing.push(k);
    const b = pooled('baseline', k);
    if (b.length) baseline[k] = summarize(b);
  }
  const bare = summarize(keys.flatMap((k) => pooled('baseline', k)));
  const allSystem = summarize(keys.flatMap((k) => pooled('system', k)));
  const worst = (p: 'p50' | 'p99') =>
    keys
      .filter((k) => system[k])
      .map((k) => ({ action: k, ratio: ratio(system[k]![p], bare[p]) }))
      .sort((a, b) => b.ratio - a.ratio)[0] ?? null;
  const httpAll = rounds.flatMap((r) => Object.values(r.http?.timings ?? {}).flat());
  const durableAll = rounds.flatMap((r) => Object.values(r.durable?.timings ?? {}).flat());
  const floor = summarizeSome(durableAll);
  const worstOver = (p: 'p50' | 'p99') =>
    floor
      ? (keys
          .filter((k) => system[k])
          .map((k) => ({ action: k, ratio: ratio(system[k]![p], floor[p]) }))
          .sort((a, b) => b.ratio - a.ratio)[0] ?? null)
      : null;
  const partsOf = (answers: AnswerParts[]): PartsSummary | null => {
    if (!answers.length) return null;
    const whole = answers.reduce((sum, a) => sum + SERVER_TIMING_PARTS.reduce((x, p) => x + a[p], a.outside), 0);
    const parts = Object.fromEntries([...SERVER_TIMING_PARTS, 'outside' as const].map((p) => [p, summarize(answers.map((a) => a[p]))])) as PartsSummary['parts'];
    return { n: answers.length, parts, updateShare: answers.reduce((sum, a) => sum + a.update, 0) / whole };
  };
  const answersOf = (k: ActionKey) => rounds.flatMap((r) => r.system.parts?.[k] ?? []);
  const floorUpdates = rounds.flatMap((r) => Object.values(r.durable?.updates ?? {}).flat());
  const parts: OfficerFigures['parts'] = { byAction: {}, all: partsOf(keys.flatMap(answersOf)), floorUpdate: summarizeSome(floorUpdates) };
  for (const k of keys) {
    const p = partsOf(answersOf(k));
    if (p) parts.byAction[k] = p;
  }
  const engineOf = (list: UpdatePhases[]): EngineSummary | null =>
    list.length
      ? {
          n: list.length,
          phases: Object.fromEntries(PHASES.map((p) => [p, summarize(list.map((x) => x[p]))])) as EngineSummary['phases'],
          firstTask: { waited: list.filter((x) => x.firstTask === 'waited').length, rode: list.filter((x) => x.firstTask === 'rode').length },
          oneTask: list.filter((x) => x.tasks === 1).length,
          afterLocal: summarizeSome(list.flatMap((x) => (x.afterLocal === null ? [] : [x.afterLocal]))),
          runFirstTask: firstTasksMet(list),
        }
      : null;
  const phasesOf = (k: ActionKey) => rounds.flatMap((r) => r.system.engine?.[k] ?? []);
  const engine: OfficerFigures['engine'] = {
    byAction: {},
    all: engineOf(keys.flatMap(phasesOf)),
    floor: engineOf(rounds.flatMap((r) => Object.values(r.durable?.engine ?? {}).flat())),
  };
  for (const k of keys) {
    const e = engineOf(phasesOf(k));
    if (e) engine.byAction[k] = e;
  }
  const vsFloor = floor ? { every: { p50: ratio(allSystem.p50, floor.p50), p99: ratio(allSystem.p99, floor.p99) }, worstP50: worstOver('p50'), worstP99: worstOver('p99') } : null;
  const machine = {
    system: sideCpu(rounds.map((r) => r.system)),
    bare: sideCpu(rounds.map((r) => r.baseline)),
    http: sideCpu(rounds.map((r) => r.http)),
    floor: sideCpu(rounds.map((r) => r.durable)),
  };
  return { system, baseline, bare, allSystem, worstP50: worst('p50'), worstP99: worst('p99'), rounds, missing, httpBare: summarizeSome(httpAll), floor, vsFloor, parts, engine, machine };
}

/** The floor's verdict on target 1: how far the minimal durable action alone lies from 1.3× the bare Update. */
export function floorVerdict(f: OfficerFigures): { p50: number; p99: number; reachable: boolean } | null {
  if (!f.floor) return null;
  const p50 = ratio(f.floor.p50, f.bare.p50);
  const p99 = ratio(f.floor.p99, f.bare.p99);
  return { p50, p99, reachable: p50 <= 1.3 && p99 <= 1.3 };
}

export function officerMarkdown(f: OfficerFigures, lanes: number, perRound: number, durability?: string, commits?: string): string {
  const keys = Object.keys(ACTIONS) as ActionKey[];
  const s3 = (s: Summary | undefined) => (s ? `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}` : '—');
  const rows = keys.map((k) => {
    const s = f.system[k];
    return [
      ACTIONS[k].label,
      `\`${ACTIONS[k].update}\``,
      s?.n ?? 0,
      s3(s),
      s3(f.baseline[k]),
      s ? fmt(ratio(s.p50, f.bare.p50), 2) : '—',
      s ? fmt(ratio(s.p99, f.bare.p99), 2) : '—',
    ];
  });
  rows.push(['**every officer action**', '', f.allSystem.n, s3(f.allSystem), s3(f.bare), fmt(ratio(f.allSystem.p50, f.bare.p50), 2), fmt(ratio(f.allSystem.p99, f.bare.p99), 2)]);
  const roundRows = f.rounds.map((r) => {
    const sAll = summarize(Object.values(r.system.timings).flat());
    const bAll = summarize(Object.values(r.baseline.timings).flat());
    const w = r.system.liveWaits;
    return [r.round, r.system.dossiers, fmt(r.system.seconds, 1), `${fmt(sAll.p50)} / ${fmt(sAll.p99)}`, `${fmt(bAll.p50)} / ${fmt(bAll.p99)}`, `${r.system.failures} / ${r.baseline.failures}`, w ? `${w.changed} / ${w.fallback}` : '—'];
  });
  return [
    `**Officer actions (target 1).** ${lanes} concurrent officers (lanes); each round ${perRound} dossiers per side, the lanes taking the paths in turn: ` +
      PATHS.map((p) => `*${p}* (\`${PATH_SPECS[p].procedure}\` at \`${PATH_SPECS[p].agency}\`, ${PATH_SPECS[p].what})`).join('; ') +
      '. System: each action over HTTP to the real API with a bearer token and an `Idempotency-Key` (as the console sends it), timed from the request to the end of the answer; ' +
      'the citizen\'s submission and supplement, the upload of the visit\'s minutes and the reads of `GET /api/v1/dossiers/{code}` until the dossier shows what the next officer needs (the specialist assigned, which may come after the acceptance\'s answer; the fee due; the result at the counter), read again each time the one-stop officer\'s live queue (`GET /api/v1/dossiers/events`) says the dossier changed, as the console learns of it, are not timed. ' +
      'Bare Update: `baselineOfficeWorkflow` (`bench/baseline/workflows.ts`), driven with the Temporal client (`executeUpdate`, no HTTP), the same lanes and paths; each Update of a real dossier of the path (captured from its history in this run: name, command, answered view) is sent with the same command and answered at once with the same view, no activity. ' +
      'Percentiles pooled over the rounds; the ratios divide each action\'s percentile by the bare Update\'s (all its officer Updates pooled).',
    '',
    table(
      ['round', 'dossiers', 'system seconds', 'system every action p50 / p99 (ms)', 'bare Update p50 / p99 (ms)', 'failures (system / baseline)', "lanes' waits for the next step ended by a change on the live queue / by the 2 s re-read (untimed)"],
      roundRows,
    ),
    '',
    table(['action', 'Update', 'n', 'system (HTTP) p50 / p95 / p99 (ms)', 'same Update bare p50 / p95 / p99 (ms)', 'p50 ÷ bare p50', 'p99 ÷ bare p99'], rows),
    ...(f.missing.length ? ['', `Not exercised in this run: ${f.missing.map((k) => ACTIONS[k].label).join(', ')}.`] : []),
    ...(f.httpBare
      ? [
          '',
          `Reference, not the target's baseline: the same bare Updates sent through \`bench/bare-update-server.ts\` (Express, one \`executeUpdate\`, no authentication, no database), the same lanes and paths, after the Temporal-client side of each round: ` +
            `p50 / p95 / p99 ${fmt(f.httpBare.p50)} / ${fmt(f.httpBare.p95)} / ${fmt(f.httpBare.p99)} ms, ${fmt(ratio(f.httpBare.p50, f.bare.p50), 2)}× / ${fmt(ratio(f.httpBare.p99, f.bare.p99), 2)}× the bare Update's p50 / p99 — what an HTTP hop and a second Node process add before the API does anything.`,
        ]
      : []),
    ...(f.parts.all ? ['', partsMarkdown(f)] : []),
    ...(f.floor ? ['', floorMarkdown(f, durability, commits)] : []),
    ...(f.machine.system && f.machine.bare ? ['', machineMarkdown(f)] : []),
  ].join('\n');
}

const PROCESS_LABELS: Record<string, string> = {
  temporal: 'Temporal',
  worker: 'the worker',
  activityWorker: 'the activities worker',
  baselineWorker: 'the baseline worker',
  api: 'the API',
  bareHttp: "the bare Update's HTTP server",
  floorHttp: "the floor's server",
  postgres: 'PostgreSQL',
  harness: 'the harness',
};

/** One side's CPU per action, its processes from the largest (those under 0.05 ms left out). */
function sideCpuText(c: SideCpu): string {
  const parts = Object.entries(c.perAction)
    .filter(([, ms]) => ms >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([k, ms]) => `${PROCESS_LABELS[k] ?? k} ${fmt(ms, 1)}`)
    .join(', ');
  return `${fmt(c.total, 1)} ms (${parts}; ${fmt(c.busyCores, 2)} cores busy; ${c.actions} actions)`;
}

/** The machine's CPU per officer action of each side: on busy cores, what the round trips queue behind. */
export function machineMarkdown(f: OfficerFigures): string {
  const { system, bare, http, floor } = f.machine;
  const sides = [
    `the system ${sideCpuText(system!)}`,
    `the bare Update ${sideCpuText(bare!)}`,
    ...(http ? [`the bare Update over HTTP ${sideCpuText(http)}`] : []),
    ...(floor ? [`the floor ${sideCpuText(floor)}`] : []),
  ];
  return (
    `**The machine's CPU per officer action** (from \`/proc\`: the stack's processes — the Temporal server, the workers, the API, the reference servers — PostgreSQL's backends of the bench database and the harness (not Redis, a service of the machine that only the system's side uses), over each side's run, divided by the actions it timed; ` +
    `the system's run also counts what its lanes cause untimed: the citizens' submissions and supplements, the reads until the next officer can act, the follow-ups after the answers and the relays): ${sides.join('; ')}. ` +
    `The system's is ${fmt(ratio(system!.total, bare!.total), 2)}× the bare Update's${floor ? ` and ${fmt(ratio(system!.total, floor.total), 2)}× the floor's` : ''}. ` +
    `On a machine whose cores the lanes keep busy, an action's round trip is mostly its wait for a core, and that wait grows with the CPU that every action takes: the lanes complete as many actions a second as the busy cores divided by the CPU per action.`
  );
}

/** Where the system's actions spent their time, from the API's `Server-Timing` on each answer. */
function partsMarkdown(f: OfficerFigures): string {
  const keys = (Object.keys(ACTIONS) as ActionKey[]).filter((k) => f.system[k]);
  const all = f.parts.all!;
  const cells = (p: PartsSummary | undefined) =>
    p ? [p.n, ...[...SERVER_TIMING_PARTS, 'outside' as const].map((x) => `${fmt(p.parts[x].p50)} / ${fmt(p.parts[x].p99)}`), `${fmt(p.updateShare * 100, 0)} %`] : [0, '—', '—', '—', '—', '—', '—'];
  const unmeasured = keys.filter((k) => !f.parts.byAction[k]).map((k) => ACTIONS[k].label);
  return [
    `**Where the system's actions spend their time** (the API's \`Server-Timing\` on each answer, \`api/server-timing.ts\`; the rest of the harness's round trip is *outside the API*): ` +
      `the Update is ${fmt(all.updateShare * 100, 0)} % of every officer action's time (p50 / p99 ${fmt(all.parts.update.p50)} / ${fmt(all.parts.update.p99)} ms, against ${fmt(all.parts.before.p50)} / ${fmt(all.parts.before.p99)} ms before it and ${fmt(all.parts.stored.p50)} / ${fmt(all.parts.stored.p99)} ms to store the answer with its key). ` +
      (f.parts.floorUpdate
        ? `The floor's Update (below: one local activity, one INSERT), timed the same way by its server: p50 / p99 ${fmt(f.parts.floorUpdate.p50)} / ${fmt(f.parts.floorUpdate.p99)} ms; the system's Update is ${fmt(ratio(all.parts.update.p50, f.parts.floorUpdate.p50), 2)}× / ${fmt(ratio(all.parts.update.p99, f.parts.floorUpdate.p99), 2)}× it. `
        : '') +
      `The parts' percentiles are each their own (a p99 of the parts does not add up to the action's p99). ` +
      `Payment at the counter (\`api/payments.ts\`): *before* ends with the payment and its e-receipt recorded (the agency's receipt counter), and *the Update* is the dossier told and the payment marked acknowledged.` +
      (unmeasured.length ? ` Without these metrics: ${unmeasured.join(', ')}.` : ''),
    '',
    table(
      ['action', 'n', ...[...SERVER_TIMING_PARTS, 'outside' as const].map((p) => `${PART_LABELS[p]} p50 / p99 (ms)`), 'the Update\'s share of the time'],
      [...keys.filter((k) => f.parts.byAction[k]).map((k) => [ACTIONS[k].label, ...cells(f.parts.byAction[k])]), ['**every officer action**', ...cells(all)]],
    ),
    ...(f.engine?.all ? ['', engineMarkdown(f, keys)] : []),
  ].join('\n');
}

/** The run's first task of each Update that rode or waited for it: its queue and worker times summarised. */
function firstTasksMet(list: UpdatePhases[]): EngineSummary['runFirstTask'] {
  const met = list.flatMap((x) => (x.firstTask !== 'after' && x.runFirstTask ? [x.runFirstTask] : []));
  return met.length ? { queued: summarize(met.map((t) => t.queued)), inWorker: summarize(met.map((t) => t.inWorker)) } : null;
}

/** The runs' first tasks that Updates met (rode or waited for), the system's and the floor's. */
function firstTaskSentence(all: EngineSummary, floor: EngineSummary | null): string {
  const of = (e: EngineSummary | null) => e?.runFirstTask ? `queued ${fmt(e.runFirstTask.queued.p50)} / ${fmt(e.runFirstTask.queued.p99)} ms, in the worker ${fmt(e.runFirstTask.inWorker.p50)} / ${fmt(e.runFirstTask.inWorker.p99)} ms` : null;
  const ours = of(all);
  if (!ours) return '';
  const theirs = of(floor);
  return ` The runs' first tasks that Updates met (rode, or waited for: ${all.firstTask.rode + all.firstTask.waited} of ${all.n}), each counted once per Update that met it: ${ours}${theirs ? `; the floor's (${floor!.firstTask.rode + floor!.firstTask.waited} of ${floor!.n}): ${theirs}` : ''} (p50 / p99).`;
}

/** Inside the Update: its phases in the engine, from the dossiers' histories. */
function engineMarkdown(f: OfficerFigures, keys: ActionKey[]): string {
  const all = f.engine.all!;
  const cells = (e: EngineSummary) => [
    e.n,
    ...PHASES.flatMap((p) => [`${fmt(e.phases[p].p50)} / ${fmt(e.phases[p].p99)}`, ...(p === 'inWorker' ? [e.afterLocal ? `${fmt(e.afterLocal.p50)} / ${fmt(e.afterLocal.p99)}` : '—'] : [])]),
    `${e.firstTask.waited} / ${e.firstTask.rode}`,
    `${fmt((e.oneTask / e.n) * 100, 0)} %`,
  ];
  return [
    `**Inside the Update** (each action's Update found in its dossier's Temporal history, its events' times read against the harness's clock on the same machine; \`bench/lib/update-phases.ts\`): ` +
      `*to a task* runs from the request sent to the scheduling of the workflow task that accepted the Update (the server dispatching it, or waiting for a task already in flight, such as a freshly started run's first); ` +
      `*queued* until a worker took that task; *in the worker* until the task that completed the Update was done (the activation, its local activities, any further task); ` +
      `*back* from there to the answer read by the officer (the server, the API's answer and its key, HTTP). The four add up to the action's round trip. ` +
      `Of the time in the worker, the part *after its last local activity was done* (the completion time its marker records, the worker's clock) runs until the task was done: the result back to the workflow thread, the answer, the task's completion reaching the server. ` +
      `Every officer action: to a task ${fmt(all.phases.toTask.p50)} / ${fmt(all.phases.toTask.p99)} ms, queued ${fmt(all.phases.queued.p50)} / ${fmt(all.phases.queued.p99)} ms, in the worker ${fmt(all.phases.inWorker.p50)} / ${fmt(all.phases.inWorker.p99)} ms, back ${fmt(all.phases.back.p50)} / ${fmt(all.phases.back.p99)} ms (p50 / p99).` +
      (f.engine.floor
        ? ` The floor's Updates, read the same way: in the worker ${fmt(f.engine.floor.phases.inWorker.p50)} / ${fmt(f.engine.floor.phases.inWorker.p99)} ms (the system's is ${fmt(ratio(all.phases.inWorker.p50, f.engine.floor.phases.inWorker.p50), 2)}× / ${fmt(ratio(all.phases.inWorker.p99, f.engine.floor.phases.inWorker.p99), 2)}× it), to a task ${fmt(f.engine.floor.phases.toTask.p50)} / ${fmt(f.engine.floor.phases.toTask.p99)} ms.`
        : '') +
      firstTaskSentence(all, f.engine.floor),
    '',
    table(
      [
        'action',
        'n',
        ...PHASES.flatMap((p) => [`${PHASE_LABELS[p]} p50 / p99 (ms)`, ...(p === 'inWorker' ? ['of which after its last local activity was done p50 / p99 (ms)'] : [])]),
        "waited for the run's first task / rode it",
        'answered in the task that accepted it',
      ],
      [
        ...keys.filter((k) => f.engine.byAction[k]).map((k) => [ACTIONS[k].label, ...cells(f.engine.byAction[k]!)]),
        ['**every officer action**', ...cells(all)],
        ...(f.engine.floor ? [["the floor's Updates (below), every action", ...cells(f.engine.floor)]] : []),
      ],
    ),
  ].join('\n');
}

/** The floor of target 1 (the minimal durable action), and every action measured against it. */
function floorMarkdown(f: OfficerFigures, durability?: string, commits?: string): string {
  const floor = f.floor!;
  const v = floorVerdict(f)!;
  const keys = (Object.keys(ACTIONS) as ActionKey[]).filter((k) => f.system[k]);
  const perRound = f.rounds
    .filter((r) => r.durable)
    .map((r) => {
      const d = summarize(Object.values(r.durable!.timings).flat());
      const b = summarize(Object.values(r.baseline.timings).flat());
      return `round ${r.round} ${fmt(d.p50)} / ${fmt(d.p99)} ms (${fmt(ratio(d.p50, b.p50), 2)}× / ${fmt(ratio(d.p99, b.p99), 2)}×, failures ${r.durable!.failures})`;
    })
    .join('; ');
  const over = (n: number) => (n > 1.3 ? `above 1.3× by ${fmt(n / 1.3, 2)}×` : `within 1.3×`);
  const verdict = v.reachable
    ? `The floor itself lies within 1.3× of the bare Update at p50 and p99: target 1 is reachable on this machine, and what separates the system from the floor is ours.`
    : `The floor alone is ${over(v.p50)} at p50 and ${over(v.p99)} at p99: in this run, no design that verifies the officer and makes the change durable before it answers could meet 1.3× the bare Update on this machine, by that margin. ` +
      `What would reach it: compare the floor with one commit alone (above) — where the commit is cheap, the floor's distance from the bare Update is CPU queueing: the token check, the local activity and the INSERT are CPU on the two cores that the Temporal server, PostgreSQL, the worker, the API and the load share, so more cores (or the engine and the database on machines of their own) would reach it; where the commit is dear, a faster fsync or group commit (\`commit_delay\`; \`synchronous_commit = off\` trades the last acknowledged actions on a crash for it); or a target set against the floor instead of the bare Update.`;
  return [
    `**Floor of target 1: the minimal durable action** (what any correct design pays on this machine; not the target's baseline). \`bench/durable-update-server.ts\`: Express, the API's own bearer-token verification (\`authenticate\` of \`api/auth.ts\` with the officer accounts kept as \`api/app.ts\` wires them: the JWT checked, the officer's account found) and \`requireOfficer\`, then one \`executeUpdate\` of \`durableOfficeWorkflow\` (\`bench/baseline/workflows.ts\`) whose Update runs ONE local activity that INSERTs the event row (the command as its data) in one transaction (\`bench_floor_events\`, unique by stream and sequence like \`dossier_events\`; ${durability ?? 'PostgreSQL as configured'}) and answers the captured view. ` +
      `The same lanes, paths, captured commands and views as the bare Update, each Update sent with the bearer token of an officer of the action's role and an \`Idempotency-Key\` (not recorded), after the bare Update's runs of each round. ` +
      `p50 / p95 / p99 ${fmt(floor.p50)} / ${fmt(floor.p95)} / ${fmt(floor.p99)} ms (n ${floor.n}): **${fmt(v.p50, 2)}× / ${fmt(v.p99, 2)}× the bare Update's p50 / p99**${perRound ? ` (${perRound})` : ''}${f.httpBare ? `; ${fmt(ratio(floor.p50, f.httpBare.p50), 2)}× / ${fmt(ratio(floor.p99, f.httpBare.p99), 2)}× the bare Update over HTTP (the token check and the durable write)` : ''}. ${commits ? `${commits} ` : ''}${verdict}`,
    '',
    `Every officer action against the floor (what is ours): every action ${fmt(f.vsFloor!.every.p50, 2)}× / ${fmt(f.vsFloor!.every.p99, 2)}× the floor's p50 / p99.`,
    '',
    table(
      ['action', 'system p50 / p99 (ms)', 'p50 ÷ floor p50', 'p99 ÷ floor p99'],
      [
        ...keys.map((k) => [ACTIONS[k].label, `${fmt(f.system[k]!.p50)} / ${fmt(f.system[k]!.p99)}`, fmt(ratio(f.system[k]!.p50, floor.p50), 2), fmt(ratio(f.system[k]!.p99, floor.p99), 2)]),
        ['**every officer action**', `${fmt(f.allSystem.p50)} / ${fmt(f.allSystem.p99)}`, fmt(f.vsFloor!.every.p50, 2), fmt(f.vsFloor!.every.p99, 2)],
      ],
    ),
  ].join('\n');
}
