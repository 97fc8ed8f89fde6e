import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sandboxSmsDir } from '../integrations/sms/sandbox';
import { outboxEmailDir } from '../notifications/wiring';
import { eventually, stackEnv } from '../test/helpers/stack';
import { useStack } from '../test/helpers/use-stack';
import { dropQueuePrefix, removeDir } from './helpers/cleanup';
import { acceptedMessageViolations, deliveryViolations, dossierViolations, HAPPY_PATH_EVENTS, outboxViolations } from './helpers/invariants';
import { applicantFor, driveToApproval, newStats, runPool, type DriveContext } from './helpers/lifecycle';
import { faultSeed, seededRng } from './helpers/rng';
import { superviseWithKills, type KillSupervisor } from './helpers/supervisor';

/**
 * The worker process (Temporal worker, notification and maintenance workers) is killed at
 * random points while FAULT_DOSSIERS dossiers (200 by default) go through the happy path
 * concurrently: submission, intake, the fee in cash at the counter, proposal, approval,
 * e-result, completion. A supervisor restarts it after every death (see supervisor.ts: a
 * SIGKILL when the run reaches a seeded point, or a death right after committing an event of
 * a seeded type). Officers' clients retry with the same Idempotency-Key.
 *
 * Then: every dossier COMPLETED, its event log exactly the happy path's events once each
 * with seqs 1..n, the read model equal to the last event, one paid payment and one result
 * each, one outbox row per citizen message and exactly one sent `notifications` row per
 * (message, channel), each accepted once by the SMS gateway and the e-mail outbox.
 *
 * FAULT_SEED replays a kill plan; FAULT_KILLS sets the number of kill points (8, about 11
 * deaths: each costs the run some ten seconds, the activities' start-to-close timeout);
 * FAULT_CONCURRENCY the number of officers' clients at once.
 */
const N = Number(process.env.FAULT_DOSSIERS || 200);
const KILLS = Number(process.env.FAULT_KILLS ?? 8);
const CONCURRENCY = Number(process.env.FAULT_CONCURRENCY || 16);

describe(`worker SIGKILLed at random points during a run of ${N} dossiers`, () => {
  const seed = faultSeed('worker-kill');
  const prefix = `${inject('runId')}-kill`;
  // The workers run under the kill supervisor of the test.
  const { api, taskQueue } = useStack({ name: 'faults-kill', worker: false });
  const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-faults-kill-outbox-'));
  const env = stackEnv({
    TEMPORAL_TASK_QUEUE: taskQueue,
    QUEUE_PREFIX: prefix,
    NOTIFY_OUTBOX_DIR: outbox,
    // A dead worker's notification jobs and claims are taken over in seconds, not minutes.
    NOTIFY_JOB_LOCK_MS: '2000',
    NOTIFY_CLAIM_LEASE_MS: '1000',
    // Payments recorded while no worker ran are told to their dossiers by the reconciler.
    SUBMISSION_RECONCILE_INTERVAL_MS: '2000',
    SUBMISSION_RECONCILE_GRACE_MS: '5000',
  });
  let supervisor: KillSupervisor | undefined;

  afterAll(async () => {
    await supervisor?.close();
    await dropQueuePrefix(inject('redisUrl'), prefix);
    removeDir(outbox);
  });

  it('completes every dossier with no duplicated events, payments or notifications', async () => {
    const started = Date.now();
    // Progress: this run's events in the log, out of the happy path's eight per dossier.
    const applicantPrefix = applicantFor(process.pid, 0).idNumber.slice(0, 6);
    const progress = async () => {
      const r = await api.db('dossier_events as e').join('dossiers as d', 'd.id', 'e.dossier_id').where('d.applicant_id_number', 'like', `${applicantPrefix}%`).count('* as n').first();
      return Number(r!.n) / (N * HAPPY_PATH_EVENTS.length);
    };
    supervisor = superviseWithKills({ env, rng: seededRng(seed), kills: KILLS, progress, crashAfterEvents: HAPPY_PATH_EVENTS.filter((e) => e !== 'submitted') });
    const ctx: DriveContext = { baseUrl: api.baseUrl, keyPrefix: `kill-${seed}`, anomalies: [], stats: newStats(), callTimeoutMs: 240_000 };
    const run = await runPool(N, CONCURRENCY, (i) => driveToApproval(ctx, i, applicantFor(process.pid, i)));
    const approvedAt = Date.now();
    expect(run.errors, supervisor.log.join('\n')).toEqual([]);
    expect(ctx.anomalies).toEqual([]);
    const codes = run.results.map((r) => r!.code);
    expect(new Set(codes).size).toBe(N);
    const ids: number[] = (await api.db('dossiers').whereIn('code', codes).select('id')).map((r) => Number(r.id));
    expect(ids).toHaveLength(N);

    // The worker issues and delivers the results; the planned kills all fall before the run is over.
    await eventually(
      async () => Number((await api.db('dossiers').whereIn('id', ids).whereNot('status', 'COMPLETED').count('* as n').first())!.n),
      (left) => left === 0,
      180_000,
    );
    const completedAt = Date.now();
    await supervisor.done;
    const kills = { ...supervisor.kills };

    // The last worker sends what is still owed; then nothing is missing and nothing is twice.
    const deliveries = await eventually(() => deliveryViolations(api.db, ids), (v) => v.length === 0, 120_000).catch(async () => deliveryViolations(api.db, ids));
    process.stdout.write(
      `worker-kill: seed ${seed}, ${N} dossiers, ${kills.sigkill} SIGKILLs + ${kills.afterEvent} deaths right after an event, ${supervisor.incarnations} worker processes; ` +
        `approved in ${((approvedAt - started) / 1000).toFixed(0)} s, completed in ${((completedAt - started) / 1000).toFixed(0)} s, delivered in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
        `client retries: ${JSON.stringify(ctx.stats)}\n${supervisor.log.join('\n')}\n`,
    );
    expect(kills.sigkill + kills.afterEvent).toBe(supervisor.planned);
    expect(await dossierViolations(api.db, ids, { events: HAPPY_PATH_EVENTS })).toEqual([]);
    expect(await outboxViolations(api.db, ids)).toEqual([]);
    expect(deliveries).toEqual([]);
    expect(await acceptedMessageViolations(api.db, ids, sandboxSmsDir(outbox), '.json', 'sms')).toEqual([]);
    expect(await acceptedMessageViolations(api.db, ids, outboxEmailDir(outbox), '.eml', 'email')).toEqual([]);
  });
});
