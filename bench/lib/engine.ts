import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import { ensureDatabase, migrateAndSeed } from '../../db/connection';
import { startSmtpCatcher, type SmtpCatcher } from '../../integrations/email/smtp-catcher';
import { requestIdClientInterceptor } from '../../platform/request-propagation';
import { startPostgresTemporal, type PostgresTemporal } from '../../platform/temporal-server';
import { dropDatabase as dropAnyDatabase } from '../../test/helpers/databases';
import { expectCall } from './http';
import { buildDossierBundle, citizenToken, createDb, databaseUrl, freePort, officerToken, spawnTs, systemEnv, type BenchContext, type ChildHandle } from './stack';
import { OFFICERS, SYSTEM_TASK_QUEUE, type Officer } from './system';

/**
 * The production-shaped stack of issue 18, target 5 (bench scenario (e), `npm run test:engine`):
 * the Temporal server v1.29.1 persisting to PostgreSQL (platform/temporal-server.ts, as
 * docker-compose.yml's auto-setup runs it), and any number of pairs of the real API process and
 * the real worker process sharing it, one database, one Redis prefix, one task queue — as
 * `docker compose up --scale api=2 --scale worker=2` would. Every worker runs every relay
 * (notification outbox, BullMQ channel workers, webhook relay and delivery, maintenance).
 *
 * Witnesses of what went out, outside the system: an SMTP catcher (SMTP_URL of every worker:
 * counts every e-mail received, with no deduplication of its own), each worker's own sandbox SMS
 * folder (separate, as separate containers' disks would be: a message sent by both workers shows
 * up in both), and an HTTP receiver subscribed to every webhook event, counting requests by
 * event id.
 */

export interface EngineOptions {
  /** The application database (dossier_bench* / dossier_engine*), recreated. */
  appDatabase: string;
  /** The Temporal databases: `<temporalDatabase>` and `<temporalDatabase>_visibility`. */
  temporalDatabase: string;
  /** Drop the databases at stop (default true unless BENCH_KEEP=1). */
  dropAtStop?: boolean;
}

export interface EnginePair {
  index: number;
  api: ChildHandle;
  baseUrl: string;
  worker: ChildHandle;
  smsDir: string;
}

export interface Witnesses {
  email: { received: number; distinct: number; duplicates: number };
  /** `byWorker`: files in each worker's folder (both workers' channel workers take jobs). */
  sms: { files: number; distinct: number; duplicates: number; byWorker: number[] };
  webhooks: { requests: number; distinct: number; duplicates: number; byEvent: Map<string, number> };
}

export interface Outgoing {
  /** `notifications` rows by channel and status. */
  notifications: Record<string, Record<string, number>>;
  /** Rows still waiting in the outbox (not yet handed to BullMQ). */
  outboxPending: number;
  /** `webhook_deliveries` rows by status. */
  webhookDeliveries: Record<string, number>;
  /**
   * What was still to send when waitQuiet gave up (0 once quiet): outbox rows not relayed or
   * relayed without a notification row, messages mid-send, webhook deliveries pending.
   */
  unsent?: number;
}

const PROCEDURE = 'TP-SAOSOGOC'; // no fee: accept → propose → approve → delivered online → completed
const AGENCY = '000.20.20.H29';

export class EngineSystem {
  readonly dbUrl: string;
  readonly taskQueue: string;
  db!: Knex;
  temporal!: PostgresTemporal;
  client!: Client;
  smtp!: SmtpCatcher;
  pairs: EnginePair[] = [];
  private connection?: Connection;
  private bundle?: string;
  private receiver?: http.Server;
  private webhookUrl = '';
  private webhookRequests = new Map<string, number>();
  private tokens = new Map<string, string>();
  private specialists = new Map<number, string>();
  private citizenSeq = 0;
  private started = false;

  constructor(
    readonly ctx: BenchContext,
    readonly opts: EngineOptions,
  ) {
    if (!/^dossier_(bench|engine)[a-z0-9_]*$/.test(opts.appDatabase)) throw new Error(`refusing database name ${opts.appDatabase}`);
    this.dbUrl = databaseUrl(ctx, opts.appDatabase);
    this.taskQueue = SYSTEM_TASK_QUEUE(ctx.runId);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const t0 = Date.now();
    await dropAnyDatabase(this.dbUrl);
    await ensureDatabase(this.dbUrl);
    this.db = createDb(this.dbUrl, { max: 10 });
    await migrateAndSeed(this.db);
    const pg = new URL(this.ctx.pgServer);
    this.temporal = await startPostgresTemporal({
      database: this.opts.temporalDatabase,
      visibilityDatabase: `${this.opts.temporalDatabase}_visibility`,
      dir: this.ctx.tmp,
      pgHost: pg.hostname,
      pgPort: Number(pg.port || 5432),
      pgUser: decodeURIComponent(pg.username || 'postgres'),
      pgPassword: decodeURIComponent(pg.password || ''),
      log: this.ctx.log,
    });
    this.connection = await Connection.connect({ address: this.temporal.address });
    this.client = new Client({ connection: this.connection, interceptors: { workflow: [requestIdClientInterceptor()] } });
    for (const o of OFFICERS) this.tokens.set(o, await officerToken(this.db, o));
    for (const u of ['chuyenvien.saigon1', 'chuyenvien.saigon2'] as const) {
      const row = await this.db('users').where('username', u).first('id');
      this.specialists.set(row.id, this.token(u));
    }
    this.smtp = await startSmtpCatcher({ dir: path.join(this.ctx.tmp, 'smtp') });
    await this.startWebhookReceiver();
    await this.db('webhook_subscriptions').insert({ name: 'engine witness', url: this.webhookUrl, secret: `whsec_${randomUUID()}`, events: ['*'], active: true });
    this.bundle = await buildDossierBundle(this.ctx);
    this.ctx.log(`engine: database ${this.opts.appDatabase}, Temporal (PostgreSQL) ${this.temporal.address} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  token(officer: Officer): string {
    return this.tokens.get(officer)!;
  }

  private async startWebhookReceiver(): Promise<void> {
    const port = await freePort();
    this.receiver = http.createServer((req, res) => {
      const id = String(req.headers['x-dossier-event-id'] ?? '');
      req.resume();
      req.on('end', () => {
        this.webhookRequests.set(id, (this.webhookRequests.get(id) ?? 0) + 1);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.receiver!.listen(port, '127.0.0.1', () => resolve()));
    this.webhookUrl = `http://127.0.0.1:${port}/webhooks/dossiers`;
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return systemEnv(this.ctx, { databaseUrl: this.dbUrl, temporalAddress: this.temporal.address, taskQueue: this.taskQueue, bundlePath: this.bundle, extra });
  }

  /** Starts one more API process and one more worker process against the shared stack. */
  async addPair(): Promise<EnginePair> {
    const index = this.pairs.length + 1;
    const smsRoot = path.join(this.ctx.tmp, `outbox-worker-${index}`);
    const worker = await spawnTs(
      this.ctx,
      `engine-worker-${index}`,
      'worker/main.ts',
      this.env({
        SMTP_URL: this.smtp.url,
        NOTIFY_OUTBOX_DIR: smsRoot,
        NOTIFY_CITIZEN_CHANNELS: 'sms,email',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      }),
      /worker: polling task queue/,
    );
    const port = await freePort();
    const api = await spawnTs(
      this.ctx,
      `engine-api-${index}`,
      'api/main.ts',
      this.env({ HOST: '127.0.0.1', PORT: String(port), PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000000', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }),
      /api: listening on/,
    );
    const pair = { index, api, baseUrl: `http://127.0.0.1:${port}`, worker, smsDir: path.join(smsRoot, 'sms') };
    this.pairs.push(pair);
    return pair;
  }

  /**
   * One dossier through the happy path over HTTP against `baseUrl`: citizen POST, intake
   * accept, proposal, decision. Returns the dossier id and the round trips by action.
   */
  async lifecycle(baseUrl: string, timings: Map<string, number[]>): Promise<{ id: number; code: string }> {
    this.citizenSeq += 1;
    const idNumber = `0792${String(this.citizenSeq).padStart(8, '0')}`;
    const token = await citizenToken(idNumber, 'Nguyễn Văn Bình');
    const submitted = await expectCall([201], 'POST', `${baseUrl}/api/v1/dossiers`, {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        procedureCode: PROCEDURE,
        agencyEid: AGENCY,
        deliveryMethod: 'online',
        applicant: { fullName: 'Nguyễn Văn Bình', idNumber, phone: '0912345678', email: `congdan${this.citizenSeq}@example.vn` },
        documents: [{ name: 'Đơn đề nghị cấp bản sao từ sổ gốc' }, { name: 'Giấy tờ tùy thân của người yêu cầu' }],
      },
    });
    push(timings, 'submit', submitted.ms);
    const code = encodeURIComponent(submitted.body.code as string);
    const accepted = await expectCall([200], 'POST', `${baseUrl}/api/v1/dossiers/${code}/intake/accept`, { token: this.token('motcua.saigon'), body: {} });
    push(timings, 'accept', accepted.ms);
    // The specialist acts once the dossier shows them assigned: the assignment continues after the
    // acceptance's answer (issue 18). This wait is nobody's action and is not timed.
    let assignee = this.specialists.get(accepted.body.assignee?.userId);
    const deadline = Date.now() + 120_000;
    while (!assignee) {
      const d = await expectCall([200], 'GET', `${baseUrl}/api/v1/dossiers/${code}`, { token: this.token('motcua.saigon') });
      assignee = this.specialists.get(d.body.assignee?.userId);
      if (assignee) break;
      if (d.body.assignee?.userId) throw new Error(`dossier ${submitted.body.code} was not assigned to a seeded specialist: ${JSON.stringify(d.body.assignee)}`);
      if (Date.now() > deadline) throw new Error(`dossier ${submitted.body.code} not assigned within 2 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const proposed = await expectCall([200], 'POST', `${baseUrl}/api/v1/dossiers/${code}/review/proposal`, { token: assignee, body: { proposal: 'approve' } });
    push(timings, 'propose', proposed.ms);
    const decided = await expectCall([200], 'POST', `${baseUrl}/api/v1/dossiers/${code}/decision`, { token: this.token('lanhdao.saigon'), body: { decision: 'approve' } });
    push(timings, 'decide', decided.ms);
    const row = await this.db('dossiers').where('code', submitted.body.code).first('id');
    return { id: Number(row.id), code: submitted.body.code as string };
  }

  /** Waits until every dossier in `ids` reads COMPLETED in the read model. */
  async waitCompleted(ids: number[], timeoutMs = 300_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await this.db('dossiers').whereIn('id', ids).andWhere('status', 'COMPLETED').count<{ count: string }[]>('* as count').first();
      const done = Number(row?.count ?? 0);
      if (done === ids.length) return;
      if (Date.now() > deadline) throw new Error(`only ${done} of ${ids.length} dossiers completed within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async outgoing(): Promise<Outgoing> {
    const notifications: Record<string, Record<string, number>> = {};
    for (const r of await this.db('notifications').select('channel', 'status').count<{ channel: string; status: string; count: string }[]>('* as count').groupBy('channel', 'status')) {
      (notifications[r.channel] ??= {})[r.status] = Number(r.count);
    }
    const pending = await this.db('notification_outbox').whereNull('enqueued_at').count<{ count: string }[]>('* as count').first();
    const webhookDeliveries: Record<string, number> = {};
    for (const r of await this.db('webhook_deliveries').select('status').count<{ status: string; count: string }[]>('* as count').groupBy('status')) {
      webhookDeliveries[r.status] = Number(r.count);
    }
    return { notifications, outboxPending: Number(pending?.count ?? 0), webhookDeliveries };
  }

  /**
   * Waits until nothing is left to send: the outbox relayed, no message mid-send, no webhook
   * delivery pending, and every delivered webhook seen by the receiver (then a quiet second).
   */
  async waitQuiet(timeoutMs = 180_000): Promise<Outgoing> {
    const deadline = Date.now() + timeoutMs;
    let last: Outgoing;
    for (;;) {
      last = await this.outgoing();
      const sending = Object.values(last.notifications).reduce((s, byStatus) => s + (byStatus.sending ?? 0), 0);
      const delivered = last.webhookDeliveries.delivered ?? 0;
      const pendingHooks = last.webhookDeliveries.pending ?? 0;
      const jobsWaiting = await this.db('notification_outbox as o')
        .whereNotExists(this.db('notifications as n').whereRaw(`n.job_id like o.job_key || '%'`).select(this.db.raw('1')))
        .count<{ count: string }[]>('* as count')
        .first();
      const unsent = last.outboxPending + sending + pendingHooks + Number(jobsWaiting?.count ?? 0);
      if (unsent === 0 && this.witnesses().webhooks.distinct >= delivered) {
        await new Promise((r) => setTimeout(r, 1500));
        return { ...(await this.outgoing()), unsent: 0 };
      }
      if (Date.now() > deadline) return { ...last, unsent };
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** What the outside world received. */
  witnesses(): Witnesses {
    const ids = new Map<string, number>();
    let received = 0;
    for (const file of this.smtp.folder.list()) {
      received += 1;
      const head = fs.readFileSync(file, 'utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
      const id = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? file;
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
    const sms = new Map<string, number>();
    let smsFiles = 0;
    const byWorker: number[] = [];
    for (const p of this.pairs) {
      let files: string[] = [];
      try {
        files = fs.readdirSync(p.smsDir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
      } catch {
        // no SMS from this worker
      }
      byWorker.push(files.length);
      for (const f of files) {
        smsFiles += 1;
        sms.set(f, (sms.get(f) ?? 0) + 1);
      }
    }
    let requests = 0;
    for (const n of this.webhookRequests.values()) requests += n;
    return {
      email: { received, distinct: ids.size, duplicates: received - ids.size },
      sms: { files: smsFiles, distinct: sms.size, duplicates: smsFiles - sms.size, byWorker },
      webhooks: { requests, distinct: this.webhookRequests.size, duplicates: requests - this.webhookRequests.size, byEvent: new Map(this.webhookRequests) },
    };
  }

  async stop(): Promise<void> {
    for (const p of this.pairs) await p.api.stop().catch(() => undefined);
    await Promise.all(this.pairs.map((p) => p.worker.stop().catch(() => undefined)));
    this.pairs = [];
    await this.connection?.close().catch(() => undefined);
    await this.temporal?.stop().catch(() => undefined);
    await this.smtp?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (this.receiver ? this.receiver.close(() => resolve()) : resolve()));
    await this.db?.destroy().catch(() => undefined);
    const drop = this.opts.dropAtStop ?? process.env.BENCH_KEEP !== '1';
    if (this.started && drop) {
      await dropAnyDatabase(this.dbUrl).catch(() => undefined);
      await this.temporal?.dropDatabases().catch(() => undefined);
    }
    if (this.bundle) fs.rmSync(this.bundle, { force: true });
  }
}

function push(m: Map<string, number[]>, key: string, ms: number): void {
  const list = m.get(key) ?? [];
  list.push(ms);
  m.set(key, list);
}
