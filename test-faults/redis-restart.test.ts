import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../db/connection';
import { startSmtpCatcher, type SmtpCatcher } from '../integrations/email/smtp-catcher';
import { messageIdFor } from '../integrations/email/nodemailer-provider';
import { sandboxSmsDir } from '../integrations/sms/sandbox';
import { recordCounterPayment } from '../payments/payments';
import { freePort } from '../platform/temporal-dev-server';
import { eventually, http, stackEnv, startWorker, type WorkerProcess } from '../test/helpers/stack';
import { readEml } from '../test/helpers/notifications-fixtures';
import { apiEnv, startApiProcess, type ApiProcess } from './helpers/api-process';
import { removeDir } from './helpers/cleanup';
import { acceptedMessageViolations, deliveryViolations, dossierViolations, HAPPY_PATH_EVENTS, outboxViolations } from './helpers/invariants';
import { applicantFor, driveToApproval, newStats, runPool, submit, type DriveContext } from './helpers/lifecycle';
import { startPrivateRedis, type PrivateRedis } from './helpers/private-redis';
import { faultSeed, seededRng } from './helpers/rng';

/**
 * Redis (a server of this test's own, without persistence, as CI runs it) is SIGKILLed and
 * started again on the same port while FAULT_REDIS_DOSSIERS dossiers (30 by default) go
 * through the happy path and their citizens are told by SMS and e-mail. Provider rate limits
 * are low (4 messages a second per channel) so that messages are waiting in the BullMQ
 * queues when Redis loses them. E-mail goes over SMTP to a catcher that keeps every message
 * it receives, so a second send would show as a second message.
 *
 * Then: every citizen message delivered exactly once on each channel: one sent
 * `notifications` row per (message, channel), one message per key at the SMS gateway, one
 * e-mail per Message-ID at the SMTP server and nothing else; and the worker's periodic
 * maintenance (kept in Redis as a job scheduler) still runs.
 */
const K = Number(process.env.FAULT_REDIS_DOSSIERS || 30);

describe('Redis restarted during a run', () => {
  const seed = faultSeed('redis-restart');
  const rng = seededRng(seed);
  const taskQueue = `faults-redis-${process.pid}`;
  const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-faults-redis-outbox-'));
  const db = createDb(inject('databaseUrl'), { max: 4 });
  let redis: PrivateRedis | undefined;
  let smtp: SmtpCatcher | undefined;
  let worker: WorkerProcess | undefined;
  let api: ApiProcess | undefined;
  let ids: number[] = [];
  let restartedAt = 0;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    smtp = await startSmtpCatcher({ dir: path.join(outbox, 'smtp') });
    const base = stackEnv({
      REDIS_URL: redis.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      QUEUE_PREFIX: `${inject('runId')}-redis`,
      NOTIFY_OUTBOX_DIR: outbox,
      SMTP_URL: smtp.url,
      NOTIFY_EMAIL_PER_SECOND: '4',
      NOTIFY_SMS_PER_SECOND: '4',
      NOTIFY_BACKOFF_MS: '500',
      SUBMISSION_RECONCILE_INTERVAL_MS: '1000',
      SUBMISSION_RECONCILE_GRACE_MS: '2000',
    });
    worker = await startWorker(base);
    api = await startApiProcess(apiEnv(base, await freePort()));
  });
  afterAll(async () => {
    await api?.kill();
    await worker?.stop();
    await smtp?.close();
    await redis?.destroy();
    await db.destroy();
    removeDir(outbox);
  });

  /** Deliveries of these dossiers' citizen messages: queued (relayed to BullMQ) and not yet sent. */
  async function backlog(dossierIds: number[]): Promise<{ queued: number; sent: number }> {
    const queued = Number((await db('notification_outbox').whereIn('dossier_id', dossierIds).whereNull('recipient_user_id').whereNotNull('enqueued_at').count('* as n').first())!.n) * 2;
    const sent = Number((await db('notifications').whereIn('dossier_id', dossierIds).whereNull('recipient_user_id').where('status', 'sent').count('* as n').first())!.n);
    return { queued, sent };
  }

  it('delivers every citizen message exactly once per channel', async () => {
    const ctx: DriveContext = { baseUrl: api!.baseUrl, keyPrefix: `redis-${seed}`, anomalies: [], stats: newStats(), callTimeoutMs: 120_000 };
    const applicants = Array.from({ length: K }, (_, i) => applicantFor(process.pid + 3, i));
    const idsOf = async () => (await db('dossiers').whereIn('applicant_id_number', applicants.map((a) => a.idNumber)).select('id')).map((r) => Number(r.id));

    // Redis dies once messages are waiting in its queues, and comes back empty a moment later.
    let restart = '';
    const restarter = (async () => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const b = await backlog(await idsOf());
        if ((b.queued - b.sent >= 10 && b.sent >= 4) || Date.now() > deadline) {
          const down = rng.int(500, 2000);
          await redis!.kill();
          await new Promise((r) => setTimeout(r, down));
          await redis!.start();
          restartedAt = Date.now();
          restart = `Redis SIGKILLed with ${b.queued - b.sent} deliveries queued and ${b.sent} sent, down ${down} ms`;
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const run = await runPool(K, 10, (i) => driveToApproval(ctx, i, applicants[i]!));
    await restarter;
    process.stdout.write(`redis-restart: seed ${seed}, ${K} dossiers; ${restart}; client: ${JSON.stringify(ctx.stats)}\n`);
    expect(run.errors).toEqual([]);
    expect(ctx.anomalies).toEqual([]);
    ids = await idsOf();
    expect(ids).toHaveLength(K);
    await eventually(
      async () => Number((await db('dossiers').whereIn('id', ids).whereNot('status', 'COMPLETED').count('* as n').first())!.n),
      (left) => left === 0,
      60_000,
    );
    expect(await dossierViolations(db, ids, { events: HAPPY_PATH_EVENTS })).toEqual([]);
    expect(await outboxViolations(db, ids)).toEqual([]);

    const expected = K * 2 * 2;
    const deliveries = await eventually(() => deliveryViolations(db, ids), (v) => v.length === 0, 60_000).catch(() => deliveryViolations(db, ids));
    const b = await backlog(ids);
    process.stdout.write(`redis-restart: ${b.sent} of ${expected} deliveries sent\n`);
    expect(deliveries).toEqual([]);
    expect(await acceptedMessageViolations(db, ids, sandboxSmsDir(outbox), '.json', 'sms')).toEqual([]);

    // Over SMTP every send is a new e-mail: one per message key, and none for anything else.
    const keys: string[] = (await db('notification_outbox').whereIn('dossier_id', ids).whereNull('recipient_user_id').select('job_key')).map((r) => r.job_key);
    const from = 'Bộ phận Một cửa <no-reply@motcua.localhost>';
    const want = new Map(keys.map((k) => [messageIdFor(`${k}:email`, from), k]));
    const got = smtp!.folder.list().map((f) => readEml(f).messageId);
    const perId = got.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());
    expect([...perId].filter(([id, n]) => n !== 1 || !want.has(id)).map(([id, n]) => `${want.get(id) ?? id}: ${n}`)).toEqual([]);
    expect([...want].filter(([id]) => !perId.has(id)).map(([, k]) => `${k}: no e-mail`)).toEqual([]);
  });

  it("keeps running the worker's periodic maintenance: a payment its dossier was not told of is reconciled", async () => {
    expect(restartedAt).toBeGreaterThan(0);
    // A dossier waits for its fee; the counter payment is recorded, and the API dies before telling the workflow.
    const ctx: DriveContext = { baseUrl: api!.baseUrl, keyPrefix: `redis-maint-${seed}`, anomalies: [], stats: newStats() };
    const { code } = await submit(ctx, 0, applicantFor(process.pid + 4, 0));
    const accepted = await http('POST', `${api!.baseUrl}/api/v1/dossiers/${code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(accepted.status).toBe(200);
    const dossier = await eventually(() => db('dossiers').where({ code }).first('id', 'fee_due_vnd', 'fee_status'), (d) => d?.fee_status === 'unpaid');
    const officer = await db('users').where('username', 'motcua.saigon').first('id');
    const payment = await recordCounterPayment(db, { dossierId: Number(dossier.id), amountVnd: Number(dossier.fee_due_vnd), method: 'cash', officerId: officer.id });
    // The maintenance job (every second here) tells the workflow.
    const told = await eventually(() => db('dossier_payments').where('id', payment.id).first('workflow_acknowledged_at'), (p) => p.workflow_acknowledged_at !== null, 30_000).catch(() => null);
    expect(told, `payment ${payment.id} of ${code} still not told to its dossier ${((Date.now() - restartedAt) / 1000).toFixed(0)} s after the Redis restart`).not.toBeNull();
    expect(await db('dossier_events').where({ dossier_id: dossier.id, type: 'fee_paid' }).count('* as n').first()).toEqual({ n: 1 });
  });
});
