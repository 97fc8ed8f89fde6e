import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import pg from 'pg';
import { FLOOR_EVENTS_TABLE, INSERT_EVENT } from '../baseline/floor-events';
import { baselineDossierWorkflow, durableDossierWorkflow, BASELINE_ACTIVITIES, CEILING_UPDATES, type BaselineInput, type CeilingStep, type DurableMode } from '../baseline/workflows';
import { captureHistory, jsonBytes, type CapturedUpdate } from '../lib/captured';
import { expectCall } from '../lib/http';
import { LiveQueue } from '../lib/live-queue';
import { table, type ScenarioResult } from '../lib/result';
import { backendPids, citizenToken, cpuMs, freePort, spawnTs } from '../lib/stack';
import { fmt, pool, ratio, sleep, summarize, type Summary } from '../lib/stats';
import type { BenchSystem } from '../lib/system';
import { floorVerdict, OfficerActions, officerFigures, officerMarkdown, ACTIONS, PATHS, type OfficerRound } from './b-officer-actions';

/**
 * (b) Dossier lifecycle: N dossiers through the happy path, submitted by citizens and taken
 * through intake, proposal and decision by concurrent simulated officers over the HTTP API,
 * against the baseline workflow (same Updates, same number of no-op activities) driven directly
 * with the Temporal client on the same dev server.
 */

const PROCEDURE = 'TP-SAOSOGOC'; // no fee: accept → propose → approve → delivered online → completed
const AGENCY = '000.20.20.H29';

/** The durable ceilings (bench/baseline/workflows.ts `DurableMode`), as the report names them. */
type Durable = DurableMode;
const DURABLE: Durable[] = ['activities', 'local', 'ceiling'];
const DURABLE_LABEL: Record<Durable, string> = {
  activities: 'events only, as activities',
  local: 'events only, as local activities',
  ceiling: "the ceiling's activities, its event ones durable",
};

/** CPU milliseconds per dossier, by process. */
type Cpu = Record<'temporal' | 'worker' | 'baselineWorker' | 'api' | 'postgres' | 'harness', number>;

/** PostgreSQL work per dossier on the bench database (pg_stat_database). */
interface DbWork {
  transactions: number;
  rowsRead: number;
  rowsWritten: number;
}

interface RunFigures {
  cpu?: Cpu;
  db?: DbWork;
  n: number;
  lanes: number;
  seconds: number;
  perSecond: number;
  failures: number;
  actions: Summary;
  byAction: Record<string, Summary>;
  start: Summary;
}

export async function scenarioB(sys: BenchSystem): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const { ctx } = sys;
  const n = Number(process.env.BENCH_B_DOSSIERS ?? (ctx.quick ? 20 : 150));
  const lanes = Number(process.env.BENCH_B_OFFICERS ?? (ctx.quick ? 5 : 20));
  const rounds = Number(process.env.BENCH_B_ROUNDS ?? (ctx.quick ? 1 : 3));
  await sys.startWorker();
  await sys.startBaselineWorker();
  const api = await sys.startApi();
  // The one-stop officer's live queue of the agency (bench/lib/live-queue.ts): what the lanes wait on.
  const live = await LiveQueue.open(api.baseUrl, sys.token('motcua.saigon'), AGENCY);
  // The floors' event rows (bench/baseline/floor-events.ts), and how PostgreSQL makes a commit durable here.
  await sys.db.raw(FLOOR_EVENTS_TABLE);
  const setting = async (name: string) => String((await sys.db.raw(`select current_setting('${name}') as v`)).rows[0].v);
  const durability = `synchronous_commit = ${await setting('synchronous_commit')}, fsync = ${await setting('fsync')}, wal_sync_method = ${await setting('wal_sync_method')}, commit_delay = ${await setting('commit_delay')}`;

  const specialists = new Map<number, string>();
  for (const u of ['chuyenvien.saigon1', 'chuyenvien.saigon2'] as const) {
    const row = await sys.db('users').where('username', u).first('id');
    specialists.set(row.id, sys.token(u));
  }
  let citizenSeq = 0;
  let sampleSystemWorkflow = '';
  let sampleBaselineWorkflow = '';
  // Target 1: the officers' lanes, and the rounds and paths of its measurement.
  const officerLanes = Number(process.env.BENCH_B_ACTION_OFFICERS ?? (ctx.quick ? 7 : 20));
  const officerPerRound = Number(process.env.BENCH_B_ACTION_DOSSIERS ?? (ctx.quick ? 14 : 140));
  const officerRoundCount = Number(process.env.BENCH_B_ACTION_ROUNDS ?? (ctx.quick ? 1 : 2));
  // The ceiling replays a real dossier's accept, propose and decide: their commands and views.
  let ceilingStart: unknown = null;
  let ceilingUpdates: CapturedUpdate[] = [];
  const ceilingInput = (code: string): BaselineInput => ({ code, input: ceilingStart, steps: ceilingUpdates.map((u) => ({ update: u.update, view: u.view })) });
  // The durable ceilings write as many event rows per step as the sample dossier recorded.
  let ceilingEvents: Record<CeilingStep, number> = { start: 0, accept: 0, propose: 0, decide: 0, deliver: 0 };
  let systemEventTypes: Record<CeilingStep, string[]> = { start: [], accept: [], propose: [], decide: [], deliver: [] };

  /** One dossier through the real system, as citizen and officers do it over HTTP. */
  async function systemDossier(timings: Map<string, number[]>): Promise<number> {
    citizenSeq += 1;
    const idNumber = `0791${String(citizenSeq).padStart(8, '0')}`;
    const token = await citizenToken(idNumber, 'Nguyễn Văn Bình');
    const submitted = await expectCall([201], 'POST', `${api.baseUrl}/api/v1/dossiers`, {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        procedureCode: PROCEDURE,
        agencyEid: AGENCY,
        deliveryMethod: 'online',
        applicant: { fullName: 'Nguyễn Văn Bình', idNumber, phone: '0912345678' },
        documents: [{ name: 'Đơn đề nghị cấp bản sao từ sổ gốc' }, { name: 'Giấy tờ tùy thân của người yêu cầu' }],
      },
    });
    push(timings, 'submit', submitted.ms);
    const code = encodeURIComponent(submitted.body.code as string);
    // Every officer action carries an Idempotency-Key, as the console sends it.
    const action = (path: string, token: string, body: unknown) =>
      expectCall([200], 'POST', `${api.baseUrl}/api/v1/dossiers/${code}/${path}`, { token, body, headers: { 'idempotency-key': randomUUID() } });
    const accepted = await action('intake/accept', sys.token('motcua.saigon'), {});
    push(timings, 'accept', accepted.ms);
    // The specialist acts once the dossier shows them assigned: the assignment may continue after
    // the acceptance's answer. The lane reads the dossier when the live queue says it changed (as
    // the console learns it); this wait is nobody's action and is not timed.
    let assignee = specialists.get(accepted.body.assignee?.userId);
    if (!assignee) {
      const d = await live.until(
        submitted.body.code as string,
        'assigned',
        async () => (await expectCall([200], 'GET', `${api.baseUrl}/api/v1/dossiers/${code}`, { token: sys.token('motcua.saigon') })).body,
        (b) => !!b.assignee?.userId,
      );
      assignee = specialists.get(d.assignee.userId);
      if (!assignee) throw new Error(`dossier ${submitted.body.code} was not assigned to a seeded specialist: ${JSON.stringify(d.assignee)}`);
    }
    const proposed = await action('review/proposal', assignee, { proposal: 'approve' });
    push(timings, 'propose', proposed.ms);
    const decided = await action('decision', sys.token('lanhdao.saigon'), { decision: 'approve' });
    push(timings, 'decide', decided.ms);
    const row = await sys.db('dossiers').where('code', submitted.body.code).first('id', 'workflow_id');
    sampleSystemWorkflow = row.workflow_id;
    return Number(row.id);
  }

  async function systemRun(count: number): Promise<RunFigures> {
    const timings = new Map<string, number[]>();
    let failures = 0;
    const started = performance.now();
    const ids = (
      await pool(Array.from({ length: count }), lanes, async () => {
        try {
          return await systemDossier(timings);
        } catch (err) {
          failures += 1;
          ctx.log(`b: system dossier failed: ${(err as Error).message}`);
          return null;
        }
      })
    ).filter((id): id is number => id !== null);
    // Done when every dossier is COMPLETED in the read model (delivery runs after the decision).
    const deadline = Date.now() + 300_000;
    for (;;) {
      const row = await sys.db('dossiers').whereIn('id', ids).andWhere('status', 'COMPLETED').count<{ count: string }[]>('* as count').first();
      const done = Number(row?.count ?? 0);
      if (done === ids.length) break;
      if (Date.now() > deadline) throw new Error(`only ${done} of ${ids.length} dossiers completed within 5 minutes`);
      await sleep(50);
    }
    const seconds = (performance.now() - started) / 1000;
    return figures(count, lanes, seconds, failures, timings, 'submit');
  }

  /** The ceiling (no-op activities) or, given `durable`, a durable ceiling (one PostgreSQL write per event). */
  async function baselineRun(count: number, tag: string, durable?: Durable): Promise<RunFigures> {
    const timings = new Map<string, number[]>();
    let failures = 0;
    const started = performance.now();
    const handles = await pool(Array.from({ length: count }, (_, i) => i), lanes, async (i) => {
      try {
        const code = `${tag}-${i}`;
        let t = performance.now();
        const workflowId = `bench-baseline-${ctx.runId}-${code}${durable ? `-durable-${durable}` : ''}`;
        const options = { taskQueue: sys.baselineTaskQueue, workflowId, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE };
        const handle = durable
          ? await sys.client.workflow.start(durableDossierWorkflow, { ...options, args: [{ ...ceilingInput(code), events: ceilingEvents, mode: durable }] })
          : await sys.client.workflow.start(baselineDossierWorkflow, { ...options, args: [ceilingInput(code)] });
        push(timings, 'start', performance.now() - t);
        if (!durable) sampleBaselineWorkflow = handle.workflowId;
        for (const u of ceilingUpdates) {
          t = performance.now();
          await handle.executeUpdate<unknown, [unknown]>(u.update, { args: [u.command] });
          push(timings, CEILING_UPDATES[u.update as keyof typeof CEILING_UPDATES], performance.now() - t);
        }
        return handle;
      } catch (err) {
        failures += 1;
        ctx.log(`b: baseline dossier failed: ${(err as Error).message}`);
        return null;
      }
    });
    for (const h of handles) {
      const view = await h?.result();
      if (h && view?.status !== 'COMPLETED') throw new Error(`baseline ${h.workflowId} ended ${view?.status}`);
    }
    const seconds = (performance.now() - started) / 1000;
    return figures(count, lanes, seconds, failures, timings, 'start');
  }

  async function dbCounters(): Promise<DbWork> {
    const r = await sys.db.raw(
      `select xact_commit + xact_rollback as transactions, tup_returned + tup_fetched as rows_read, tup_inserted + tup_updated + tup_deleted as rows_written
         from pg_stat_database where datname = current_database()`,
    );
    const row = r.rows[0];
    return { transactions: Number(row.transactions), rowsRead: Number(row.rows_read), rowsWritten: Number(row.rows_written) };
  }

  /** Runs `fn` and adds the CPU time each process of the stack spent meanwhile, per dossier. */
  async function withCpu(fn: () => Promise<RunFigures>): Promise<RunFigures> {
    // Split by role (BENCH_WORKER_SPLIT=1), the worker's CPU is both processes'.
    const workerPids = [sys.worker!.pid, ...(sys.activityWorker ? [sys.activityWorker.pid] : [])];
    const workerCpu = () => workerPids.reduce((sum, pid) => sum + cpuMs(pid), 0);
    const pids = () => ({
      temporal: sys.temporal.process.pid!,
      baselineWorker: sys.baselineWorker!.pid,
      api: api.child.pid,
    });
    const p = pids();
    const pgBefore = new Map((await backendPids(sys.db, 'dossier_bench')).map((pid) => [pid, cpuMs(pid)]));
    const before = { temporal: cpuMs(p.temporal), worker: workerCpu(), baselineWorker: cpuMs(p.baselineWorker), api: cpuMs(p.api) };
    const self = process.cpuUsage();
    const dbBefore = await dbCounters();
    const f = await fn();
    // The counters are flushed by each backend about once a second after its transactions.
    await sleep(1500);
    const dbAfter = await dbCounters();
    const selfUsed = process.cpuUsage(self);
    const pgAfter = await backendPids(sys.db, 'dossier_bench');
    const pg = [...new Set([...pgBefore.keys(), ...pgAfter])].reduce((sum, pid) => sum + Math.max(0, cpuMs(pid) - (pgBefore.get(pid) ?? 0)), 0);
    const per = (v: number) => v / Math.max(1, f.n - f.failures);
    f.cpu = {
      temporal: per(cpuMs(p.temporal) - before.temporal),
      worker: per(workerCpu() - before.worker),
      baselineWorker: per(cpuMs(p.baselineWorker) - before.baselineWorker),
      api: per(cpuMs(p.api) - before.api),
      postgres: per(pg),
      harness: per((selfUsed.user + selfUsed.system) / 1000),
    };
    f.db = {
      transactions: per(dbAfter.transactions - dbBefore.transactions),
      rowsRead: per(dbAfter.rowsRead - dbBefore.rowsRead),
      rowsWritten: per(dbAfter.rowsWritten - dbBefore.rowsWritten),
    };
    return f;
  }

  /**
   * The sample dossier's event rows by the ceiling's step they belong to: before its \`intake_accepted\`
   * the start's, then up to each Update's answered view's \`lastSeq\` that Update's (an event
   * recorded after one answer, such as the assignment after the acceptance, counts with the next
   * Update), and after the decision's the delivery's.
   */
  async function eventsByStep(workflowId: string): Promise<{ events: Record<CeilingStep, number>; types: Record<CeilingStep, string[]> }> {
    const row = await sys.db('dossiers').where('workflow_id', workflowId).first('id');
    const rows: Array<{ seq: number; type: string }> = await sys.db('dossier_events').where('dossier_id', row.id).orderBy('seq').select('seq', 'type');
    const last = (name: string) => Number((ceilingUpdates.find((u) => u.update === name)?.view as { lastSeq?: number } | null)?.lastSeq);
    const accepted = rows.find((e) => e.type === 'intake_accepted')?.seq ?? Number.NaN;
    const bounds = [accepted, last('acceptIntake'), last('proposeDecision'), last('decide')];
    if (!bounds.every(Number.isFinite)) {
      // Not expected: then the ceiling's own event slots (its recordDossierEvent activities) stand in, and the report says so.
      ctx.log(`b: the sample dossier ${workflowId} does not show where its steps' events end (${bounds.join(', ')}); the durable ceilings write the ceiling's 7 event slots`);
      const fallback = { start: 1, accept: 2, propose: 1, decide: 1, deliver: 2 };
      return { events: fallback, types: { start: ['?'], accept: ['?', '?'], propose: ['?'], decide: ['?'], deliver: ['?', '?'] } };
    }
    const step = (seq: number): CeilingStep => (seq < bounds[0]! ? 'start' : seq <= bounds[1]! ? 'accept' : seq <= bounds[2]! ? 'propose' : seq <= bounds[3]! ? 'decide' : 'deliver');
    const events: Record<CeilingStep, number> = { start: 0, accept: 0, propose: 0, decide: 0, deliver: 0 };
    const types: Record<CeilingStep, string[]> = { start: [], accept: [], propose: [], decide: [], deliver: [] };
    for (const e of rows) {
      events[step(e.seq)] += 1;
      types[step(e.seq)].push(e.type);
    }
    return { events, types };
  }

  /**
   * What one durable commit costs on this machine: the floors' INSERT of an event row (one
   * statement, its own transaction) from the harness, one at a time and at the officers' concurrency.
   */
  async function commitProbe(): Promise<{ alone: Summary; concurrent: Summary; lanes: number }> {
    const probe = new pg.Pool({ connectionString: sys.dbUrl, max: officerLanes });
    const data = JSON.stringify(ceilingUpdates[0]?.command ?? {});
    const insert = async (stream: string, seq: number) => {
      const t = performance.now();
      await probe.query({ name: 'floor-event', text: INSERT_EVENT, values: [stream, seq, 'probe', data] });
      return performance.now() - t;
    };
    try {
      const alone: number[] = [];
      for (let i = 0; i < 20; i++) await insert(`probe-${ctx.runId}-warm`, i); // connections, plan
      for (let i = 0; i < 200; i++) alone.push(await insert(`probe-${ctx.runId}-alone`, i));
      const concurrent = (await pool(Array.from({ length: officerLanes * 20 }, (_, i) => i), officerLanes, (i) => insert(`probe-${ctx.runId}-lanes`, i))).flat();
      return { alone: summarize(alone), concurrent: summarize(concurrent), lanes: officerLanes };
    } finally {
      await probe.end();
    }
  }

  // Warm-up (JIT, pools, caches), not measured. The system first: its dossiers' histories give
  // the baselines the commands the API sends and the views the workflow answers.
  ctx.log(`b: warm-up (${lanes} lifecycle dossiers, ${PATHS.length} officer paths, then the same on the baselines)`);
  await systemRun(lanes);
  const office = new OfficerActions(sys, api.baseUrl);
  await office.init();
  await office.systemRun(PATHS.length * Math.max(1, Math.min(2, Math.floor(officerLanes / PATHS.length))), officerLanes);
  await office.capture();
  const warmSystem = await captureHistory(sys.client, sampleSystemWorkflow);
  ceilingStart = warmSystem.startInput;
  ceilingUpdates = Object.keys(CEILING_UPDATES).map((name) => {
    const u = warmSystem.updates.find((x) => x.update === name);
    if (!u) throw new Error(`the sample dossier ${sampleSystemWorkflow} has no ${name} Update in its history`);
    return u;
  });
  ({ events: ceilingEvents, types: systemEventTypes } = await eventsByStep(sampleSystemWorkflow));
  await baselineRun(lanes, `warm-${ctx.runId}`);
  for (const d of DURABLE) await baselineRun(lanes, `warm-${ctx.runId}`, d);
  // What one durable commit costs here: the event row's INSERT from the harness, alone and at the officers' concurrency.
  const commits = await commitProbe();
  // The reference of target 1: the bare Update behind a minimal HTTP server.
  const bareHttpPort = await freePort();
  const bareHttpChild = await spawnTs(ctx, 'bare-update', 'bench/bare-update-server.ts', { ...process.env, PORT: String(bareHttpPort), TEMPORAL_ADDRESS: sys.temporal.address }, /bare-update: listening/);
  const bareHttp = { baseUrl: `http://127.0.0.1:${bareHttpPort}`, child: bareHttpChild };
  // Not part of the shared system: stopped below, and killed with the harness if the scenario fails.
  process.once('exit', () => bareHttpChild.child.kill('SIGKILL'));
  // The floor of target 1: the minimal durable action (token verified as the API does, one local-activity INSERT).
  const floorPort = await freePort();
  const floorChild = await spawnTs(ctx, 'durable-update', 'bench/durable-update-server.ts', { ...process.env, PORT: String(floorPort), TEMPORAL_ADDRESS: sys.temporal.address, DATABASE_URL: sys.dbUrl }, /durable-update: listening/);
  const floorHttp = { baseUrl: `http://127.0.0.1:${floorPort}`, child: floorChild };
  process.once('exit', () => floorChild.child.kill('SIGKILL'));
  // Target 1's runs count the CPU of every process they load, each side over its own run.
  office.machine = () => ({
    temporal: sys.temporal.process.pid,
    worker: sys.worker?.pid,
    activityWorker: sys.activityWorker?.pid,
    baselineWorker: sys.baselineWorker?.pid,
    api: api.child.pid,
    bareHttp: bareHttpChild.pid,
    floorHttp: floorChild.pid,
  });
  await office.baselineRun(PATHS.length, officerLanes, `warm`);
  await office.baselineRun(PATHS.length, officerLanes, `warm`, bareHttp.baseUrl);
  await office.baselineRun(PATHS.length, officerLanes, `warm`, floorHttp.baseUrl, true);

  const runs: Array<{ round: number; baseline: RunFigures; system: RunFigures; durable: Record<Durable, RunFigures> }> = [];
  const officerRounds: OfficerRound[] = [];
  for (let r = 1; r <= rounds; r++) {
    // The two sides of the ratio run back to back, the ceiling first in odd rounds and the system
    // first in even ones, so that the host's drift over a round does not favour one side; the
    // durable ceilings (floors, not the target's baseline) after both.
    ctx.log(`b: round ${r}/${rounds}: lifecycle ${r % 2 === 1 ? 'ceiling, then system' : 'system, then ceiling'}, ${n} dossiers, ${lanes} lanes`);
    const ceilingSide = async () => {
      const f = await withCpu(() => baselineRun(n, `r${r}-${ctx.runId}`));
      ctx.log(`b:   ceiling ${fmt(f.perSecond, 2)} dossiers/s`);
      return f;
    };
    const systemSide = async () => {
      const f = await withCpu(() => systemRun(n));
      ctx.log(`b:   system ${fmt(f.perSecond, 2)} dossiers/s`);
      return f;
    };
    let baseline: RunFigures;
    let system: RunFigures;
    if (r % 2 === 1) {
      baseline = await ceilingSide();
      system = await systemSide();
    } else {
      system = await systemSide();
      baseline = await ceilingSide();
    }
    ctx.log(`b:   ratio ${fmt(ratio(system.perSecond, baseline.perSecond), 2)}; durable ceilings…`);
    const durable = {} as Record<Durable, RunFigures>;
    for (const d of DURABLE) durable[d] = await withCpu(() => baselineRun(n, `r${r}-${ctx.runId}`, d));
    ctx.log(`b:   durable ceilings ${DURABLE.map((d) => `${d} ${fmt(durable[d].perSecond, 2)}`).join(', ')} dossiers/s`);
    runs.push({ round: r, baseline, system, durable });
    if (r > officerRoundCount) continue;
    ctx.log(`b: round ${r}/${rounds}: officer actions, bare Updates, ${officerPerRound} paths, ${officerLanes} lanes`);
    const ob = await office.baselineRun(officerPerRound, officerLanes, `r${r}`);
    const oh = await office.baselineRun(officerPerRound, officerLanes, `r${r}`, bareHttp.baseUrl);
    const od = await office.baselineRun(officerPerRound, officerLanes, `r${r}`, floorHttp.baseUrl, true);
    ctx.log(`b:   officer actions, system…`);
    const os = await office.systemRun(officerPerRound, officerLanes);
    officerRounds.push({ round: r, system: os, baseline: ob, http: oh, durable: od });
    const f = officerFigures([{ round: r, system: os, baseline: ob, http: oh, durable: od }]);
    ctx.log(
      `b:   every officer action p50 / p99 ${fmt(f.allSystem.p50)} / ${fmt(f.allSystem.p99)} ms, bare Update ${fmt(f.bare.p50)} / ${fmt(f.bare.p99)} ms (over HTTP ${fmt(f.httpBare?.p50)} / ${fmt(f.httpBare?.p99)} ms; floor ${fmt(f.floor?.p50)} / ${fmt(f.floor?.p99)} ms)`,
    );
  }
  const officer = officerFigures(officerRounds);
  office.close();
  live.close();
  await bareHttp.child.stop();
  await floorHttp.child.stop();

  // What one dossier's history holds in each: events and payload bytes by type.
  const historyOf = async (workflowId: string) => {
    const h = await sys.client.workflow.getHandle(workflowId).fetchHistory();
    const events = h.events ?? [];
    const byType = new Map<string, number>();
    const bytesByType = new Map<string, number>();
    for (const e of events) {
      const type = EVENT_TYPES[Number(e.eventType)] ?? String(e.eventType);
      byType.set(type, (byType.get(type) ?? 0) + 1);
      bytesByType.set(type, (bytesByType.get(type) ?? 0) + binaryBytes(e));
    }
    return { events: events.length, bytes: binaryBytes(h), byType, bytesByType };
  };
  const histories = { system: await historyOf(sampleSystemWorkflow), baseline: await historyOf(sampleBaselineWorkflow) };
  // The ceiling's start input also carries the views its Updates return (the system computes
  // them): those bytes are not counted, so that both count the same payloads.
  const carried = (() => {
    const input = ceilingInput('x');
    return jsonBytes(input) - jsonBytes({ ...input, steps: [] });
  })();
  const ceilingBytes = histories.baseline.bytes - carried;
  const eventsRatio = ratio(histories.system.events, histories.baseline.events);
  const bytesRatio = ratio(histories.system.bytes, ceilingBytes);
  const types = [...new Set([...histories.system.byType.keys(), ...histories.baseline.byType.keys()])].sort();

  // The ratio of the round with the median ratio; figures of every round are shown.
  const ratios = runs.map((r) => ratio(r.system.perSecond, r.baseline.perSecond));
  const sortedIdx = ratios.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const pick = runs[sortedIdx[Math.floor((sortedIdx.length - 1) / 2)]![1]]!;
  const theRatio = ratio(pick.system.perSecond, pick.baseline.perSecond);
  const failures = runs.reduce((s, r) => s + r.system.failures + r.baseline.failures, 0);

  const perRound = table(
    ['round', 'system dossiers/s', 'ceiling dossiers/s', 'ratio', 'system action p50 / p99 (ms)', 'ceiling Update p50 / p99 (ms)', 'failures (system / ceiling)'],
    runs.map((r) => [
      r.round,
      fmt(r.system.perSecond, 2),
      fmt(r.baseline.perSecond, 2),
      fmt(ratio(r.system.perSecond, r.baseline.perSecond), 2),
      `${fmt(r.system.actions.p50)} / ${fmt(r.system.actions.p99)}`,
      `${fmt(r.baseline.actions.p50)} / ${fmt(r.baseline.actions.p99)}`,
      `${r.system.failures} / ${r.baseline.failures}`,
    ]),
  );
  const actionRows = (['accept', 'propose', 'decide'] as const).map((a) => [
    a,
    `${fmt(pick.system.byAction[a]!.p50)} / ${fmt(pick.system.byAction[a]!.p95)} / ${fmt(pick.system.byAction[a]!.p99)}`,
    `${fmt(pick.baseline.byAction[a]!.p50)} / ${fmt(pick.baseline.byAction[a]!.p95)} / ${fmt(pick.baseline.byAction[a]!.p99)}`,
    fmt(ratio(pick.system.byAction[a]!.p50, pick.baseline.byAction[a]!.p50), 2),
  ]);
  actionRows.unshift([
    'start (system: citizen POST /dossiers; ceiling: workflow start)',
    `${fmt(pick.system.start.p50)} / ${fmt(pick.system.start.p95)} / ${fmt(pick.system.start.p99)}`,
    `${fmt(pick.baseline.start.p50)} / ${fmt(pick.baseline.start.p95)} / ${fmt(pick.baseline.start.p99)}`,
    fmt(ratio(pick.system.start.p50, pick.baseline.start.p50), 2),
  ]);
  actionRows.push([
    '**all officer actions**',
    `${fmt(pick.system.actions.p50)} / ${fmt(pick.system.actions.p95)} / ${fmt(pick.system.actions.p99)}`,
    `${fmt(pick.baseline.actions.p50)} / ${fmt(pick.baseline.actions.p95)} / ${fmt(pick.baseline.actions.p99)}`,
    fmt(ratio(pick.system.actions.p50, pick.baseline.actions.p50), 2),
  ]);

  const cpuKeys: Array<[keyof Cpu, string]> = [
    ['temporal', 'Temporal dev server'],
    ['worker', 'dossier worker (`worker/main.ts`)'],
    ['baselineWorker', 'baseline worker (ceiling)'],
    ['api', 'API process'],
    ['postgres', 'PostgreSQL (bench database backends)'],
    ['harness', 'harness (HTTP / Temporal clients)'],
  ];
  const cpuTotal = (c: Cpu | undefined) => (c ? Object.values(c).reduce((a, b) => a + b, 0) : Number.NaN);
  const cpuSides = [pick.system, pick.baseline, ...DURABLE.map((d) => pick.durable[d])];
  const cpuTable = table(
    ['process', 'system: CPU ms per dossier', 'ceiling: CPU ms per dossier', ...DURABLE.map((d) => `durable ceiling (${DURABLE_LABEL[d]}): CPU ms per dossier`)],
    [
      ...cpuKeys.map(([k, label]) => [label, ...cpuSides.map((f) => fmt(f.cpu?.[k], 1))]),
      ['**total**', ...cpuSides.map((f) => `**${fmt(cpuTotal(f.cpu), 1)}**`)],
      ['PostgreSQL transactions per dossier (pg_stat_database)', ...cpuSides.map((f) => fmt(f.db?.transactions, 0))],
      ['PostgreSQL rows read / written per dossier', ...cpuSides.map((f) => `${fmt(f.db?.rowsRead, 0)} / ${fmt(f.db?.rowsWritten, 0)}`)],
    ],
  );
  // The floor of target 2: the ceiling whose activities merely record the dossier's events durably.
  const eventCount = Object.values(ceilingEvents).reduce((x, v) => x + v, 0);
  const durableRatio = (d: Durable, r = pick) => ratio(r.durable[d].perSecond, r.baseline.perSecond);
  const systemOverDurable = (d: Durable, r = pick) => ratio(r.system.perSecond, r.durable[d].perSecond);
  const activitiesOf = (d: Durable) =>
    (Object.keys(ceilingEvents) as CeilingStep[]).reduce((x, k) => x + (d === 'ceiling' ? Math.max(ceilingEvents[k], BASELINE_ACTIVITIES[k]) : ceilingEvents[k]), 0);
  const durableTable = table(
    ['round', 'durable ceiling', 'durable writes / activities per dossier', 'dossiers/s', '÷ ceiling', 'system ÷ it', 'Update p50 / p99 (ms)', 'failures'],
    runs.flatMap((r) =>
      DURABLE.map((d) => [
        r.round,
        DURABLE_LABEL[d],
        `${eventCount} / ${activitiesOf(d)}${d === 'local' ? ' local' : ''}`,
        fmt(r.durable[d].perSecond, 2),
        fmt(durableRatio(d, r), 2),
        fmt(systemOverDurable(d, r), 2),
        `${fmt(r.durable[d].actions.p50)} / ${fmt(r.durable[d].actions.p99)}`,
        r.durable[d].failures,
      ]),
    ),
  );
  const bestDurable = DURABLE.reduce((a, b) => (durableRatio(b) > durableRatio(a) ? b : a));
  const durableVerdict =
    durableRatio(bestDurable) >= 0.8
      ? `The best of them (*${DURABLE_LABEL[bestDurable]}*) reaches ${fmt(durableRatio(bestDurable), 2)}× the ceiling: recording the events durably does not by itself keep a design below 0.8× here; the system's distance from it is ours. `
      : `Even the best of them (*${DURABLE_LABEL[bestDurable]}*) reaches only ${fmt(durableRatio(bestDurable), 2)}× the ceiling: in this run, target 2 is out of reach for any design that records its events durably, by ${fmt(0.8 / durableRatio(bestDurable), 2)}×. `;
  const durableMarkdown = [
    `**Floor of target 2: the durable ceilings** (what a workflow that merely records its events durably gets; not the target's baseline). \`durableDossierWorkflow\` (\`bench/baseline/workflows.ts\`): the ceiling's start, Updates (same names, commands and views) and delivery, whose activities record the dossier's events durably, one PostgreSQL write per event — the INSERT of an event row in its own transaction (\`bench_floor_events\`; ${durability}) — ` +
      `as many as the sample dossier of this run's warm-up recorded in \`dossier_events\` (${eventCount}: ${(Object.keys(ceilingEvents) as CeilingStep[]).map((k) => `${k} ${ceilingEvents[k]}${systemEventTypes[k].length ? ` (${systemEventTypes[k].join(', ')})` : ''}`).join('; ')}; an event recorded after an Update's answer counts with the next Update), ` +
      `in three shapes: *${DURABLE_LABEL.activities}* (one activity through the server per event, nothing else), *${DURABLE_LABEL.local}* (inside the workflow task, as the fast path records), and *${DURABLE_LABEL.ceiling}* (the ceiling's ${Object.values(BASELINE_ACTIVITIES).reduce((x, v) => x + v, 0)} activities, the first of each step a durable write per event: the ceiling plus durability). ` +
      `Same worker, lanes and dossiers (${n} per run), run after the ceiling and the system in each round. ` +
      `Round ${pick.round}: ${DURABLE.map((d) => `${DURABLE_LABEL[d]} ${fmt(durableRatio(d), 2)}× the ceiling, the system ${fmt(systemOverDurable(d), 2)}× it`).join('; ')}. ` +
      durableVerdict +
      'Each side runs on its own in turn, so load from outside the bench between them moves these ratios; the CPU per dossier (below) does not depend on it.',
    '',
    durableTable,
  ].join('\n');
  const commitText =
    `One durable commit on this machine, the same INSERT from the harness (its own pool of ${commits.lanes}): p50 / p99 ${fmt(commits.alone.p50, 2)} / ${fmt(commits.alone.p99, 2)} ms one at a time (n ${commits.alone.n}), ` +
    `${fmt(commits.concurrent.p50, 2)} / ${fmt(commits.concurrent.p99, 2)} ms with ${commits.lanes} at once (n ${commits.concurrent.n}), measured after the warm-up.`;
  const met = theRatio >= 0.8 && failures === 0;
  const officerFailures = officer.rounds.reduce((x, r) => x + r.system.failures + r.baseline.failures, 0);
  const p50Met = officer.worstP50 !== null && officer.worstP50.ratio <= 1.3 && officer.missing.length === 0 && officerFailures === 0;
  const p99Met = officer.worstP99 !== null && officer.worstP99.ratio <= 1.3 && officer.missing.length === 0 && officerFailures === 0;
  const worstText = (w: typeof officer.worstP50, p: 'p50' | 'p99') =>
    w ? `worst ${ACTIONS[w.action].label} ${fmt(w.ratio, 2)}× (${fmt(officer.system[w.action]![p])} vs ${fmt(officer.bare[p])} ms); every action ${fmt(ratio(officer.allSystem[p], officer.bare[p]), 2)}×` : 'no action measured';
  /** Report-only rows of the floors: what any design pays here, and how far the system lies from it. */
  const floorTargets = (issue: '1' | '2') => {
    const v = floorVerdict(officer);
    const rows: ScenarioResult['targets'] = [];
    if (v && officer.floor && officer.vsFloor) {
      rows.push({
        issue: '1',
        what: `floor: the minimal durable action (HTTP, the API's token check, one local-activity INSERT) p50 / p99 vs the bare Update's (${officerLanes} officers)`,
        target: 'reference (≤ 1.3× for target 1 to be reachable)',
        value: `${fmt(v.p50, 2)}× / ${fmt(v.p99, 2)}× (${fmt(officer.floor.p50)} / ${fmt(officer.floor.p99)} vs ${fmt(officer.bare.p50)} / ${fmt(officer.bare.p99)} ms)${v.reachable ? '' : `: target 1 out of reach in this run, ${[v.p50 > 1.3 ? `at p50 by ${fmt(v.p50 / 1.3, 2)}×` : '', v.p99 > 1.3 ? `at p99 by ${fmt(v.p99 / 1.3, 2)}×` : ''].filter(Boolean).join(', ')}`}`,
        met: null,
      });
      const w = officer.vsFloor;
      rows.push({
        issue: '1',
        what: 'every officer action p50 / p99 vs the floor (what is ours)',
        target: 'reference',
        value: `every action ${fmt(w.every.p50, 2)}× / ${fmt(w.every.p99, 2)}×; worst ${w.worstP50 ? `${ACTIONS[w.worstP50.action].label} ${fmt(w.worstP50.ratio, 2)}×` : '—'} / ${w.worstP99 ? `${ACTIONS[w.worstP99.action].label} ${fmt(w.worstP99.ratio, 2)}×` : '—'}`,
        met: null,
      });
    }
    const m = officer.machine;
    if (m.system && m.bare) {
      rows.push({
        issue: '1',
        what: "the machine's CPU per officer action (the stack's processes from /proc, Redis not counted) vs the bare Update's / the floor's",
        target: 'reference',
        value: `${fmt(ratio(m.system.total, m.bare.total), 2)}× / ${m.floor ? `${fmt(ratio(m.system.total, m.floor.total), 2)}×` : '—'} (${fmt(m.system.total, 1)} vs ${fmt(m.bare.total, 1)} / ${m.floor ? fmt(m.floor.total, 1) : '—'} ms; cores busy ${fmt(m.system.busyCores, 2)} / ${fmt(m.bare.busyCores, 2)} / ${m.floor ? fmt(m.floor.busyCores, 2) : '—'} of ${os.cpus().length})`,
        met: null,
      });
    }
    rows.push({
      issue: '2',
      what: `floor: the durable ceiling (one PostgreSQL write per event, ${eventCount} events) vs the ceiling (median round)`,
      target: 'reference (≥ 0.80× for target 2 to be reachable)',
      value: DURABLE.map((d) => `${DURABLE_LABEL[d]} ${fmt(durableRatio(d), 2)}× (${fmt(pick.durable[d].perSecond, 2)} dossiers/s)`).join('; '),
      met: null,
    });
    rows.push({
      issue: '2',
      what: 'lifecycle throughput vs the durable ceiling (what is ours, median round)',
      target: 'reference',
      value: DURABLE.map((d) => `vs ${DURABLE_LABEL[d]} ${fmt(systemOverDurable(d), 2)}×`).join('; '),
      met: null,
    });
    return rows.filter((r) => r.issue === issue);
  };
  const ceilingViewBytes = ceilingUpdates.reduce((x, u) => x + jsonBytes(u.view), 0);
  const ceilingCommandBytes = ceilingUpdates.reduce((x, u) => x + jsonBytes(u.command), 0);
  const markdown = [
    `**Lifecycle (target 2).** Procedure \`${PROCEDURE}\` (no fee, result online) at agency \`${AGENCY}\`; ${n} dossiers per run, ` +
      `${lanes} concurrent lanes (each lane is a citizen submitting and then the one-stop officer, the assigned specialist and the leader acting on that dossier in turn; the specialist once the dossier shows them assigned, read again when the agency's live queue (\`GET /api/v1/dossiers/events\`, as the console learns of changes) says it changed, not timed), ` +
      `${rounds} round(s) of the two sides back to back (the ceiling first in odd rounds, the system first in even ones, so that the host's drift over a round favours neither), then the durable ceilings, after an unmeasured warm-up of ${lanes} dossiers each. ` +
      `System: citizen \`POST /api/v1/dossiers\`, then \`POST …/intake/accept\`, \`…/review/proposal\`, \`…/decision\` over HTTP to the real API process with bearer tokens and an \`Idempotency-Key\`, ` +
      `the real worker process (\`worker/main.ts\`: dossier workflow, activities writing PostgreSQL, outbox relay, BullMQ notification and webhook workers); ` +
      `a run ends when every dossier reads \`COMPLETED\` in the read model. ` +
      `Ceiling: \`baselineDossierWorkflow\` (\`bench/baseline/workflows.ts\`), the same 3 Updates by their real names (\`acceptIntake\`, \`proposeDecision\`, \`decide\`) sent with the commands the API sent a real dossier in this run's warm-up (${fmt(ceilingCommandBytes / 1024, 1)} KiB in all) and answering the views the real workflow answered them (${fmt(ceilingViewBytes / 1024, 1)} KiB), ` +
      `and ${Object.values(BASELINE_ACTIVITIES).reduce((x, v) => x + v, 0)} no-op activities ` +
      `(${Object.entries(BASELINE_ACTIVITIES).map(([k, v]) => `${k} ${v}`).join(', ')}) on its own worker process and task queue, same dev server, ` +
      `driven with the Temporal client (start, then \`executeUpdate\` ×3); a run ends when every workflow has returned. Throughput: dossiers per second from the first submission to the last completion, the round with the median ratio.`,
    '',
    perRound,
    '',
    durableMarkdown,
    '',
    `Round-trip times of the lifecycle round with the median ratio (round ${pick.round}), p50 / p95 / p99 in ms:`,
    '',
    table(['action', 'system (HTTP, officer)', 'ceiling (Temporal client)', 'p50 ratio'], actionRows),
    '',
    `**One dossier's Temporal history** (the last dossier of the last round on each side; payload bytes are the bytes of every payload's data and metadata anywhere in the history as the server returns it — start input, Update commands and answers, activity inputs and results, markers, search attributes, memo): ` +
      `system ${histories.system.events} events carrying ${fmt(histories.system.bytes / 1024, 1)} KiB; ceiling ${histories.baseline.events} events, ${fmt(ceilingBytes / 1024, 1)} KiB counted ` +
      `(${fmt(histories.baseline.bytes / 1024, 1)} KiB less the ${fmt(carried / 1024, 1)} KiB of views its start input carries only so that its Updates can answer them; its start input also carries the real dossier's start input, so both start with the same payload). ` +
      `Ratios: events ${fmt(eventsRatio, 2)}×, payload bytes ${fmt(bytesRatio, 2)}×.`,
    '',
    `<details><summary>History events and payload bytes by type</summary>\n\n${table(
      ['event type', 'system events', 'ceiling events', 'system bytes', 'ceiling bytes (as stored)'],
      types.map((t) => [t, histories.system.byType.get(t) ?? 0, histories.baseline.byType.get(t) ?? 0, fmt(histories.system.bytesByType.get(t) ?? 0, 0), fmt(histories.baseline.bytesByType.get(t) ?? 0, 0)]),
    )}\n\n</details>`,
    '',
    `CPU time per dossier of each process of the stack during lifecycle round ${pick.round} (from /proc; on a machine whose ${os.cpus().length} cores are saturated, CPU per dossier is what bounds throughput):`,
    '',
    cpuTable,
    '',
    officerMarkdown(officer, officerLanes, officerPerRound, durability, commitText),
  ].join('\n');

  return {
    id: 'b',
    title: 'Dossier lifecycle',
    startedAt,
    seconds: (performance.now() - t0) / 1000,
    markdown,
    targets: [
      { issue: '1', what: `every officer action p50 vs the bare Update's p50 (${officerLanes} officers)`, target: '≤ 1.3×', value: worstText(officer.worstP50, 'p50'), met: p50Met },
      { issue: '1', what: `every officer action p99 vs the bare Update's p99 (${officerLanes} officers)`, target: '≤ 1.3×', value: worstText(officer.worstP99, 'p99'), met: p99Met },
      ...floorTargets('1'),
      { issue: '2', what: 'lifecycle throughput vs the ceiling (median round)', target: '≥ 0.80×', value: `${fmt(theRatio, 2)}× (${fmt(pick.system.perSecond, 2)} vs ${fmt(pick.baseline.perSecond, 2)} dossiers/s)`, met },
      ...floorTargets('2'),
      { issue: '2', what: "one dossier's history events vs the ceiling's", target: '≤ 1.2×', value: `${fmt(eventsRatio, 2)}× (${histories.system.events} vs ${histories.baseline.events})`, met: eventsRatio <= 1.2 },
      { issue: '2', what: "one dossier's history payload bytes vs the ceiling's", target: '≤ 1.2×', value: `${fmt(bytesRatio, 2)}× (${fmt(histories.system.bytes / 1024, 1)} vs ${fmt(ceilingBytes / 1024, 1)} KiB)`, met: bytesRatio <= 1.2 },
    ],
    raw: {
      n,
      lanes,
      rounds,
      runs,
      ratio: theRatio,
      officer: { lanes: officerLanes, perRound: officerPerRound, ...officer },
      floors: { durability, commits, ceilingEvents, systemEventTypes },
      histories: {
        carriedViewBytes: carried,
        ceilingBytes,
        system: { ...histories.system, byType: Object.fromEntries(histories.system.byType), bytesByType: Object.fromEntries(histories.system.bytesByType) },
        baseline: { ...histories.baseline, byType: Object.fromEntries(histories.baseline.byType), bytesByType: Object.fromEntries(histories.baseline.bytesByType) },
      },
    },
  };
}

function push(m: Map<string, number[]>, key: string, ms: number): void {
  const list = m.get(key) ?? [];
  list.push(ms);
  m.set(key, list);
}

function figures(n: number, lanes: number, seconds: number, failures: number, timings: Map<string, number[]>, startKey: string): RunFigures {
  const actions = ['accept', 'propose', 'decide'].flatMap((k) => timings.get(k) ?? []);
  return {
    n,
    lanes,
    seconds,
    perSecond: (n - failures) / seconds,
    failures,
    actions: summarize(actions),
    byAction: Object.fromEntries(['accept', 'propose', 'decide'].map((k) => [k, summarize(timings.get(k) ?? [])])),
    start: summarize(timings.get(startKey) ?? []),
  };
}

/** Bytes of binary fields (payload data and metadata) anywhere in a decoded history. */
function binaryBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (!value || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  let sum = 0;
  for (const v of Object.values(value as Record<string, unknown>)) sum += binaryBytes(v, seen);
  return sum;
}

/** Names of the history event types these workflows produce (temporal.api.enums.v1.EventType). */
const EVENT_TYPES: Record<number, string> = {
  1: 'WORKFLOW_EXECUTION_STARTED',
  2: 'WORKFLOW_EXECUTION_COMPLETED',
  5: 'WORKFLOW_TASK_SCHEDULED',
  6: 'WORKFLOW_TASK_STARTED',
  7: 'WORKFLOW_TASK_COMPLETED',
  10: 'ACTIVITY_TASK_SCHEDULED',
  11: 'ACTIVITY_TASK_STARTED',
  12: 'ACTIVITY_TASK_COMPLETED',
  13: 'ACTIVITY_TASK_FAILED',
  17: 'TIMER_STARTED',
  18: 'TIMER_FIRED',
  19: 'TIMER_CANCELED',
  25: 'MARKER_RECORDED',
  40: 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  41: 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  43: 'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
};
