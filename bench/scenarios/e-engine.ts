import os from 'node:os';
import { EngineSystem, type Outgoing, type Witnesses } from '../lib/engine';
import { table, type ScenarioResult } from '../lib/result';
import { backendPids, cpuMs, type BenchContext } from '../lib/stack';
import { fmt, pool, ratio, summarize, type Summary } from '../lib/stats';

/**
 * (e) The production-shaped engine (issue 18, target 5): the Temporal server v1.29.1 persisting
 * to PostgreSQL as docker-compose.yml runs it (built from source here, no Docker), with one
 * API + worker pair, then two pairs sharing it (the load split across both APIs, every relay
 * running in both workers). The same lifecycle as (b): citizen POST, accept, propose, decide
 * over HTTP, until COMPLETED in the read model. Then what went out, counted outside the system:
 * e-mails at an SMTP catcher, SMS in each worker's sandbox folder, webhooks at a receiver.
 */

interface PhaseFigures {
  pairs: number;
  n: number;
  lanes: number;
  seconds: number;
  perSecond: number;
  failures: number;
  submit: Summary;
  actions: Summary;
  byAction: Record<string, Summary>;
  /** CPU ms per completed dossier, by process label. */
  cpu: Record<string, number>;
  /** Transactions per dossier by database (pg_stat_database). */
  transactions: Record<string, number>;
  /** 1-minute load average at the end of the phase (the machine is shared). */
  load: number;
}

const DATABASES = ['dossier_bench_engine', 'temporal_bench', 'temporal_bench_visibility'];

export async function scenarioE(ctx: BenchContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const n = Number(process.env.BENCH_E_DOSSIERS ?? (ctx.quick ? 16 : 100));
  const lanes = Number(process.env.BENCH_E_LANES ?? (ctx.quick ? 4 : 16));
  const sys = new EngineSystem(ctx, { appDatabase: 'dossier_bench_engine', temporalDatabase: 'temporal_bench' });
  try {
    await sys.start();

    async function phase(label: string): Promise<PhaseFigures> {
      const apis = sys.pairs.map((p) => p.baseUrl);
      const run = async (count: number) => {
        const timings = new Map<string, number[]>();
        let failures = 0;
        const started = performance.now();
        const ids = (
          await pool(Array.from({ length: count }), lanes, async (_, i) => {
            try {
              return (await sys.lifecycle(apis[i % apis.length]!, timings)).id;
            } catch (err) {
              failures += 1;
              ctx.log(`e: dossier failed: ${(err as Error).message}`);
              return null;
            }
          })
        ).filter((id): id is number => id !== null);
        await sys.waitCompleted(ids);
        return { timings, failures, seconds: (performance.now() - started) / 1000 };
      };
      ctx.log(`e: ${label}: warm-up (${lanes} dossiers)`);
      await run(lanes);
      const pids: Record<string, number> = { 'Temporal server (PostgreSQL)': sys.temporal.process.pid! };
      for (const p of sys.pairs) {
        pids[`API ${p.index}`] = p.api.pid;
        pids[`worker ${p.index}`] = p.worker.pid;
      }
      const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
      const pgPids = async () => (await Promise.all(DATABASES.map((d) => backendPids(sys.db, d)))).flat();
      const pgBefore = new Map((await pgPids()).map((pid) => [pid, cpuMs(pid)]));
      const xacts = async () => {
        const r = await sys.db.raw('select datname, xact_commit + xact_rollback as x from pg_stat_database where datname = any(?)', [DATABASES]);
        return new Map<string, number>(r.rows.map((row: { datname: string; x: string }) => [row.datname, Number(row.x)]));
      };
      const xBefore = await xacts();
      const self = process.cpuUsage();
      ctx.log(`e: ${label}: ${n} dossiers, ${lanes} lanes over ${apis.length} API(s)`);
      const r = await run(n);
      const selfUsed = process.cpuUsage(self);
      // The counters are flushed by each backend about once a second after its transactions.
      await new Promise((res) => setTimeout(res, 1500));
      const xAfter = await xacts();
      const pgAfter = await pgPids();
      const pg = [...new Set([...pgBefore.keys(), ...pgAfter])].reduce((sum, pid) => sum + Math.max(0, cpuMs(pid) - (pgBefore.get(pid) ?? 0)), 0);
      const done = Math.max(1, n - r.failures);
      const cpu: Record<string, number> = {};
      for (const [k, pid] of Object.entries(pids)) cpu[k] = (cpuMs(pid) - before[k]!) / done;
      cpu['PostgreSQL (app + Temporal databases)'] = pg / done;
      cpu['harness'] = (selfUsed.user + selfUsed.system) / 1000 / done;
      const actions = ['accept', 'propose', 'decide'].flatMap((k) => r.timings.get(k) ?? []);
      const f: PhaseFigures = {
        pairs: sys.pairs.length,
        n,
        lanes,
        seconds: r.seconds,
        perSecond: (n - r.failures) / r.seconds,
        failures: r.failures,
        submit: summarize(r.timings.get('submit') ?? []),
        actions: summarize(actions),
        byAction: Object.fromEntries(['accept', 'propose', 'decide'].map((k) => [k, summarize(r.timings.get(k) ?? [])])),
        cpu,
        transactions: Object.fromEntries(DATABASES.map((d) => [d, ((xAfter.get(d) ?? 0) - (xBefore.get(d) ?? 0)) / done])),
        load: os.loadavg()[0]!,
      };
      ctx.log(`e: ${label}: ${fmt(f.perSecond, 2)} dossiers/s, actions p50 ${fmt(f.actions.p50)} ms p99 ${fmt(f.actions.p99)} ms, ${f.failures} failed`);
      return f;
    }

    await sys.addPair();
    const one = await phase('one pair');
    await sys.addPair();
    const two = await phase('two pairs');

    ctx.log('e: waiting until every notification and webhook has gone out');
    const outgoing = await sys.waitQuiet();
    const w = sys.witnesses();
    const dup = duplicates(w, outgoing);
    const speedup = ratio(two.perSecond, one.perSecond);
    const failures = one.failures + two.failures;

    const phases = [one, two];
    const cpuRows = [...new Set(phases.flatMap((p) => Object.keys(p.cpu)))].map((k) => [k, ...phases.map((p) => fmt(p.cpu[k], 1))]);
    cpuRows.push(['**total**', ...phases.map((p) => `**${fmt(Object.values(p.cpu).reduce((a, b) => a + b, 0), 1)}**`)]);
    const markdown = [
      `Setup: the Temporal server ${sys.temporal.binaries.server.includes('temporal-server') ? 'v1.29.1 built from source (`go install go.temporal.io/server/cmd/server@v1.29.1`)' : `\`${sys.temporal.binaries.server}\``}, ` +
        `its two databases on the same PostgreSQL (schemas set up by its \`temporal-sql-tool\`, as compose's \`temporalio/auto-setup:1.29.1\` with \`DB=postgres12\` does; 4 history shards, one process with all four services; \`platform/temporal-server.ts\`). ` +
        `Against it, the real API (\`api/main.ts\`) and worker (\`worker/main.ts\`) processes: first one of each, then a second of each sharing the same database, Redis prefix and task queue, ` +
        `every worker running every relay (notification outbox and channel workers, webhook relay and delivery, maintenance). ` +
        `Each phase: procedure \`TP-SAOSOGOC\`, an unmeasured warm-up of ${lanes} dossiers, then ${n} dossiers over ${lanes} concurrent lanes ` +
        `(citizen \`POST /api/v1/dossiers\`, then \`…/intake/accept\`, \`…/review/proposal\`, \`…/decision\`; lanes alternate between the APIs), ended when all read \`COMPLETED\`.`,
      '',
      table(
        ['pairs', 'dossiers/s', 'officer action p50 / p95 / p99 (ms)', 'citizen submit p50 / p99 (ms)', 'accept / propose / decide p50 (ms)', 'failures', 'load average at the end (1 min)'],
        phases.map((p) => [
          p.pairs,
          fmt(p.perSecond, 2),
          `${fmt(p.actions.p50)} / ${fmt(p.actions.p95)} / ${fmt(p.actions.p99)}`,
          `${fmt(p.submit.p50)} / ${fmt(p.submit.p99)}`,
          ['accept', 'propose', 'decide'].map((a) => fmt(p.byAction[a]!.p50)).join(' / '),
          p.failures,
          fmt(p.load, 1),
        ]),
      ),
      '',
      `Two pairs against one: ${fmt(speedup, 2)}× the throughput. CPU time per dossier by process (from /proc; this machine has ${os.cpus().length} cores shared by everything above, so a second pair adds processes, not cores; other work on the machine competes with them too, and more processes get a larger share of it):`,
      '',
      table(['process', 'one pair: CPU ms per dossier', 'two pairs: CPU ms per dossier'], cpuRows),
      '',
      `PostgreSQL transactions per dossier (pg_stat_database; every one a commit waiting for its WAL flush, \`synchronous_commit\` left on as in the compose image): ` +
        DATABASES.map((d) => `\`${d}\` ${phases.map((p) => fmt(p.transactions[d], 0)).join(' / ')}`).join(', ') +
        ' (one pair / two pairs).',
      '',
      `What went out over both phases and the warm-ups, counted outside the system once nothing was left to send (or after 3 minutes: then "never sent" in the summary and "left at the end" below are not 0):`,
      '',
      table(
        ['channel', 'rows in the system', 'received outside', 'distinct', 'sent twice', 'missing'],
        [
          ['e-mail (SMTP catcher; no deduplication of its own)', sent(outgoing, 'email'), w.email.received, w.email.distinct, w.email.duplicates, dup.missingEmail],
          ['SMS (each worker its own sandbox folder)', sent(outgoing, 'sms'), w.sms.files, w.sms.distinct, w.sms.duplicates, dup.missingSms],
          ['webhooks (receiver, by `X-Dossier-Event-Id`)', outgoing.webhookDeliveries.delivered ?? 0, w.webhooks.requests, w.webhooks.distinct, w.webhooks.duplicates, dup.missingWebhooks],
        ],
      ),
      '',
      `SMS by worker folder: ${w.sms.byWorker.map((c, i) => `worker ${i + 1}: ${c}`).join(', ')} (the second worker joins for the second phase). ` +
        `Left at the end: ${outgoing.unsent ?? 0} messages and deliveries never sent; ${outgoing.outboxPending} outbox rows not relayed, notifications ${JSON.stringify(outgoing.notifications)}, webhook deliveries ${JSON.stringify(outgoing.webhookDeliveries)}.`,
    ].join('\n');

    return {
      id: 'e',
      title: 'Production-shaped engine',
      startedAt,
      seconds: (performance.now() - t0) / 1000,
      markdown,
      targets: [
        {
          issue: '5',
          what: 'throughput two pairs vs one',
          target: 'report',
          value: `${fmt(two.perSecond, 2)} vs ${fmt(one.perSecond, 2)} dossiers/s (${fmt(speedup, 2)}×); action p50/p99 ${fmt(two.actions.p50)}/${fmt(two.actions.p99)} vs ${fmt(one.actions.p50)}/${fmt(one.actions.p99)} ms${failures ? `; ${failures} failed` : ''}`,
          met: null,
        },
        {
          issue: '5',
          what: 'notifications/webhooks sent twice',
          target: '0',
          value: `${dup.total} (e-mail ${w.email.duplicates} of ${w.email.received}, SMS ${w.sms.duplicates} of ${w.sms.files}, webhooks ${w.webhooks.duplicates} of ${w.webhooks.requests}; missing ${dup.missing}; never sent ${outgoing.unsent ?? 0})`,
          // Nothing may be left unsent either: a message that never goes out is not "sent once".
          met: dup.total === 0 && dup.missing === 0 && (outgoing.unsent ?? 0) === 0 && w.email.received > 0 && w.sms.files > 0 && w.webhooks.requests > 0,
        },
      ],
      raw: { n, lanes, one, two, speedup, outgoing, witnesses: { ...w, webhooks: { ...w.webhooks, byEvent: undefined } }, duplicates: dup },
    };
  } finally {
    await sys.stop();
  }
}

function sent(o: Outgoing, channel: string): number {
  return o.notifications[channel]?.sent ?? 0;
}

function duplicates(w: Witnesses, o: Outgoing) {
  const missingEmail = Math.max(0, sent(o, 'email') - w.email.distinct);
  const missingSms = Math.max(0, sent(o, 'sms') - w.sms.distinct);
  const missingWebhooks = Math.max(0, (o.webhookDeliveries.delivered ?? 0) - w.webhooks.distinct);
  return {
    total: w.email.duplicates + w.sms.duplicates + w.webhooks.duplicates,
    missingEmail,
    missingSms,
    missingWebhooks,
    missing: missingEmail + missingSms + missingWebhooks,
  };
}

