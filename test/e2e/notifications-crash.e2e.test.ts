import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { createDb } from '../../db/connection';
import { messageFolder } from '../../integrations/email/outbox-folder';
import type { AcceptedSms } from '../../integrations/sms/sandbox';
import { CHANNELS, channelQueueName, DEAD_LETTER_QUEUE } from '../../notifications/channels';
import { outboxEmailDir } from '../../notifications/wiring';
import { eventually, stackEnv, startWorker, type WorkerProcess } from '../helpers/stack';
import { createDossier, readEml, tempOutbox } from '../helpers/notifications-fixtures';

/**
 * The real worker process is SIGKILLed in the middle of a delivery, at the worst moment: the
 * SMS gateway has accepted the message and the `notifications` row still says 'sending'. A
 * new worker process takes the stalled job over once the claim's lease has run out, calls
 * the gateway again with the same request id, gets the first message back, and records it:
 * the citizen has one SMS and one e-mail.
 */
describe('worker killed while sending a notification', () => {
  const db = createDb(inject('databaseUrl'));
  const outbox = tempOutbox();
  const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-notify-crash-')), 'crashed');
  const base = {
    TEMPORAL_TASK_QUEUE: `notify-crash-${process.pid}`,
    QUEUE_PREFIX: `${inject('runId')}-notify-crash`,
    NOTIFY_OUTBOX_DIR: outbox,
    // Short enough for a test: a dead worker's job is taken over after about 2 s, its claim after 0.5 s.
    NOTIFY_JOB_LOCK_MS: '1000',
    NOTIFY_CLAIM_LEASE_MS: '500',
  };
  let first: WorkerProcess | undefined;
  let second: WorkerProcess | undefined;
  afterAll(async () => {
    await first?.kill();
    await second?.stop();
    await db.destroy();
    const redis = new Redis(inject('redisUrl'));
    for (const name of [...CHANNELS.map(channelQueueName), DEAD_LETTER_QUEUE]) {
      const q = new Queue(name, { connection: redis, prefix: base.QUEUE_PREFIX });
      await q.obliterate({ force: true });
      await q.close();
    }
    redis.disconnect();
  });

  it('sends exactly one SMS and one e-mail for the event across the crash and restart', async () => {
    const dossier = await createDossier(db);
    // Only this test's message is in flight: earlier suites' rows are not relayed by these workers,
    // and the workers must not take this fresh queue prefix for a Redis that lost its data.
    await db('notification_outbox').whereNull('enqueued_at').update({ enqueued_at: db.fn.now() });
    const epoch = new Redis(inject('redisUrl'));
    await epoch.set(`${base.QUEUE_PREFIX}:notifications:epoch`, new Date().toISOString());
    epoch.disconnect();
    first = await startWorker(stackEnv({ ...base, DOSSIER_FAULT_CRASH_AFTER_SEND: 'sms', DOSSIER_FAULT_MARKER: marker }));

    await createActivities({ db }).notifyApplicant({ dossierId: dossier.id, seq: 2, template: 'intake_accepted' });
    const key = `dossier-${dossier.id}-2-intake_accepted`;
    const exit = await Promise.race([first.exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
    expect(exit, first.output()).toBeNull(); // killed by the signal
    expect(fs.existsSync(marker)).toBe(true);

    // The gateway has the message; our record does not know it yet.
    const sms = messageFolder(path.join(outbox, 'sms'), '.json');
    const accepted = JSON.parse(sms.read(`${key}:sms`)!) as AcceptedSms;
    expect(accepted.to).toBe('84912345678');
    expect(await db('notifications').where('job_id', `${key}:sms`).first('status', 'attempts')).toEqual({ status: 'sending', attempts: 1 });

    second = await startWorker(stackEnv(base));
    const rows = await eventually(
      () => db('notifications').where('job_id', 'like', `${key}:%`).orderBy('channel').select('channel', 'status', 'attempts', 'provider_message_id', 'dead_lettered_at'),
      (r) => r.length === 2 && r.every((x) => x.status === 'sent'),
      60_000,
    );
    expect(rows.map((r) => [r.channel, r.status, r.dead_lettered_at])).toEqual([
      ['email', 'sent', null],
      ['sms', 'sent', null],
    ]);
    const smsRow = rows.find((r) => r.channel === 'sms')!;
    expect(smsRow.attempts).toBe(2); // taken over after the crash…
    expect(smsRow.provider_message_id).toBe(accepted.messageId); // …and answered with the first message

    // One message per channel reached the citizen.
    expect(sms.list()).toHaveLength(1);
    const emails = messageFolder(outboxEmailDir(outbox), '.eml').list();
    expect(emails).toHaveLength(1);
    expect(readEml(emails[0]!).subject).toBe(`Biên nhận hồ sơ ${dossier.code} – hẹn trả kết quả 08:30 ngày 27/11/2026`);
    expect(second.output()).not.toMatch(/dead-lettered/);
  });
});
