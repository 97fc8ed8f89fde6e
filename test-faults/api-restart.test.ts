import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../db/connection';
import { freePort } from '../platform/temporal-dev-server';
import { eventually, stackEnv, startWorker, type WorkerProcess } from '../test/helpers/stack';
import { apiEnv, startApiProcess, type ApiProcess } from './helpers/api-process';
import { dropQueuePrefix } from './helpers/cleanup';
import { applicantFor, newStats, runPool, submit, type DriveContext } from './helpers/lifecycle';
import { faultSeed, seededRng } from './helpers/rng';

/**
 * The API process (`api/main.ts`) is SIGKILLed FAULT_API_KILLS times (10) at seeded random
 * points of the run, and started again on the same port each time, while citizens submit
 * FAULT_SUBMISSIONS dossiers (80 by default), eight at a time, each client
 * sending its submission again with the same Idempotency-Key until it gets 200, 201 or 202.
 * Kills land before the submission's transaction commits (rolled back: the retry creates
 * the dossier), after it (the retry finds it: 200) and while the workflow is being started
 * (the retry or the worker's reconciler starts it).
 *
 * Then: exactly one dossier per applicant, each key mapped to one dossier, that dossier the
 * one the client was answered with, and every dossier's workflow started once.
 */
const N = Number(process.env.FAULT_SUBMISSIONS || 80);
const KILLS = Number(process.env.FAULT_API_KILLS || 10);
const CONCURRENCY = 8;

describe(`API killed and restarted during ${N} submissions with idempotency keys`, () => {
  const seed = faultSeed('api-restart');
  const rng = seededRng(seed);
  const prefix = `${inject('runId')}-apikill`;
  const taskQueue = `faults-apikill-${process.pid}`;
  const base = stackEnv({ TEMPORAL_TASK_QUEUE: taskQueue, QUEUE_PREFIX: prefix, SUBMISSION_RECONCILE_INTERVAL_MS: '1000', SUBMISSION_RECONCILE_GRACE_MS: '3000' });
  const db = createDb(inject('databaseUrl'), { max: 4 });
  let worker: WorkerProcess | undefined;
  let api: ApiProcess | undefined;
  let killing = true;
  let killer: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    worker = await startWorker(base);
  });
  afterAll(async () => {
    killing = false;
    await killer.catch(() => undefined);
    await api?.kill();
    await worker?.stop();
    await db.destroy();
    await dropQueuePrefix(inject('redisUrl'), prefix);
  });

  it('creates exactly one dossier per Idempotency-Key however often the API dies', async () => {
    const port = await freePort();
    const env = apiEnv(base, port);
    api = await startApiProcess(env);
    // Kills at seeded points of the run (fractions of the submissions answered), whatever the machine's speed.
    const points = Array.from({ length: KILLS }, () => 0.02 + 0.9 * rng.next()).sort((a, b) => a - b);
    let answered = 0;
    const kills: string[] = [];
    killer = (async () => {
      for (const point of points) {
        while (killing && answered / N < point) await new Promise((r) => setTimeout(r, 20));
        if (!killing) break;
        await api!.kill();
        kills.push(`${answered}/${N}`);
        api = await startApiProcess(env);
      }
    })();

    const tag = process.pid + 1;
    const ctx: DriveContext = { baseUrl: `http://127.0.0.1:${port}`, keyPrefix: `apikill-${seed}`, anomalies: [], stats: newStats(), callTimeoutMs: 120_000 };
    const applicants = Array.from({ length: N }, (_, i) => applicantFor(tag, i));
    const run = await runPool(N, CONCURRENCY, async (i) => {
      const r = await submit(ctx, i, applicants[i]!);
      answered += 1;
      return r;
    });
    killing = false;
    await killer;
    process.stdout.write(`api-restart: seed ${seed}, ${N} submissions, SIGKILLs of the API after ${kills.join(', ')} answered; client: ${JSON.stringify(ctx.stats)}\n`);
    expect(run.errors).toEqual([]);
    expect(kills).toHaveLength(KILLS);
    // Some kills fell between the commit and the answer: those retries found their dossier (200).
    expect(ctx.stats.replayedSubmissions).toBeGreaterThan(0);

    // One dossier per applicant, and it is the one the client was told about.
    const ids = applicants.map((a) => a.idNumber);
    const dossiers: Array<{ id: number; code: string; applicant_id_number: string }> = await db('dossiers').whereIn('applicant_id_number', ids).select('id', 'code', 'applicant_id_number');
    expect(dossiers).toHaveLength(N);
    const byApplicant = new Map(dossiers.map((d) => [d.applicant_id_number, d]));
    expect(byApplicant.size).toBe(N);
    for (let i = 0; i < N; i++) expect(byApplicant.get(applicants[i]!.idNumber)?.code, `applicant #${i}`).toBe(run.results[i]!.code);

    // Each key claimed once, for that dossier.
    const keys = run.results.map((r) => r!.key);
    const claims: Array<{ scope: string; key: string; dossier_id: number | null }> = await db('idempotency_keys').whereIn('key', keys).select('scope', 'key', 'dossier_id');
    expect(claims).toHaveLength(N);
    for (let i = 0; i < N; i++) {
      const claim = claims.filter((c) => c.key === keys[i]);
      expect(claim, keys[i]).toHaveLength(1);
      expect(claim[0]!.scope).toBe(`dossier-submission:citizen:${applicants[i]!.idNumber}`);
      expect(Number(claim[0]!.dossier_id)).toBe(Number(byApplicant.get(applicants[i]!.idNumber)!.id));
    }

    // Every workflow started (by a retry or by the worker's reconciler), and started once.
    const dossierIds = dossiers.map((d) => Number(d.id));
    const submitted = await eventually(
      () => db('dossier_events').whereIn('dossier_id', dossierIds).where('type', 'submitted').select('dossier_id'),
      (rows) => rows.length >= N,
      60_000,
    );
    expect(submitted).toHaveLength(N);
    expect(new Set(submitted.map((r) => Number(r.dossier_id))).size).toBe(N);
    expect(await db('dossiers').whereIn('id', dossierIds).whereNull('workflow_started_at').count('* as n').first()).toEqual({ n: 0 });
    expect(await db('dossier_events').whereIn('dossier_id', dossierIds).whereNot('type', 'submitted').count('* as n').first()).toEqual({ n: 0 });
  });
});
