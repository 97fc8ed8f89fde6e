import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, ensureDatabase, migrateAndSeed } from '../db/connection';
import { dossierWorkflowId } from '../domain/dossier-code';
import { freePort, startDevServer, type DevServer } from '../platform/temporal-dev-server';
import { eventually, stackEnv, startWorker, type WorkerProcess } from '../test/helpers/stack';
import { apiEnv, startApiProcess, type ApiProcess } from './helpers/api-process';
import { dropQueuePrefix, removeDir } from './helpers/cleanup';
import { deliveryViolations, dossierViolations, HAPPY_PATH_EVENTS, outboxViolations } from './helpers/invariants';
import { applicantFor, driveToApproval, newStats, runPool, type DriveContext } from './helpers/lifecycle';
import { startPrivatePostgres, type PrivatePostgres } from './helpers/private-postgres';
import { faultSeed, seededRng } from './helpers/rng';

/**
 * PostgreSQL is restarted twice while FAULT_PG_DOSSIERS dossiers (40 by default) go through
 * the happy path, at a quarter and at two thirds of the run: once cleanly (`pg_ctl stop -m
 * fast`: sessions are ended; down 1-3 s) and once like a crash (`-m immediate`: recovery from
 * the WAL at start; down 8-12 s, see DOWN). The worker and the API are the real
 * processes, on a PostgreSQL cluster (and a Temporal dev server) of this test's own: the
 * shared PostgreSQL is never touched. Their pools see their connections die and must
 * reconnect by themselves.
 *
 * Then: every submission answered is stored, every dossier completed with its event log
 * exactly the happy path's once each, the read model equal to the last event and to what
 * the workflow itself says, one payment and one result each, and every citizen message
 * delivered once per channel.
 */
const M = Number(process.env.FAULT_PG_DOSSIERS || 40);
const range = (v: string | undefined, d: [number, number]) => (v ? (v.split(',').map(Number) as [number, number]) : d);
/**
 * How long PostgreSQL stays down (ms) after each stop, on top of the stop and start themselves:
 * a quick clean restart, and a crash whose restart takes as long as one with WAL recovery on a
 * busy host does (longer than the ~7.5 s the dossier workflow's look-up activities retry for).
 */
const DOWN = { fast: range(process.env.FAULT_PG_DOWN_FAST_MS, [1000, 3000]), immediate: range(process.env.FAULT_PG_DOWN_IMMEDIATE_MS, [8000, 12000]) };

describe('PostgreSQL restarted during a run', () => {
  const seed = faultSeed('postgres-restart');
  const rng = seededRng(seed);
  const prefix = `${inject('runId')}-pgrestart`;
  const taskQueue = `faults-pg-${process.pid}`;
  const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-faults-pg-outbox-'));
  let pg: PrivatePostgres | undefined;
  let db: Knex | undefined;
  let worker: WorkerProcess | undefined;
  let api: ApiProcess | undefined;
  let temporal: Connection | undefined;
  let temporalServer: DevServer | undefined;

  beforeAll(async () => {
    // A Temporal server of its own too: dossier codes (and so workflow IDs) are unique per
    // database, and this database starts its sequences afresh, like the suites' shared one did.
    temporalServer = await startDevServer({ cli: inject('temporalCli'), uiPort: false, logFile: path.join(outbox, 'temporal.log') });
    pg = await startPrivatePostgres();
    const url = pg.url('dossier');
    await ensureDatabase(url);
    db = createDb(url, { max: 2 });
    await migrateAndSeed(db);
    const base = stackEnv({
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      QUEUE_PREFIX: prefix,
      NOTIFY_OUTBOX_DIR: outbox,
      // A message sent just before PostgreSQL went away cannot be recorded 'sent': its claim
      // stays 'sending' until the lease runs out and a later attempt takes it over (the
      // sandboxes answer it with the first message). Seconds here rather than two minutes.
      NOTIFY_CLAIM_LEASE_MS: '3000',
      SUBMISSION_RECONCILE_INTERVAL_MS: '2000',
      SUBMISSION_RECONCILE_GRACE_MS: '5000',
    });
    worker = await startWorker(base);
    api = await startApiProcess(apiEnv(base, await freePort()));
    temporal = await Connection.connect({ address: temporalServer.address });
  });
  afterAll(async () => {
    await api?.kill();
    await worker?.stop();
    await temporal?.close();
    await temporalServer?.stop();
    await db?.destroy();
    pg?.destroy();
    await dropQueuePrefix(inject('redisUrl'), prefix);
    removeDir(outbox);
  });

  it('loses nothing, and the read model catches up with every workflow', async () => {
    const eventsSoFar = async () => {
      try {
        return Number((await db!('dossier_events').count('* as n').first())!.n);
      } catch {
        return 0;
      }
    };
    const total = M * HAPPY_PATH_EVENTS.length;
    const restarts: string[] = [];
    let clientsDone = false;
    const restarter = (async () => {
      for (const [fraction, mode] of [
        [0.25, 'fast'],
        [0.66, 'immediate'],
      ] as const) {
        while (!clientsDone && (await eventsSoFar()) < total * fraction) await new Promise((r) => setTimeout(r, 100));
        if (clientsDone) return;
        const down = rng.int(...DOWN[mode]);
        const at = await eventsSoFar();
        pg!.stop(mode);
        await new Promise((r) => setTimeout(r, down));
        pg!.start();
        restarts.push(`-m ${mode} at ${at}/${total} events, down ${down} ms`);
      }
    })();

    const ctx: DriveContext = { baseUrl: api!.baseUrl, keyPrefix: `pg-${seed}`, anomalies: [], stats: newStats(), callTimeoutMs: 90_000 };
    const applicants = Array.from({ length: M }, (_, i) => applicantFor(process.pid + 2, i));
    const run = await runPool(M, 10, (i) => driveToApproval(ctx, i, applicants[i]!)).finally(() => (clientsDone = true));
    await restarter;
    process.stdout.write(`postgres-restart: seed ${seed}, ${M} dossiers, restarts: ${restarts.join('; ')}; client: ${JSON.stringify(ctx.stats)}\n`);
    expect(run.errors).toEqual([]);
    expect(ctx.anomalies).toEqual([]);
    expect(restarts).toHaveLength(2);

    // Every submission the clients were answered for is stored, once.
    const codes = run.results.map((r) => r!.code);
    const rows: Array<{ id: number; code: string; applicant_id_number: string }> = await db!('dossiers').whereIn('applicant_id_number', applicants.map((a) => a.idNumber)).select('id', 'code', 'applicant_id_number');
    expect(rows.map((r) => r.code).sort()).toEqual([...codes].sort());
    const ids = rows.map((r) => Number(r.id));

    // The read model catches up: every dossier completed, as its workflow says.
    await eventually(
      async () => Number((await db!('dossiers').whereIn('id', ids).whereNot('status', 'COMPLETED').count('* as n').first())!.n),
      (left) => left === 0,
      120_000,
    );
    const client = new Client({ connection: temporal! });
    for (const code of codes) {
      const result = await client.workflow.getHandle(dossierWorkflowId(code)).result();
      expect(result.status, code).toBe('COMPLETED');
    }
    expect(await dossierViolations(db!, ids, { events: HAPPY_PATH_EVENTS })).toEqual([]);
    expect(await outboxViolations(db!, ids)).toEqual([]);
    const deliveries = await eventually(() => deliveryViolations(db!, ids), (v) => v.length === 0, 60_000).catch(() => deliveryViolations(db!, ids));
    expect(deliveries).toEqual([]);
  });
});
