import type { Knex } from 'knex';
import pg from 'pg';
import { createActivities } from '../../activities';
import { loadAgencyCalendar } from '../../db/repositories/calendars';
import { indicatorCounts, periodRowCount, worklist, worklistCounts, type WorklistQuery, type WorklistView } from '../../db/repositories/supervision';
import { DEFAULT_WORKLIST_LIMIT } from '../../api/supervision-schemas';
import { generateDossiers, type GeneratedCounts } from '../lib/generate';
import { expectCall } from '../lib/http';
import { table, type ScenarioResult } from '../lib/result';
import { createDb, databaseUrl, dropDatabase, officerToken, recreateDatabase, spawnTs, systemEnv, freePort, type BenchContext } from '../lib/stack';
import { fmt, ratio, summarize, type Summary } from '../lib/stats';

/**
 * (c) Read-model scale: the supervisor worklists (the deadline dashboard's views) and the
 * QĐ 766 report over 1,000,000 generated dossiers, against the same calls over the first
 * 10,000 of them (the baseline: the same code on a small centre's data). Each case is timed
 * end to end over HTTP (the real API process) and as SQL alone (the db/repositories/supervision.ts
 * functions the endpoint calls), and its SQL is captured and EXPLAINed (ANALYZE, BUFFERS).
 */

interface Case {
  id: string;
  title: string;
  /** 'activity': a worker activity's query, not an endpoint (no target of the issue; shown for its scaling). */
  kind: 'worklist' | 'indicators' | 'activity';
  user: 'giamsat.saigon' | 'quantri';
  path: string | null;
  /** The SQL the endpoint runs, through the same functions. */
  sql: (db: Knex) => Promise<unknown>;
  /** The minimal statement that touches the same rows (the floor of `sql`), timed beside it at full size. */
  reference?: { title: string; sql: (db: Knex) => Promise<unknown> };
}

interface CaseFigures {
  id: string;
  rows: number | null;
  endpoint: Summary;
  query: Summary;
  /** Too slow to repeat: one call only. */
  slow: boolean;
}

/** A case whose first call takes longer than this is timed once; past VERY_SLOW_MS its plan is EXPLAINed without ANALYZE. */
const SLOW_MS = Number(process.env.BENCH_C_SLOW_MS ?? 4_000);
const VERY_SLOW_MS = Number(process.env.BENCH_C_VERY_SLOW_MS ?? 30_000);

const SUPERVISED = '000.20.20.H29';

function monthBefore(now: Date): { from: string; to: string } {
  // The last full calendar month in Việt Nam (UTC+7).
  const local = new Date(now.getTime() + 7 * 3_600_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth(); // 0-based: the current month
  const prev = new Date(Date.UTC(y, m - 1, 1));
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { from: iso(prev), to: iso(new Date(Date.UTC(y, m, 1))) };
}

async function buildCases(db: Knex, asOf: Date): Promise<Case[]> {
  const agencies: Array<{ id: number; eid: string }> = await db('agencies').orderBy('eid').select('id', 'eid');
  const supervised = agencies.find((a) => a.eid === SUPERVISED)!;
  const officer = await db('users').where('username', 'chuyenvien.saigon1').first('id');
  const calendar = await loadAgencyCalendar(db, SUPERVISED);
  const within = (days: number) => new Map([[supervised.id, calendar.addWorkingTime(asOf, days * calendar.dailyWorkingMs)]]);
  const month = monthBefore(asOf);
  const monthFrom = new Date(`${month.from}T00:00:00+07:00`);
  const monthTo = new Date(`${month.to}T00:00:00+07:00`);
  const at = encodeURIComponent(asOf.toISOString());
  // As the endpoint: the first page (default limit) and the counts over the whole list, side by side.
  const wl = (view: WorklistView, ids: number[], extra: Partial<WorklistQuery> = {}) => (d: Knex) => {
    const filter: WorklistQuery = { view, asOf, agencyIds: ids, ...extra };
    return Promise.all([worklist(d, { ...filter, limit: DEFAULT_WORKLIST_LIMIT }), worklistCounts(d, filter)]);
  };
  const report = (ids: number[]) => (d: Knex) => indicatorCounts(d, { agencyIds: ids, from: monthFrom, until: monthTo });
  // A dossier of the agency with nobody assigned (refused at intake): assignSpecialist then runs its least-loaded count.
  const unassigned = await db('dossiers').where('agency_id', supervised.id).whereNull('assignee_id').first('id');
  return [
    { id: 'overdue', title: 'Worklist: overdue (supervisor, 1 agency)', kind: 'worklist', user: 'giamsat.saigon', path: `/api/v1/supervision/dossiers?view=overdue&asOf=${at}`, sql: wl('overdue', [supervised.id]) },
    { id: 'due_today', title: 'Dashboard: due today', kind: 'worklist', user: 'giamsat.saigon', path: `/api/v1/supervision/dossiers?view=due_today&asOf=${at}`, sql: wl('due_today', [supervised.id]) },
    { id: 'due_within', title: 'Dashboard: due within 3 working days', kind: 'worklist', user: 'giamsat.saigon', path: `/api/v1/supervision/dossiers?view=due_within&days=3&asOf=${at}`, sql: wl('due_within', [supervised.id], { windowEnds: within(3) }) },
    { id: 'at_risk', title: 'Dashboard: at risk', kind: 'worklist', user: 'giamsat.saigon', path: `/api/v1/supervision/dossiers?view=at_risk&asOf=${at}`, sql: wl('at_risk', [supervised.id]) },
    { id: 'paused', title: 'Dashboard: paused (waiting for the citizen)', kind: 'worklist', user: 'giamsat.saigon', path: `/api/v1/supervision/dossiers?view=paused&asOf=${at}`, sql: wl('paused', [supervised.id]) },
    {
      id: 'officer',
      title: "Worklist: one specialist's dossiers due within 5 days",
      kind: 'worklist',
      user: 'giamsat.saigon',
      path: `/api/v1/supervision/dossiers?view=due_within&days=5&officer=chuyenvien.saigon1&asOf=${at}`,
      sql: wl('due_within', [supervised.id], { windowEnds: within(5), assigneeId: officer.id }),
    },
    { id: 'overdue_all', title: 'Worklist: overdue, whole centre (admin, all agencies)', kind: 'worklist', user: 'quantri', path: `/api/v1/supervision/dossiers?view=overdue&asOf=${at}`, sql: wl('overdue', agencies.map((a) => a.id)) },
    {
      id: 'indicators',
      title: `QĐ 766 indicators, ${month.from} – ${month.to} (supervisor, 1 agency)`,
      kind: 'indicators',
      user: 'giamsat.saigon',
      path: `/api/v1/supervision/indicators?from=${month.from}&to=${month.to}&asOf=${at}`,
      sql: report([supervised.id]),
    },
    {
      id: 'indicators_all',
      title: `QĐ 766 indicators, ${month.from} – ${month.to}, whole centre (admin)`,
      kind: 'indicators',
      user: 'quantri',
      path: `/api/v1/supervision/indicators?from=${month.from}&to=${month.to}&asOf=${at}`,
      sql: report(agencies.map((a) => a.id)),
      reference: {
        title: 'bare scan of the same index range (`periodRowCount`: `count(*)` over the period\'s rows, no condition of the report evaluated)',
        sql: (d) => periodRowCount(d, { agencyIds: agencies.map((a) => a.id), from: monthFrom, until: monthTo }),
      },
    },
    {
      id: 'assign',
      title: 'Activity `assignSpecialist` at intake: least-loaded specialist (every accepted dossier runs it)',
      kind: 'activity',
      user: 'giamsat.saigon',
      path: null,
      sql: (d) => createActivities({ db: d }).assignSpecialist({ dossierId: Number(unassigned.id), agencyEid: SUPERVISED }),
    },
  ];
}

/** Times `fn` `reps` times after `warm` unmeasured calls, or until `budgetMs` is spent (at least `minReps`). */
async function timeIt(fn: () => Promise<unknown>, o: { reps: number; warm: number; budgetMs: number; minReps: number }): Promise<{ ms: number[]; last: unknown }> {
  let last: unknown;
  for (let i = 0; i < o.warm; i++) last = await fn();
  const ms: number[] = [];
  const start = performance.now();
  while (ms.length < o.reps && (ms.length < o.minReps || performance.now() - start < o.budgetMs)) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  return { ms, last };
}

/** The SQL statements a call sends, captured from knex, to EXPLAIN them. */
async function captureSql(db: Knex, fn: (db: Knex) => Promise<unknown>): Promise<Array<{ sql: string; bindings: unknown[] }>> {
  const captured: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) => captured.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', listener);
  try {
    await fn(db);
  } finally {
    db.removeListener('query', listener);
  }
  return captured;
}

/**
 * The statements of a call too slow to run twice: the call runs in a transaction whose statements
 * are captured and then cancelled at once (statement_timeout 1 ms) — knex emits 'query' before sending.
 * Only the first statement of such a call is captured (later ones depend on its rows).
 */
async function captureSqlOnly(db: Knex, fn: (db: Knex) => Promise<unknown>): Promise<Array<{ sql: string; bindings: unknown[] }>> {
  const captured: Array<{ sql: string; bindings: unknown[] }> = [];
  await db
    .transaction(async (trx) => {
      await trx.raw("set local statement_timeout = '1ms'");
      const listener = (q: { sql: string; bindings?: unknown[] }) => captured.push({ sql: q.sql, bindings: q.bindings ?? [] });
      db.on('query', listener);
      try {
        await fn(trx);
      } finally {
        db.removeListener('query', listener);
      }
    })
    .catch(() => undefined);
  return captured.filter((q) => !/statement_timeout/.test(q.sql));
}

const BIG_TABLES = ['dossiers', 'dossier_events', 'dossier_handoffs', 'dossier_payments', 'dossier_results'];

function planFacts(plan: string): { indexes: string[]; seqScans: string[]; ms: number | null } {
  const indexes = new Set<string>();
  const seqScans = new Set<string>();
  for (const m of plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)/g)) indexes.add(m[1]!);
  for (const m of plan.matchAll(/Seq Scan on (\S+)/g)) if (BIG_TABLES.includes(m[1]!)) seqScans.add(m[1]!);
  const t = /Execution Time: ([\d.]+) ms/.exec(plan);
  return { indexes: [...indexes], seqScans: [...seqScans], ms: t ? Number(t[1]) : null };
}

export async function scenarioC(ctx: BenchContext): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const total = Number(process.env.BENCH_C_DOSSIERS ?? (ctx.quick ? 20_000 : 1_000_000));
  const small = Number(process.env.BENCH_C_SMALL ?? (ctx.quick ? 2_000 : 10_000));
  const reps = Number(process.env.BENCH_C_REPS ?? (ctx.quick ? 5 : 40));
  const url = databaseUrl(ctx, 'dossier_bench_scale');
  await recreateDatabase(url);
  const db = createDb(url, { max: 4 });
  const explainClient = new pg.Client({ connectionString: url });
  let api: Awaited<ReturnType<typeof spawnTs>> | undefined;
  try {
    const from = new Date('2025-01-02T00:00:00+07:00');
    const until = new Date();
    ctx.log(`c: generating ${small.toLocaleString('en-US')} dossiers (baseline)…`);
    const gen1 = await generateDossiers(db, { dossiers: small, from, until, seed: 0.42 });
    ctx.log(`c:   ${fmtCounts(gen1)}`);
    const port = await freePort();
    // No Temporal is needed to read: the API's client connects lazily.
    api = await spawnTs(
      ctx,
      'api-scale',
      'api/main.ts',
      systemEnv(ctx, { databaseUrl: url, temporalAddress: '127.0.0.1:9', taskQueue: `bench-none-${ctx.runId}`, extra: { HOST: '127.0.0.1', PORT: String(port) } }),
      /api: listening on/,
    );
    const baseUrl = `http://127.0.0.1:${port}`;
    const tokens = { 'giamsat.saigon': await officerToken(db, 'giamsat.saigon'), quantri: await officerToken(db, 'quantri') };
    const asOf = new Date();
    const cases = await buildCases(db, asOf);

    const measure = async (label: string, budgetMs: number): Promise<CaseFigures[]> => {
      const out: CaseFigures[] = [];
      for (const c of cases) {
        if (c.path === null) {
          const query = await timeIt(() => c.sql(db), { reps, warm: 2, budgetMs, minReps: ctx.quick ? 2 : 3 });
          const f: CaseFigures = { id: c.id, rows: null, endpoint: summarize([]), query: summarize(query.ms), slow: false };
          ctx.log(`c: ${label} ${c.id}: SQL p95 ${fmt(f.query.p95)} ms (n=${f.query.n})`);
          out.push(f);
          continue;
        }
        const call = () => expectCall([200], 'GET', `${baseUrl}${c.path}`, { token: tokens[c.user] });
        // The first call is the warm-up; a case slower than SLOW_MS is not repeated (its SQL time comes from EXPLAIN ANALYZE).
        const t = performance.now();
        let last: unknown = await call();
        const firstMs = performance.now() - t;
        let f: CaseFigures;
        if (firstMs > SLOW_MS) {
          f = { id: c.id, rows: null, endpoint: summarize([firstMs]), query: summarize([]), slow: true };
        } else {
          const opts = { reps, warm: c.kind === 'indicators' ? 0 : 2, budgetMs, minReps: ctx.quick ? 2 : 3 };
          const endpoint = await timeIt(call, opts);
          last = endpoint.last;
          const query = await timeIt(() => c.sql(db), opts);
          f = { id: c.id, rows: null, endpoint: summarize(endpoint.ms), query: summarize(query.ms), slow: false };
        }
        const body = (last as { body: { total?: number; indicators?: Array<{ code: string; denominator: number }> } }).body;
        f.rows = c.kind === 'worklist' ? (body.total ?? null) : (body.indicators?.find((i) => i.code === '2.1')?.denominator ?? null);
        ctx.log(`c: ${label} ${c.id}: ${f.rows} rows, endpoint p95 ${fmt(f.endpoint.p95)} ms, SQL p95 ${fmt(f.query.p95)} ms (n=${f.endpoint.n}/${f.query.n})`);
        out.push(f);
      }
      return out;
    };

    const baseline = await measure(`${small.toLocaleString('en-US')}`, 10_000);
    ctx.log(`c: generating ${(total - small).toLocaleString('en-US')} more dossiers…`);
    const gen2 = await generateDossiers(db, { dossiers: total - small, from, until, seed: 0.17 });
    ctx.log(`c:   ${fmtCounts(gen2)}`);
    const big = await measure(`${total.toLocaleString('en-US')}`, ctx.quick ? 5_000 : 20_000);

    // Plans at full size.
    await explainClient.connect();
    const plans: Array<{ id: string; analyzed: boolean; statements: Array<{ plan: string; facts: ReturnType<typeof planFacts> }> }> = [];
    for (const c of cases) {
      const f = big.find((x) => x.id === c.id)!;
      const analyzed = !(f.endpoint.max > VERY_SLOW_MS);
      // Capturing runs the call once more; a very slow one is captured with its statements unexecuted.
      const statements = [];
      for (const q of analyzed ? await captureSql(db, c.sql) : await captureSqlOnly(db, c.sql)) {
        const res = await explainClient.query(`explain ${analyzed ? '(analyze, buffers)' : ''} ${q.sql}`, q.bindings as unknown[]);
        const plan = res.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        statements.push({ plan, facts: planFacts(plan) });
      }
      plans.push({ id: c.id, analyzed, statements });
      if (f.slow && analyzed) {
        const total = statements.reduce((sum, st) => sum + (st.facts.ms ?? 0), 0);
        f.query = summarize([total]);
      }
      ctx.log(`c: plan ${c.id}${analyzed ? '' : ' (estimated)'}: ${statements.map((st) => `${st.facts.ms === null ? '' : `${fmt(st.facts.ms)} ms, `}indexes ${st.facts.indexes.join(', ') || 'none'}${st.facts.seqScans.length ? `, seq scans ${st.facts.seqScans.join(', ')}` : ''}`).join('; ')}`);
    }
    // The reference statements (the floor of a case's SQL): timed like the SQL, and EXPLAINed.
    const references: Array<{ id: string; title: string; rows: number; query: Summary; explainMs: number | null }> = [];
    for (const c of cases) {
      if (!c.reference) continue;
      const timed = await timeIt(() => c.reference!.sql(db), { reps, warm: 2, budgetMs: ctx.quick ? 5_000 : 20_000, minReps: ctx.quick ? 2 : 3 });
      let explainMs: number | null = null;
      for (const q of await captureSql(db, c.reference.sql)) {
        const res = await explainClient.query(`explain (analyze, buffers) ${q.sql}`, q.bindings as unknown[]);
        explainMs = (explainMs ?? 0) + (planFacts(res.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).ms ?? 0);
      }
      const ref = { id: c.id, title: c.reference.title, rows: Number(timed.last), query: summarize(timed.ms), explainMs };
      ctx.log(`c: reference ${c.id}: ${ref.rows} entries, SQL p50 ${fmt(ref.query.p50)} / p95 ${fmt(ref.query.p95)} ms, EXPLAIN ANALYZE ${fmt(explainMs)} ms`);
      references.push(ref);
    }
    const sizes = await db.raw(`select relname, n_live_tup::bigint as rows, pg_size_pretty(pg_total_relation_size(relid)) as size
                                  from pg_stat_user_tables where relname = any(?) order by relname`, [BIG_TABLES]);

    // Report.
    const caseRows = cases.map((c) => {
      const b = baseline.find((x) => x.id === c.id)!;
      const l = big.find((x) => x.id === c.id)!;
      const facts = plans.find((p) => p.id === c.id)!.statements.map((s) => s.facts);
      const seq = [...new Set(facts.flatMap((f) => f.seqScans))];
      if (c.kind === 'activity') {
        return [c.title, 'n/a', 'n/a (a worker activity, no endpoint)', `${fmt(l.query.p50)} / **${fmt(l.query.p95)}**`, `— / ${fmt(b.query.p95)}`, `— / ${fmt(ratio(l.query.p95, b.query.p95), 1)}×`, seq.length ? `seq scan on ${seq.join(', ')}` : 'indexes only', `SQL ${l.query.p95 <= 50 ? '≤' : '>'} 50 ms (not a target)`];
      }
      return [
        c.title,
        `${l.rows ?? '—'} (${b.rows ?? '—'})`,
        l.slow ? `**${fmt(l.endpoint.p95)}** (1 call)` : `${fmt(l.endpoint.p50)} / **${fmt(l.endpoint.p95)}** / ${fmt(l.endpoint.p99)}`,
        l.slow ? (l.query.n ? `**${fmt(l.query.p95)}** (EXPLAIN ANALYZE)` : '—') : `${fmt(l.query.p50)} / **${fmt(l.query.p95)}**`,
        `${fmt(b.endpoint.p95)} / ${fmt(b.query.p95)}`,
        `${fmt(ratio(l.endpoint.p95, b.endpoint.p95), 1)}× / ${fmt(ratio(l.query.p95, b.query.p95), 1)}×`,
        seq.length ? `seq scan on ${seq.join(', ')}` : 'indexes only',
        l.endpoint.p95 <= 50 ? 'met' : '**missed**',
      ];
    });
    const planBlocks = cases.map((c) => {
      const p = plans.find((x) => x.id === c.id)!;
      return [
        `<details><summary><code>${c.id}</code> — ${c.title}${p.analyzed ? '' : ' (plan estimated, not executed: the call takes too long to run again)'}: ${p.statements.map((s, i) => `statement ${i + 1}: ${s.facts.ms === null ? '?' : fmt(s.facts.ms)} ms, indexes ${s.facts.indexes.join(', ') || 'none'}${s.facts.seqScans.length ? `, seq scans on ${s.facts.seqScans.join(', ')}` : ''}`).join('; ')}</summary>`,
        '',
        ...p.statements.map((s) => ['```', s.plan, '```'].join('\n')),
        '',
        '</details>',
      ].join('\n');
    });
    const worklistMet = cases.filter((c) => c.kind === 'worklist').every((c) => big.find((x) => x.id === c.id)!.endpoint.p95 <= 50);
    const indicatorsMet = cases.filter((c) => c.kind === 'indicators').every((c) => big.find((x) => x.id === c.id)!.endpoint.p95 <= 50);
    const worst = (kind: Case['kind']) => {
      const l = cases.filter((c) => c.kind === kind).map((c) => big.find((x) => x.id === c.id)!);
      const w = l.reduce((a, b) => (b.endpoint.p95 > a.endpoint.p95 ? b : a));
      return `worst p95 ${fmt(w.endpoint.p95)} ms end to end${w.query.n ? ` / ${fmt(w.query.p95)} ms SQL` : ''} (${w.id}${w.slow ? ', 1 call' : ''}); ${fmt(ratio(w.endpoint.p95, baseline.find((x) => x.id === w.id)!.endpoint.p95), 1)}× the ${small.toLocaleString('en-US')}-dossier baseline`;
    };
    const markdown = [
      `Data: ${total.toLocaleString('en-US')} dossiers generated in PostgreSQL by \`bench/lib/generate.ts\` (\`generate_series\`), received ${from.toISOString().slice(0, 10)} – now, ` +
        `with their event log, process-control sheet, results and payments (shape in the file's header); load ${fmt(gen1.seconds + gen2.seconds, 0)} s, then \`VACUUM (ANALYZE)\` (the steady state autovacuum keeps: statistics and the visibility map). ` +
        `Baseline: the same calls when only the first ${small.toLocaleString('en-US')} dossiers were there (same code, same process, a small centre's volume). ` +
        `Each case: ${reps} timed calls after a warm-up, or fewer when a case is slow (at least ${ctx.quick ? 2 : 3}, within a time budget); "endpoint" is the HTTP round trip to the real API process as the supervisor (\`giamsat.saigon\`) or the admin (\`quantri\`), ` +
        `"SQL" is the \`db/repositories/supervision.ts\` calls the endpoint makes (\`worklist\` for the first page and \`worklistCounts\` over the whole list; \`indicatorCounts\`, one aggregate over the stored QĐ 766 facts, for the report), without the calendar arithmetic and JSON. asOf = ${asOf.toISOString()}.`,
      '',
      table(
        ['table', 'rows', 'size'],
        sizes.rows.map((r: { relname: string; rows: string; size: string }) => [r.relname, Number(r.rows).toLocaleString('en-US'), r.size]),
      ),
      '',
      table(['case', `rows at ${total.toLocaleString('en-US')} (at ${small.toLocaleString('en-US')})`, 'endpoint p50 / p95 / p99 (ms)', 'SQL p50 / p95 (ms)', `baseline p95 endpoint / SQL (ms)`, 'p95 ratio to baseline (endpoint / SQL)', 'plan', 'p95 ≤ 50 ms'], caseRows),
      '',
      ...references.map(
        (r) =>
          `Reference for \`${r.id}\`: the ${r.title} at ${total.toLocaleString('en-US')} dossiers: ${r.rows.toLocaleString('en-US')} index entries, SQL p50 / p95 ${fmt(r.query.p50)} / **${fmt(r.query.p95)}** ms (EXPLAIN ANALYZE ${fmt(r.explainMs)} ms), against the case's SQL ${fmt(big.find((x) => x.id === r.id)!.query.p50)} / ${fmt(big.find((x) => x.id === r.id)!.query.p95)} ms: what reading the rows alone costs on this machine.\n`,
      ),
      `EXPLAIN (ANALYZE, BUFFERS) of every statement at ${total.toLocaleString('en-US')} dossiers:`,
      '',
      ...planBlocks,
    ].join('\n');
    return {
      id: 'c',
      title: 'Read-model scale',
      startedAt,
      seconds: (performance.now() - t0) / 1000,
      markdown,
      targets: [
        { issue: '4', what: 'worklists and deadline dashboard, p95', target: '≤ 50 ms', value: worst('worklist'), met: worklistMet },
        { issue: '4', what: 'QĐ 766 report, p95', target: '≤ 50 ms', value: worst('indicators'), met: indicatorsMet },
      ],
      raw: { total, small, reps, generated: [gen1, gen2], baseline, big, references, plans: plans.map((p) => ({ id: p.id, analyzed: p.analyzed, facts: p.statements.map((s) => s.facts) })) },
    };
  } finally {
    await api?.stop().catch(() => undefined);
    await explainClient.end().catch(() => undefined);
    await db.destroy();
    if (process.env.BENCH_KEEP !== '1') await dropDatabase(url).catch(() => undefined);
  }
}

function fmtCounts(g: GeneratedCounts): string {
  return `${g.dossiers.toLocaleString('en-US')} dossiers (${g.open.toLocaleString('en-US')} open), ${g.events.toLocaleString('en-US')} events, ${g.handoffs.toLocaleString('en-US')} hand-offs, ${g.results.toLocaleString('en-US')} results, ${g.payments.toLocaleString('en-US')} payments in ${fmt(g.seconds)} s`;
}
