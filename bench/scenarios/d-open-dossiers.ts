import { loadConfig } from '../../platform/config';
import { createDossierClient } from '../../dossiers/client';
import { dossierWorkflowInput } from '../../dossiers/starts';
import { expectCall } from '../lib/http';
import { table, type ScenarioResult } from '../lib/result';
import { cpuMark, cpuSince, type CpuMark } from '../lib/cpu';
import { citizenToken, rssKiB } from '../lib/stack';
import { fmt, percentile, pool, ratio, sleep } from '../lib/stats';
import type { BenchSystem } from '../lib/system';

/**
 * (d) Many open dossiers: N dossier workflows started and left waiting — on the one-stop
 * officer (intake), or on the citizen with a supplement deadline timer (some far, some due
 * during the run) — then the worker's RSS with its cache settings, and every one of them driven
 * (or timed out) to its next step, checked in the read model.
 */

const PROCEDURE = 'TP-SAOSOGOC';
const AGENCY = '000.20.20.H29';

interface Sample {
  at: number;
  phase: string;
  /** Workflows that had recorded their submission (first activity done) at that moment. */
  recorded: number;
  rssMiB: number;
}

/** The worker's workflow cache as the worker itself reads it (TEMPORAL_MAX_CACHED_WORKFLOWS, worker/dossier-worker.ts). */
function workerCacheSize(): { cached: number; configured: boolean } {
  return { cached: loadConfig(process.env).temporal.maxCachedWorkflows, configured: Boolean(process.env.TEMPORAL_MAX_CACHED_WORKFLOWS) };
}

export async function scenarioD(sys: BenchSystem): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const { ctx } = sys;
  const n = Number(process.env.BENCH_D_DOSSIERS ?? (ctx.quick ? 200 : 2_500));
  const concurrency = Number(process.env.BENCH_D_CONCURRENCY ?? 32);
  const longShare = 0.2;
  const shortShare = 0.05;
  const api = await sys.startApi();
  const cache = workerCacheSize();
  // A fresh worker: its RSS before any dossier is the baseline.
  await sys.stopWorker();
  const worker = await sys.startWorker();
  await sleep(3000);
  const idleMiB = (rssKiB(worker.pid) ?? 0) / 1024;
  const samples: Sample[] = [];
  let phase = 'idle';
  let recordedCount = 0;
  const sampler = setInterval(() => {
    const kib = rssKiB(worker.pid);
    if (kib !== null) samples.push({ at: (performance.now() - t0) / 1000, phase, recorded: recordedCount, rssMiB: kib / 1024 });
  }, 1000);
  sampler.unref();
  try {
    // N stored submissions, as the API stores them, then their workflows started as it starts them.
    const procedure = await sys.db('procedures').where('code', PROCEDURE).first('id');
    const agency = await sys.db('agencies').where('eid', AGENCY).first('id');
    const before = Number((await sys.db('dossiers').max('id as m').first())?.m ?? 0);
    await sys.db.raw(
      `insert into dossiers (code, workflow_id, procedure_id, agency_id, channel, delivery_method, status, applicant_full_name, applicant_id_number, applicant_phone, documents, submitted_at)
       select '${AGENCY}-' || to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-9' || lpad(g::text, 7, '0'),
              'dossier-${AGENCY}-' || to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-9' || lpad(g::text, 7, '0'),
              ?, ?, 'online', 'online', 'SUBMITTED', 'Trần Thị Cúc', '0792' || lpad(g::text, 8, '0'), '0913000000', '[{"name": "Đơn đề nghị cấp bản sao từ sổ gốc"}, {"name": "Giấy tờ tùy thân của người yêu cầu"}]'::jsonb, now()
         from generate_series(1, ?::int) g`,
      [procedure.id, agency.id, n],
    );
    const rows: Array<{ id: number; code: string; applicant_id_number: string }> = await sys.db('dossiers').where('id', '>', before).orderBy('id').select('id', 'code', 'applicant_id_number');
    phase = 'start';
    const procs = () => ({ api: api.child.pid, worker: worker.pid, temporal: sys.temporal.process.pid });
    const mark = (): Promise<CpuMark> => cpuMark(sys.db, 'dossier_bench', procs());
    const cpu: Record<'start' | 'timers' | 'progress', Record<string, number>> = { start: {}, timers: {}, progress: {} };
    let m = await mark();
    const startT = performance.now();
    let starting = true;
    const counting = (async () => {
      while (starting) {
        const done = await sys.db('dossiers').where('id', '>', before).whereNotNull('workflow_started_at').count<{ count: string }[]>('* as count').first();
        recordedCount = Number(done?.count ?? 0);
        await sleep(500);
      }
    })();
    await pool(rows, 64, async (r) => {
      await createDossierClient({ temporal: sys.client, taskQueue: sys.taskQueue }).start(await dossierWorkflowInput(sys.db, r.id));
    });
    starting = false;
    await counting;
    // Each has written its submission (first activity done): it now waits on a human.
    for (;;) {
      const left = await sys.db('dossiers').where('id', '>', before).whereNull('workflow_started_at').count<{ count: string }[]>('* as count').first();
      recordedCount = n - Number(left?.count ?? 0);
      if (recordedCount === n) break;
      await sleep(250);
    }
    const startSeconds = (performance.now() - startT) / 1000;
    cpu.start = await cpuSince(sys.db, 'dossier_bench', m);
    ctx.log(`d: ${n} workflows started and recorded in ${fmt(startSeconds)} s (${fmt(n / startSeconds)} /s); worker RSS ${fmt((rssKiB(worker.pid) ?? 0) / 1024)} MiB`);

    // Some are asked for a supplement at intake: a deadline timer in the workflow.
    const longs = rows.slice(0, Math.round(n * longShare));
    const shorts = rows.slice(longs.length, longs.length + Math.round(n * shortShare));
    const intake = rows.slice(longs.length + shorts.length);
    const officer = sys.token('motcua.saigon');
    phase = 'timers';
    m = await mark();
    const timersT = performance.now();
    // The short ones first, so that their deadline, still in the future when the last of them is
    // asked, does not depend on how long the long ones take; 200 ms each is well above the rate here.
    const shortLeadSeconds = ((ctx.quick ? 45_000 : 60_000) + shorts.length * 200) / 1000;
    const shortDeadline = new Date(Date.now() + shortLeadSeconds * 1000).toISOString();
    await pool([...shorts.map((r) => ({ r, short: true })), ...longs.map((r) => ({ r, short: false }))], concurrency, async ({ r, short }) => {
      await expectCall([200], 'POST', `${api.baseUrl}/api/v1/dossiers/${encodeURIComponent(r.code)}/intake/supplement-request`, {
        token: officer,
        body: short ? { items: ['Bản sao giấy khai sinh'], deadline: shortDeadline } : { items: ['Bản sao giấy khai sinh'], deadlineWorkingDays: 15 },
      });
    });
    const timersSeconds = (performance.now() - timersT) / 1000;
    cpu.timers = await cpuSince(sys.db, 'dossier_bench', m);
    phase = 'waiting';
    await sleep(5000);
    const waitingMiB = (rssKiB(worker.pid) ?? 0) / 1024;
    const status = await sys.db('dossiers').where('id', '>', before).groupBy('status').select('status').count<{ status: string; count: string }[]>('* as count');
    ctx.log(`d: waiting: ${status.map((s) => `${s.status} ${s.count}`).join(', ')}; worker RSS ${fmt(waitingMiB)} MiB`);

    // Every one of them to its next step: officers accept at intake, citizens supplement, the short timers fire.
    phase = 'progress';
    m = await mark();
    const progressT = performance.now();
    const actionMs: number[] = [];
    let failures = 0;
    await pool([...intake.map((r) => ({ r, kind: 'accept' as const })), ...longs.map((r) => ({ r, kind: 'supplement' as const }))], concurrency, async ({ r, kind }) => {
      try {
        const a =
          kind === 'accept'
            ? await expectCall([200], 'POST', `${api.baseUrl}/api/v1/dossiers/${encodeURIComponent(r.code)}/intake/accept`, { token: officer, body: {} })
            : await expectCall([200], 'POST', `${api.baseUrl}/api/v1/citizen/dossiers/${encodeURIComponent(r.code)}/supplement`, {
                token: await citizenToken(r.applicant_id_number),
                body: { documents: [{ name: 'Bản sao giấy khai sinh' }] },
              });
        actionMs.push(a.ms);
      } catch (err) {
        failures += 1;
        if (failures <= 5) ctx.log(`d: ${kind} ${r.code} failed: ${(err as Error).message}`);
      }
    });
    const progressSeconds = (performance.now() - progressT) / 1000;
    // The short deadlines close their dossiers by themselves.
    const expected = new Map<number, string[]>();
    for (const r of intake) expected.set(r.id, ['IN_REVIEW', 'RECEIVED']);
    for (const r of longs) expected.set(r.id, ['SUBMITTED']);
    for (const r of shorts) expected.set(r.id, ['CLOSED_UNSUPPLEMENTED']);
    let progressed = 0;
    let finalRows: Array<{ id: number; status: string }> = [];
    const deadline = Date.now() + Math.max(0, Date.parse(shortDeadline) - Date.now()) + 120_000;
    for (;;) {
      finalRows = await sys.db('dossiers').where('id', '>', before).select('id', 'status');
      progressed = finalRows.filter((d) => expected.get(d.id)!.includes(d.status)).length;
      if (progressed === n || Date.now() > deadline) break;
      await sleep(1000);
    }
    const allSeconds = (performance.now() - progressT) / 1000;
    // Until every dossier progressed (the short timers fire meanwhile), less the polling's 1 s sleeps' idle.
    cpu.progress = await cpuSince(sys.db, 'dossier_bench', m);
    const afterMiB = (rssKiB(worker.pid) ?? 0) / 1024;
    phase = 'done';
    const peakMiB = Math.max(...samples.map((s) => s.rssMiB), afterMiB, waitingMiB);
    const byStatus = new Map<string, number>();
    for (const d of finalRows) byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + 1);

    // RSS while the workflows were being started, at each tenth of N.
    const curve: Array<[string, string]> = [];
    const seen = new Set<Sample>();
    for (let k = 1; k <= 10; k++) {
      const s = samples.find((x) => x.recorded >= (k * n) / 10);
      if (s && !seen.has(s)) {
        seen.add(s);
        curve.push([`${s.recorded.toLocaleString('en-US')} started and waiting${s.recorded > cache.cached ? ' (more than the cache holds)' : ''}`, fmt(s.rssMiB)]);
      }
    }
    const met = progressed === n && failures === 0;
    const CPU_ROWS: Array<[string, string]> = [
      ['api', 'API process (`api/main.ts`)'],
      ['worker', 'dossier worker (`worker/main.ts`)'],
      ['temporal', 'Temporal dev server'],
      ['postgres', 'PostgreSQL (bench database backends)'],
      ['harness', 'harness (HTTP / Temporal clients)'],
    ];
    const phaseCount = { start: n, timers: longs.length + shorts.length, progress: n };
    const perDossier = (ph: keyof typeof cpu, k: string) => (cpu[ph][k] ?? 0) / Math.max(1, phaseCount[ph]);
    const totalOf = (ph: keyof typeof cpu) => CPU_ROWS.reduce((x, [k]) => x + perDossier(ph, k), 0);
    const wholeOf = (k: string) => ((cpu.start[k] ?? 0) + (cpu.timers[k] ?? 0) + (cpu.progress[k] ?? 0)) / n;
    const wholeTotal = CPU_ROWS.reduce((x, [k]) => x + wholeOf(k), 0);
    const cpuTable = table(
      ['process', `start and record (per dossier, ${n.toLocaleString('en-US')})`, `supplement requests (per request, ${phaseCount.timers.toLocaleString('en-US')})`, `to the next step (per dossier, ${n.toLocaleString('en-US')})`, 'whole scenario (per dossier)'],
      [
        ...CPU_ROWS.map(([k, label]) => [label, fmt(perDossier('start', k)), fmt(perDossier('timers', k)), fmt(perDossier('progress', k)), fmt(wholeOf(k))]),
        ['**total**', `**${fmt(totalOf('start'))}**`, `**${fmt(totalOf('timers'))}**`, `**${fmt(totalOf('progress'))}**`, `**${fmt(wholeTotal)}**`],
      ],
    );
    const markdown = [
      `Setup: ${n.toLocaleString('en-US')} dossiers of \`${PROCEDURE}\` stored as the API stores a submission and their workflows started as it starts them (64 at a time, Temporal client), on a freshly started real worker (\`worker/main.ts\`). ` +
        `Then ${longs.length.toLocaleString('en-US')} (${longShare * 100} %) asked for a supplement at intake with a 15-working-day deadline and ${shorts.length.toLocaleString('en-US')} (${shortShare * 100} %) with a deadline ${fmt(shortLeadSeconds, 0)} s after the first of these requests, asked first (deadline timers in the workflow, \`POST …/intake/supplement-request\`); ` +
        `the other ${intake.length.toLocaleString('en-US')} wait for the one-stop officer. Then every one is driven to its next step over HTTP (${concurrency} at a time): the officer accepts at intake (→ \`IN_REVIEW\`), the citizen supplements (→ \`SUBMITTED\`), and the short deadlines close theirs by themselves (→ \`CLOSED_UNSUPPLEMENTED\`).`,
      '',
      `Worker cache: \`maxCachedWorkflows\` = **${cache.cached.toLocaleString('en-US')} workflows** (\`TEMPORAL_MAX_CACHED_WORKFLOWS\`, ${cache.configured ? 'set for this run' : 'its default'}; \`worker/dossier-worker.ts\`), ` +
        `sticky queue on, \`maxConcurrentWorkflowTaskExecutions\` default. Workflows beyond the cache are evicted and replayed from history on their next task.`,
      '',
      table(
        ['moment', 'worker RSS (MiB)', 'ratio to idle'],
        [
          ['idle, before any dossier (baseline)', fmt(idleMiB), '1.00'],
          ...curve.map(([m, v]) => [m, v, fmt(ratio(Number(v.replace(/,/g, '')), idleMiB), 2)]),
          [`all ${n.toLocaleString('en-US')} waiting (after the supplement requests)`, fmt(waitingMiB), fmt(ratio(waitingMiB, idleMiB), 2)],
          ['after every dossier progressed', fmt(afterMiB), fmt(ratio(afterMiB, idleMiB), 2)],
          ['peak (1 s samples)', fmt(peakMiB), fmt(ratio(peakMiB, idleMiB), 2)],
        ],
      ),
      '',
      table(
        ['phase', 'dossiers', 'seconds', 'per second'],
        [
          ['start and record the submission', n.toLocaleString('en-US'), fmt(startSeconds), fmt(n / startSeconds)],
          ['supplement requests (timers armed)', (longs.length + shorts.length).toLocaleString('en-US'), fmt(timersSeconds), fmt((longs.length + shorts.length) / timersSeconds)],
          ['officer and citizen actions', (intake.length + longs.length).toLocaleString('en-US'), fmt(progressSeconds), fmt((intake.length + longs.length) / progressSeconds)],
        ],
      ),
      '',
      `Progress: **${progressed.toLocaleString('en-US')} of ${n.toLocaleString('en-US')}** reached their expected next status (${[...byStatus].map(([s, c]) => `${s} ${c.toLocaleString('en-US')}`).join(', ')}), ${failures} action(s) failed; ` +
        `action round trip p50 ${fmt(percentile(actionMs, 50))} ms, p99 ${fmt(percentile(actionMs, 99))} ms` +
        (n > cache.cached ? ` (the cache holds ${cache.cached.toLocaleString('en-US')} of the ${n.toLocaleString('en-US')} workflows: at any moment at least ${(n - cache.cached).toLocaleString('en-US')} of them are out of it and are replayed from their history at their next task).` : ' (all of them fit in the cache).'),
      '',
      `CPU time of each process in milliseconds (from /proc, as in (b)), per dossier of each phase; "to the next step" runs from the first action to the moment every dossier shows its expected status (the short deadlines' timers included), so it also holds the replays of workflows evicted from the cache:`,
      '',
      cpuTable,
    ].join('\n');
    return {
      id: 'd',
      title: 'Many open dossiers',
      startedAt,
      seconds: (performance.now() - t0) / 1000,
      markdown,
      targets: [
        { issue: '6', what: `worker RSS with ${n.toLocaleString('en-US')} open dossiers (cache ${cache.cached.toLocaleString('en-US')} workflows)`, target: 'report; bounded by the cache', value: `${fmt(waitingMiB)} MiB waiting, peak ${fmt(peakMiB)} MiB; ${fmt(ratio(peakMiB, idleMiB), 2)}× the idle ${fmt(idleMiB)} MiB`, met: null },
        {
          issue: '6',
          what: 'CPU per dossier of each process, whole scenario',
          target: 'report',
          value: `${CPU_ROWS.map(([k]) => `${k} ${fmt(wholeOf(k))}`).join(', ')} ms; total ${fmt(wholeTotal)} ms`,
          met: null,
        },
        { what: 'every open dossier progresses', target: `${n.toLocaleString('en-US')} of ${n.toLocaleString('en-US')}`, value: `${progressed.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} in ${fmt(allSeconds, 0)} s`, met },
      ],
      raw: { n, cpu, phaseCount, idleMiB, waitingMiB, afterMiB, peakMiB, cache, startSeconds, timersSeconds, progressSeconds, allSeconds, progressed, failures, byStatus: Object.fromEntries(byStatus), samples },
    };
  } finally {
    clearInterval(sampler);
  }
}

