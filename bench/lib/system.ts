import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { DevServer } from '../../platform/temporal-dev-server';
import { requestIdClientInterceptor } from '../../platform/request-propagation';
import {
  buildBaselineBundle,
  buildDossierBundle,
  createDb,
  databaseUrl,
  dropDatabase,
  freePort,
  officerToken,
  recreateDatabase,
  spawnTs,
  startTemporal,
  systemEnv,
  type BenchContext,
  type ChildHandle,
} from './stack';

/**
 * BENCH_CPU_PROF=worker,api (names of the children) runs them with V8's --cpu-prof, the profiles
 * written to BENCH_CPU_PROF_DIR (default: <scratch>/profiles, kept with BENCH_KEEP=1) when they stop.
 */
function profiling(ctx: BenchContext, name: string): { nodeArgs?: string[] } {
  const wanted = (process.env.BENCH_CPU_PROF ?? '').split(',').map((s) => s.trim());
  if (!wanted.includes(name)) return {};
  const dir = process.env.BENCH_CPU_PROF_DIR || path.join(ctx.tmp, 'profiles');
  return { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, name)}`] };
}

/**
 * BENCH_WORKER_NICE=-10 (an experiment, off by default): every worker process that runs workflows,
 * ours and the baselines', runs at that nice value, all of its threads (Linux sets it per thread;
 * the SDK's workflow thread and core's threads exist once the worker is ready). It stands in for
 * a worker with cores of its own: on these two cores, it is served before the engine, PostgreSQL
 * and the API when it is ready to run. Under BENCH_WORKER_SPLIT=1 the `activities` process (the
 * relays, maintenance) keeps the default, as it would on a machine of its own.
 */
function prioritise(child: ChildHandle): ChildHandle {
  const nice = process.env.BENCH_WORKER_NICE;
  if (!nice) return child;
  for (const tid of fs.readdirSync(`/proc/${child.pid}/task`)) os.setPriority(Number(tid), Number(nice));
  return child;
}

export const SYSTEM_TASK_QUEUE = (runId: string) => `bench-dossiers-${runId}`;
export const BASELINE_TASK_QUEUE = (runId: string) => `bench-baseline-${runId}`;

/** The seeded officers of agency 000.20.20.H29 the simulated officers sign in as. */
export const OFFICERS = ['motcua.saigon', 'chuyenvien.saigon1', 'chuyenvien.saigon2', 'lanhdao.saigon', 'giamsat.saigon', 'quantri'] as const;
export type Officer = (typeof OFFICERS)[number];

/**
 * The system under test, started on demand and shared by the scenarios: a fresh bench database,
 * our own Temporal dev server, the real worker process and the real API process, the baseline
 * worker of scenario (b); and a Temporal client and a database pool for the harness itself.
 */
export class BenchSystem {
  readonly dbUrl: string;
  readonly taskQueue: string;
  readonly baselineTaskQueue: string;
  db!: Knex;
  temporal!: DevServer;
  client!: Client;
  private connection?: Connection;
  private dossierBundle?: string;
  private baselineBundle?: string;
  worker?: ChildHandle;
  activityWorker?: ChildHandle;
  baselineWorker?: ChildHandle;
  api?: { baseUrl: string; child: ChildHandle };
  tokens = new Map<string, string>();
  private started = false;

  constructor(readonly ctx: BenchContext) {
    this.dbUrl = databaseUrl(ctx, 'dossier_bench');
    this.taskQueue = SYSTEM_TASK_QUEUE(ctx.runId);
    this.baselineTaskQueue = BASELINE_TASK_QUEUE(ctx.runId);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const t0 = Date.now();
    await recreateDatabase(this.dbUrl);
    this.db = createDb(this.dbUrl, { max: 10 });
    this.temporal = await startTemporal(this.ctx);
    this.connection = await Connection.connect({ address: this.temporal.address });
    this.client = new Client({ connection: this.connection, interceptors: { workflow: [requestIdClientInterceptor()] } });
    for (const o of OFFICERS) this.tokens.set(o, await officerToken(this.db, o));
    this.ctx.log(`system: database ${this.dbUrl}, Temporal ${this.temporal.address} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  token(officer: Officer): string {
    return this.tokens.get(officer)!;
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return systemEnv(this.ctx, { databaseUrl: this.dbUrl, temporalAddress: this.temporal.address, taskQueue: this.taskQueue, bundlePath: this.dossierBundle, extra });
  }

  /**
   * The real worker process (worker/main.ts), as `npm start` and the tests run it. With
   * BENCH_WORKER_SPLIT=1, as two processes: `worker` runs the workflows (WORKER_ROLE=workflows)
   * and `activity-worker` the activity tasks and relays (WORKER_ROLE=activities). Scenario (b)
   * counts both processes' CPU as the worker's; (d)'s memory is the workflows process's.
   */
  async startWorker(): Promise<ChildHandle> {
    if (this.worker) return this.worker;
    this.dossierBundle ??= await buildDossierBundle(this.ctx);
    const split = process.env.BENCH_WORKER_SPLIT === '1';
    if (split) this.activityWorker = await spawnTs(this.ctx, 'activity-worker', 'worker/main.ts', this.env({ WORKER_ROLE: 'activities' }), /worker: polling task queue/, profiling(this.ctx, 'activity-worker'));
    this.worker = prioritise(await spawnTs(this.ctx, 'worker', 'worker/main.ts', this.env(split ? { WORKER_ROLE: 'workflows' } : {}), /worker: polling task queue/, profiling(this.ctx, 'worker')));
    return this.worker;
  }

  async stopWorker(): Promise<void> {
    await this.worker?.stop();
    await this.activityWorker?.stop();
    this.worker = undefined;
    this.activityWorker = undefined;
  }

  /** The baseline worker (bench/baseline/worker.ts) on its own task queue, same dev server. */
  async startBaselineWorker(): Promise<ChildHandle> {
    if (this.baselineWorker) return this.baselineWorker;
    this.baselineBundle ??= await buildBaselineBundle(this.ctx);
    this.baselineWorker = prioritise(await spawnTs(
      this.ctx,
      'baseline-worker',
      path.join('bench', 'baseline', 'worker.ts'),
      // DATABASE_URL: the floors' durable writes (bench_floor_events), on the bench database.
      { ...process.env, TEMPORAL_ADDRESS: this.temporal.address, TEMPORAL_TASK_QUEUE: this.baselineTaskQueue, WORKFLOW_BUNDLE_PATH: this.baselineBundle, DATABASE_URL: this.dbUrl },
      /baseline-worker: polling task queue/,
      profiling(this.ctx, 'baseline-worker'),
    ));
    return this.baselineWorker;
  }

  async stopBaselineWorker(): Promise<void> {
    await this.baselineWorker?.stop();
    this.baselineWorker = undefined;
  }

  /**
   * The real API process (api/main.ts) on a free port. The public limiter stays on (its Redis
   * round trip is part of the lookup) with a limit no benchmark reaches.
   */
  async startApi(): Promise<{ baseUrl: string; child: ChildHandle }> {
    if (this.api) return this.api;
    const port = await freePort();
    const child = await spawnTs(
      this.ctx,
      'api',
      'api/main.ts',
      this.env({ HOST: '127.0.0.1', PORT: String(port), PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000000' }),
      /api: listening on/,
      profiling(this.ctx, 'api'),
    );
    this.api = { baseUrl: `http://127.0.0.1:${port}`, child };
    return this.api;
  }

  async stop(): Promise<void> {
    await this.api?.child.stop().catch(() => undefined);
    await this.stopBaselineWorker().catch(() => undefined);
    await this.stopWorker().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await this.temporal?.stop().catch(() => undefined);
    await this.db?.destroy().catch(() => undefined);
    if (this.started && process.env.BENCH_KEEP !== '1') await dropDatabase(this.dbUrl).catch(() => undefined);
    if (process.env.BENCH_KEEP !== '1') await removeRedisKeys(this.ctx).catch(() => undefined);
    if (this.dossierBundle) fs.rmSync(this.dossierBundle, { force: true });
  }
}

/** Removes this run's keys (BullMQ queues, rate-limit counters) from the shared Redis: only those under its own prefixes (one per database, stack.ts systemEnv). */
export async function removeRedisKeys(ctx: BenchContext): Promise<number> {
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `bench-${ctx.runId}-*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}
