import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { recordDossierEvent } from '../../db/repositories/dossier-events';
import { createDb } from '../../db/connection';
import { messageFolder } from '../../integrations/email/outbox-folder';
import type { AcceptedSms } from '../../integrations/sms/sandbox';
import type { AcceptedZns } from '../../integrations/zalo/sandbox';
import { deliveryId, type Channel } from '../../notifications/channels';
import { deliverMessage } from '../../notifications/delivery';
import type { ChannelSender } from '../../notifications/senders';
import { notificationProviders, outboxEmailDir } from '../../notifications/wiring';
import type { NotificationConfig } from '../../platform/config';
import { channelWorkerOptions, deadLetterJobId, startNotifications, type NotificationService } from '../../worker/notification-worker';
import { eventually } from '../helpers/stack';
import { createDossier, outboxKey, readEml, testNotificationConfig } from '../helpers/notifications-fixtures';

/**
 * The notification pipeline in-process on the real components: PostgreSQL outbox → relay →
 * one BullMQ queue per channel → sandbox providers writing into a private outbox folder.
 */
describe('notification delivery', () => {
  const db = createDb(inject('databaseUrl'));
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const queueRedis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  let running: { service: NotificationService; close(): void } | undefined;
  let suffix = 0;
  const log: string[] = [];

  function start(config: NotificationConfig): NotificationService {
    suffix += 1;
    const providers = notificationProviders(config);
    const service = startNotifications({
      db,
      connection: redis,
      queueConnection: queueRedis,
      prefix: `${inject('runId')}-delivery-${suffix}`,
      config,
      providers,
      log: (line) => log.push(line),
      relayIntervalMs: 100,
    });
    running = { service, close: () => providers.close() };
    return service;
  }

  afterEach(async () => {
    if (!running) return;
    const { service, close } = running;
    running = undefined;
    await service.close();
    close();
    for (const name of [...Object.values(service.queues), service.deadLetters].map((q) => q.name)) {
      const q = new Queue(name, { connection: redis, prefix: service.deadLetters.opts.prefix });
      await q.obliterate({ force: true });
      await q.close();
    }
  });
  afterAll(async () => {
    redis.disconnect();
    queueRedis.disconnect();
    await db.destroy();
  });

  const rowsOf = (key: string) => db('notifications').where('job_id', 'like', `${key}:%`).orderBy('channel').select('channel', 'status', 'attempts', 'recipient', 'dead_lettered_at', 'error', 'body');
  const settled = (rows: Array<{ status: string; dead_lettered_at: Date | null }>, n: number) =>
    rows.length === n && rows.every((r) => r.status === 'sent' || r.dead_lettered_at !== null);

  /** What each sandbox accepted for this message, read from its folder as a developer would. */
  function accepted(config: NotificationConfig, key: string, channel: Channel): string | null {
    if (channel === 'email') return messageFolder(outboxEmailDir(config.outboxDir), '.eml').read(deliveryId(key, channel));
    return messageFolder(`${config.outboxDir}/${channel}`, '.json').read(deliveryId(key, channel));
  }

  it('sends exactly one message per channel when the enqueuing activity runs twice', async () => {
    const config = testNotificationConfig({ NOTIFY_CITIZEN_CHANNELS: 'sms,email,zalo' });
    const dossier = await createDossier(db, {
      status: 'SUPPLEMENT_REQUESTED',
      pendingAction: { kind: 'supplement', items: ['Bản sao Căn cước của chủ hộ kinh doanh'], deadline: '2026-12-01T10:00:00.000Z', reason: null },
    });
    const activities = createActivities({ db });
    // Temporal retries an activity whose completion was lost: the same input, twice.
    await activities.notifyApplicant({ dossierId: dossier.id, seq: 7, template: 'supplement_requested' });
    await activities.notifyApplicant({ dossierId: dossier.id, seq: 7, template: 'supplement_requested' });
    const key = `dossier-${dossier.id}-7-supplement_requested`;
    expect(await db('notification_outbox').where('job_key', key).count('* as n').first()).toEqual({ n: 1 });

    start(config);
    const rows = await eventually(() => rowsOf(key), (r) => settled(r, 3));
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['email', 'sent', 1],
      ['sms', 'sent', 1],
      ['zalo', 'sent', 1],
    ]);
    expect(rows.map((r) => r.recipient)).toEqual(['nhung.nguyen@example.vn', '0912345678', '84912345678']);

    const sms = JSON.parse(accepted(config, key, 'sms')!) as AcceptedSms;
    expect(sms.text).toBe(
      `Ho so ${dossier.code} can bo sung: Ban sao Can cuoc cua chu ho kinh doanh. Han bo sung: 17:00 01/12/2026. Qua han khong bo sung, ho so se bi dong.`,
    );
    const zns = JSON.parse(accepted(config, key, 'zalo')!) as AcceptedZns;
    expect(zns.templateData).toMatchObject({ ma_ho_so: dossier.code, han_bo_sung: '17:00 01/12/2026' });

    // The e-mail is a real RFC 5322 message in the development outbox, in Vietnamese.
    const emlFile = path.join(outboxEmailDir(config.outboxDir), `dossier-${dossier.id}-7-supplement_requested%3aemail.eml`);
    expect(fs.existsSync(emlFile)).toBe(true);
    const eml = readEml(emlFile);
    expect(eml.to).toBe('nhung.nguyen@example.vn');
    expect(eml.subject).toBe(`Hồ sơ ${dossier.code}: đề nghị bổ sung, hoàn thiện hồ sơ trước 17:00 ngày 01/12/2026`);
    expect(eml.text).toContain('Kính gửi Ông/Bà Nguyễn Thị Hồng Nhung,');
    expect(eml.text).toContain('  1. Bản sao Căn cước của chủ hộ kinh doanh');
    expect(eml.headers).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
  });

  it('sends nothing more when a job is processed twice', async () => {
    const config = testNotificationConfig();
    const dossier = await createDossier(db);
    const key = outboxKey('twice');
    await db('notification_outbox').insert({ job_key: key, dossier_id: dossier.id, template: 'intake_accepted', payload: JSON.stringify({}) });
    const service = start(config);
    await eventually(() => rowsOf(key), (r) => settled(r, 2));
    const first = accepted(config, key, 'sms');

    // The same message queued again (a job removed after completion and relayed anew, or a stalled job redelivered).
    const again = await service.queues.sms.add('intake_accepted', { outboxKey: key, channel: 'sms' }, { jobId: `${key}-again` });
    await eventually(() => again.getState(), (s) => s === 'completed');
    expect((await service.queues.sms.getJob(`${key}-again`))?.returnvalue).toEqual({ kind: 'already_sent' });
    expect(accepted(config, key, 'sms')).toBe(first);
    expect((await rowsOf(key)).map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['email', 'sent', 1],
      ['sms', 'sent', 1],
    ]);
  });

  it('lets one of two concurrent attempts send and holds the other', async () => {
    const dossier = await createDossier(db);
    const key = outboxKey('race');
    await db('notification_outbox').insert({ job_key: key, dossier_id: dossier.id, template: 'payment_due', enqueued_at: new Date() });
    let sends = 0;
    const slow: ChannelSender = {
      provider: 'slow',
      idempotent: true,
      prepare: () => ({
        body: 'x',
        send: async () => {
          sends += 1;
          await new Promise((r) => setTimeout(r, 300));
          return { messageId: `slow-${sends}` };
        },
      }),
    };
    const both = await Promise.all([1, 2].map(() => deliverMessage(db, { outboxKey: key, channel: 'sms', sender: slow, leaseMs: 60_000 })));
    expect(sends).toBe(1);
    expect(both.map((o) => o.kind).sort()).toEqual(['held', 'sent']);
  });

  it('takes over a claim left by a dead worker only when the provider deduplicates', async () => {
    const dossier = await createDossier(db);
    const key = outboxKey('stale');
    await db('notification_outbox').insert({ job_key: key, dossier_id: dossier.id, template: 'denied', enqueued_at: new Date() });
    const stale = (channel: Channel) =>
      db('notifications').insert({ job_id: deliveryId(key, channel), dossier_id: dossier.id, channel, recipient: '-', template: 'denied', body: '-', status: 'sending', attempts: 1, claimed_at: new Date(Date.now() - 10_000) });
    const sender = (idempotent: boolean): ChannelSender => ({ provider: 'p', idempotent, prepare: () => ({ body: 'b', send: async () => ({ messageId: 'again' }) }) });

    await stale('sms');
    expect(await deliverMessage(db, { outboxKey: key, channel: 'sms', sender: sender(true), leaseMs: 60_000 })).toMatchObject({ kind: 'held' });
    expect(await deliverMessage(db, { outboxKey: key, channel: 'sms', sender: sender(true), leaseMs: 1_000 })).toEqual({ kind: 'sent', messageId: 'again', attempt: 2 });

    await stale('email');
    expect(await deliverMessage(db, { outboxKey: key, channel: 'email', sender: sender(false), leaseMs: 1_000 })).toMatchObject({ kind: 'outcome_unknown' });
    expect(await db('notifications').where('job_id', deliveryId(key, 'email')).first('status', 'attempts')).toEqual({ status: 'sending', attempts: 1 });
  });

  it('moves a message that keeps failing to the dead-letter queue, and marks its row', async () => {
    const config = testNotificationConfig({ NOTIFY_SANDBOX_FAIL_RECIPIENTS: '0987000111' });
    const unreachable = await createDossier(db, { phone: '0987000111' });
    const malformed = await createDossier(db, { phone: '12345' });
    const keys = { unreachable: outboxKey('unreachable'), malformed: outboxKey('malformed') };
    await db('notification_outbox').insert([
      { job_key: keys.unreachable, dossier_id: unreachable.id, template: 'result_delivered' },
      { job_key: keys.malformed, dossier_id: malformed.id, template: 'result_delivered' },
    ]);
    const service = start(config);

    // A temporary failure is retried with backoff, then given up on after the last attempt.
    const rows = await eventually(() => rowsOf(keys.unreachable), (r) => settled(r, 2));
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['email', 'sent', 1], // the other channel of the same event is not held back
      ['sms', 'failed', 3],
    ]);
    expect(rows[1]!.dead_lettered_at).not.toBeNull();
    expect(rows[1]!.error).toMatch(/unreachable/);
    const letter = await service.deadLetters.getJob(deadLetterJobId({ outboxKey: keys.unreachable, channel: 'sms' }));
    expect(letter?.data).toMatchObject({ outboxKey: keys.unreachable, channel: 'sms', queue: 'notifications-sms', attempts: 3 });
    expect(letter?.data.error).toMatch(/unreachable/);
    expect(await service.queues.sms.getJobState(keys.unreachable)).toBe('failed');
    expect(accepted(config, keys.unreachable, 'sms')).toBeNull();

    // A refusal that can never succeed is not retried.
    const refused = await eventually(() => rowsOf(keys.malformed), (r) => settled(r, 2));
    expect(refused.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['email', 'sent', 1],
      ['sms', 'failed', 1],
    ]);
    expect((await service.deadLetters.getJob(deadLetterJobId({ outboxKey: keys.malformed, channel: 'sms' })))?.data.error).toMatch(/not a Vietnamese mobile number/);

    // An officer corrects the number and sends the dead letter again: it goes out, once.
    await db('dossiers').where('id', malformed.id).update({ applicant_phone: '0912000333' });
    expect(await service.redrive(deadLetterJobId({ outboxKey: keys.malformed, channel: 'sms' }))).toBe(true);
    const redriven = await eventually(() => rowsOf(keys.malformed), (r) => r.every((x) => x.status === 'sent'));
    expect(redriven.map((r) => [r.channel, r.status, r.attempts, r.recipient, r.dead_lettered_at])).toEqual([
      ['email', 'sent', 1, 'nhung.nguyen@example.vn', null],
      ['sms', 'sent', 2, '0912000333', null],
    ]);
    expect(await service.deadLetters.getJob(deadLetterJobId({ outboxKey: keys.malformed, channel: 'sms' }))).toBeUndefined();
    expect(JSON.parse(accepted(config, keys.malformed, 'sms')!)).toMatchObject({ to: '84912000333' });
  });

  it('delays a job whose message another attempt is still sending, without spending an attempt', async () => {
    const config = testNotificationConfig({ NOTIFY_CLAIM_LEASE_MS: '1500', NOTIFY_CITIZEN_CHANNELS: 'sms' });
    const dossier = await createDossier(db);
    const key = outboxKey('held');
    await db('notification_outbox').insert({ job_key: key, dossier_id: dossier.id, template: 'withdrawn' });
    // A worker claimed it a moment ago and is, as far as anyone knows, still talking to the gateway.
    await db('notifications').insert({ job_id: deliveryId(key, 'sms'), dossier_id: dossier.id, channel: 'sms', recipient: '0912345678', template: 'withdrawn', body: '-', status: 'sending', attempts: 1 });
    const service = start(config);
    const delayed = await eventually(() => service.queues.sms.getJob(key), (j) => j !== undefined && j.delay > 0, 10_000);
    expect(delayed!.attemptsMade).toBe(0);
    // That worker never comes back: once its lease is over, the message is taken over and sent once.
    const rows = await eventually(() => rowsOf(key), (r) => settled(r, 1), 10_000);
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([['sms', 'sent', 2]]);
    const done = await service.queues.sms.getJob(key);
    expect(await done!.getState()).toBe('completed');
    expect(done!.attemptsMade).toBe(1); // the sending one only: waiting for the lease spent none
  });

  it("tells officers of a deadline alert by e-mail, and by SMS when their record has a phone", async () => {
    const config = testNotificationConfig();
    const specialist = await db('users').where('username', 'chuyenvien.saigon1').first('id', 'phone');
    await db('users').where('id', specialist.id).update({ phone: '0909123456' });
    try {
      const dossier = await createDossier(db, { assignee: 'chuyenvien.saigon1', status: 'IN_REVIEW', dueAt: '2026-11-26T09:00:00Z' });
      await recordDossierEvent(db, alertEvent(dossier.id));
      await recordDossierEvent(db, alertEvent(dossier.id)); // retried activity
      const outbox = await db('notification_outbox').where({ dossier_id: dossier.id, template: 'officer_alert' }).select('job_key', 'recipient_user_id');
      expect(outbox.length).toBeGreaterThanOrEqual(2); // the assignee and the agency's supervisors

      start(config);
      const rows = await eventually(
        () => db('notifications').where({ dossier_id: dossier.id, template: 'officer_alert' }).orderBy(['recipient', 'channel']).select('channel', 'recipient', 'status', 'recipient_user_id', 'body'),
        (r) => r.length === outbox.length + 1 && r.every((x) => x.status === 'sent'),
      );
      const mine = rows.filter((r) => r.recipient_user_id === specialist.id);
      expect(mine.map((r) => [r.channel, r.recipient])).toEqual([
        ['sms', '0909123456'],
        ['email', 'chuyenvien.saigon1@hochiminhcity.gov.vn'],
      ]);
      const email = mine.find((r) => r.channel === 'email')!;
      expect(email.body).toContain(`[Cảnh báo hạn] Hồ sơ ${dossier.code} đã quá hạn`);
      expect(email.body).toContain('Hạn giải quyết: 16:00 ngày 26/11/2026');
      expect(mine.find((r) => r.channel === 'sms')!.body).toContain(`Ho so ${dossier.code} da qua han`);
    } finally {
      await db('users').where('id', specialist.id).update({ phone: specialist.phone });
    }
  });

  it('applies each provider’s rate limit to its own worker', async () => {
    const config = testNotificationConfig({ NOTIFY_EMAIL_PER_SECOND: '7', NOTIFY_SMS_PER_SECOND: '3', NOTIFY_ZALO_PER_SECOND: '0' });
    const service = start(config);
    await Promise.all(Object.values(service.workers).map((w) => w.waitUntilReady()));
    expect(service.workers.email.opts.limiter).toEqual({ max: 7, duration: 1000 });
    expect(service.workers.sms.opts.limiter).toEqual({ max: 3, duration: 1000 });
    expect(service.workers.zalo.opts.limiter).toBeUndefined();
    expect(service.workers.sms.opts).toMatchObject({ lockDuration: 1000, stalledInterval: 1000, maxStalledCount: 2 });
    expect(channelWorkerOptions('sms', testNotificationConfig(), redis, 'p').limiter).toEqual({ max: 20, duration: 1000 }); // the default
  });
});

/** An overdue alert as the dossier workflow records it (the read model writes the officers' outbox rows). */
function alertEvent(dossierId: number) {
  return {
    dossierId,
    seq: 100,
    type: 'deadline_overdue',
    fromStatus: 'IN_REVIEW',
    toStatus: 'IN_REVIEW',
    actorId: null,
    actorRole: null,
    occurredAt: new Date().toISOString(),
    isPublic: false,
    data: {},
    projection: {},
    alert: { kind: 'overdue' as const, level: 0, message: 'Hồ sơ đã quá hạn giải quyết.' },
  };
}
