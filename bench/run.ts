import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadResults, saveResult, SCENARIO_ORDER, TITLES, writeReport, type StoredResult } from './lib/report';
import type { ScenarioId, ScenarioResult } from './lib/result';
import { machine, ROOT, type BenchContext } from './lib/stack';
import { BenchSystem } from './lib/system';
import { scenarioA } from './scenarios/a-status';
import { scenarioB } from './scenarios/b-lifecycle';
import { scenarioC } from './scenarios/c-read-model';
import { scenarioD } from './scenarios/d-open-dossiers';
import { scenarioE } from './scenarios/e-engine';

/**
 * `npm run bench [-- --only=a,c]`, `BENCH_QUICK=1` for a smoke run. Starts and stops everything
 * it needs (its own databases dossier_bench*, its own Temporal dev server on free ports, the real
 * worker and API processes, the baseline worker), runs the scenarios, and writes their results to
 * bench/results/<id>.json and the generated parts of BENCHMARKS.md. A quick run writes to a
 * scratch folder instead (printed at the end), so it never replaces real figures.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyArg = args.find((a) => a.startsWith('--only='));
  const only = onlyArg ? onlyArg.slice('--only='.length).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : SCENARIO_ORDER;
  for (const id of only) if (!SCENARIO_ORDER.includes(id as ScenarioId)) throw new Error(`unknown scenario "${id}" (a, b, c, d, e)`);
  const quick = process.env.BENCH_QUICK === '1' || args.includes('--quick');
  const runId = `${process.pid}${Date.now().toString(36)}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-bench-'));
  const ctx: BenchContext = {
    quick,
    runId,
    tmp,
    pgServer: process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432',
    redisUrl: process.env.BENCH_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    log: (line) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`),
  };
  const outDir = process.env.BENCH_OUT || (quick ? path.join(os.tmpdir(), 'dossier-bench-quick') : ROOT);
  const resultsDir = path.join(outDir, quick ? 'results' : path.join('bench', 'results'));
  const reportFile = path.join(outDir, 'BENCHMARKS.md');
  // The sizes and switches the run was given, so that the command in the report reproduces it.
  const settings = Object.entries(process.env)
    .filter(([k, v]) => k.startsWith('BENCH_') && k !== 'BENCH_QUICK' && v !== undefined && v !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  const command = `${quick ? 'BENCH_QUICK=1 ' : ''}${settings}npm run bench${onlyArg ? ` -- ${onlyArg}` : ''}`;
  const postgres = await postgresVersion(ctx.pgServer);
  const git = gitState();

  const system = new BenchSystem(ctx);
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await system.stop().catch((err) => ctx.log(`stop: ${(err as Error).message}`));
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else ctx.log(`logs kept in ${tmp}`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));

  ctx.log(`scenarios ${only.join(', ')}${quick ? ' (quick)' : ''}; scratch ${tmp}`);
  const runners: Record<ScenarioId, () => Promise<ScenarioResult>> = {
    a: async () => {
      await system.start();
      return scenarioA(system);
    },
    b: async () => {
      await system.start();
      return scenarioB(system);
    },
    c: () => scenarioC(ctx),
    d: async () => {
      await system.start();
      return scenarioD(system);
    },
    // Its own engine (Temporal on PostgreSQL) and its own processes: the shared system is not used.
    e: () => scenarioE(ctx),
  };
  let failed = false;
  const wall = Date.now();
  // (c) last: it loads the machine most and has a database of its own.
  for (const id of (['a', 'b', 'd', 'c', 'e'] as const).filter((s) => only.includes(s))) {
    ctx.log(`${TITLES[id]}…`);
    const host = machine();
    try {
      const r = await runners[id]();
      const stored: StoredResult = { ...r, startedAt: r.startedAt.toISOString(), command, quick, machine: host, postgres, git };
      saveResult(resultsDir, stored);
      writeReport(reportFile, loadResults(resultsDir));
      ctx.log(`${TITLES[id]} done in ${r.seconds.toFixed(0)} s: ${r.targets.map((t) => `${t.what} ${t.value}${t.met === null ? '' : t.met ? ' (met)' : ' (MISSED)'}`).join('; ')}`);
    } catch (err) {
      failed = true;
      ctx.log(`${TITLES[id]} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  ctx.log(`all done in ${((Date.now() - wall) / 1000).toFixed(0)} s; report ${reportFile}`);
  await shutdown(failed ? 1 : 0);
}

function gitState(): StoredResult['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const changedFiles = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return { commit, changedFiles };
  } catch {
    return undefined;
  }
}

async function postgresVersion(server: string): Promise<string> {
  const url = new URL(server);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const v = (await client.query('show server_version')).rows[0].server_version as string;
    const sb = (await client.query('show shared_buffers')).rows[0].shared_buffers as string;
    const wm = (await client.query('show work_mem')).rows[0].work_mem as string;
    return `PostgreSQL ${v.split(' ')[0]} (shared_buffers ${sb}, work_mem ${wm})`;
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
