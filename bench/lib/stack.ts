import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Knex } from 'knex';
import { officerClaims, signCitizenToken, signOfficerToken } from '../../api/auth';
import { createDb, ensureDatabase, migrateAndSeed } from '../../db/connection';
import { authConfig } from '../../platform/config';
import { findTemporalCli } from '../../platform/temporal-cli';
import { freePort, startDevServer, type DevServer } from '../../platform/temporal-dev-server';
import { buildWorkflowBundle } from '../../scripts/bundle-workflows';
import { dropDatabase as dropAnyDatabase } from '../../test/helpers/databases';

export const ROOT = path.join(__dirname, '..', '..');

/** Everything a scenario needs to know about this run. */
export interface BenchContext {
  quick: boolean;
  runId: string;
  /** Scratch folder of this run (logs, bundles, outbox), removed at the end unless BENCH_KEEP=1. */
  tmp: string;
  /** PostgreSQL server URL without a database, e.g. postgres://postgres@127.0.0.1:5432 */
  pgServer: string;
  redisUrl: string;
  log: (line: string) => void;
}

export function databaseUrl(ctx: BenchContext, name: string): string {
  const url = new URL(ctx.pgServer);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the database if it exists, creates it, migrates and seeds it: a fresh one per run. */
export async function recreateDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  await ensureDatabase(url);
  const db = createDb(url, { max: 2 });
  try {
    await migrateAndSeed(db);
  } finally {
    await db.destroy();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^dossier_bench[a-z0-9_]*$/.test(name)) throw new Error(`refusing to drop "${name}": bench databases are named dossier_bench*`);
  await dropAnyDatabase(url);
}

/** A Temporal dev server of our own on free ports (in-memory SQLite, headless), from the cached CLI. */
export async function startTemporal(ctx: BenchContext): Promise<DevServer> {
  return startDevServer({ cli: findTemporalCli(), uiPort: false, logFile: path.join(ctx.tmp, 'temporal.log') });
}

/** The dossier workflows bundle, exactly as the tests and the production image build it. */
export async function buildDossierBundle(ctx: BenchContext): Promise<string> {
  return buildWorkflowBundle(path.join(ctx.tmp, 'dossier-workflow-bundle.js'));
}

/** The baseline workflow of scenario (b), bundled on its own (never part of workflows/index.ts). */
export async function buildBaselineBundle(ctx: BenchContext): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'baseline', 'workflows.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn: (m) => ctx.log(m), error: (m) => ctx.log(m), log() {} },
  });
  const file = path.join(ctx.tmp, 'baseline-workflow-bundle.js');
  fs.writeFileSync(file, code);
  return file;
}

export interface ChildHandle {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A TypeScript entry point of this repository as a child process (`node --import tsx`),
 * its output going to a log file; resolves once a line matches `ready`.
 */
export async function spawnTs(
  ctx: BenchContext,
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  opts: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<ChildHandle> {
  const logFile = path.join(ctx.tmp, `${name}.log`);
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', path.isAbsolute(entry) ? entry : path.join(ROOT, entry)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let tail = '';
  let isReady = false;
  const onData = (b: Buffer) => {
    log.write(b);
    if (!isReady) {
      tail = (tail + b.toString()).slice(-8192);
      if (ready.test(tail)) isReady = true;
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  while (!isReady) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited early; see ${logFile}:\n${tail}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready; see ${logFile}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name,
    child,
    pid: child.pid!,
    logFile,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/** Environment of a process of this system wired to the bench components. */
export function systemEnv(ctx: BenchContext, o: { databaseUrl: string; temporalAddress: string; taskQueue: string; bundlePath?: string; extra?: Record<string, string> }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: ctx.redisUrl,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    // One prefix per database: stacks of one run that stay up side by side (the system of (a)/(b)
    // while (e) runs its own) must not take each other's queued jobs, whose ids (outbox keys,
    // delivery ids) repeat from one database to the next.
    QUEUE_PREFIX: `bench-${ctx.runId}-${new URL(o.databaseUrl).pathname.slice(1)}`,
    DATA_DIR: path.join(ctx.tmp, 'data'),
    NOTIFY_OUTBOX_DIR: path.join(ctx.tmp, 'outbox'),
    DOCUMENTS_DIR: path.join(ctx.tmp, 'documents'),
    ...(o.bundlePath ? { WORKFLOW_BUNDLE_PATH: o.bundlePath } : {}),
    ...o.extra,
  };
  delete env.VITEST;
  return env;
}

/** Resident set size of a process, from /proc/<pid>/status (KiB). */
export function rssKiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const AUTH = authConfig({});

/** A development officer token with the roles the directory gives the officer (as the tests sign in). */
export async function officerToken(db: Knex, username: string): Promise<string> {
  const claims = await officerClaims(db, username);
  if (!claims) throw new Error(`no officer ${username}`);
  return signOfficerToken(AUTH.officer, claims);
}

export const citizenToken = (idNumber: string, fullName?: string) => signCitizenToken(AUTH.citizen, { idNumber, fullName });

export { createDb, freePort };

export function machine(): { cpus: number; cpuModel: string; memGiB: number; node: string; platform: string; loadAverage?: number[] } {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    // Before the scenario's own processes start: what else was loading the machine.
    loadAverage: os.loadavg(),
  };
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), 1-based: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/** PIDs of the PostgreSQL backends serving a database (to count their CPU time). */
export async function backendPids(db: Knex, database: string): Promise<number[]> {
  const r = await db.raw('select pid from pg_stat_activity where datname = ? and pid <> pg_backend_pid()', [database]);
  return r.rows.map((x: { pid: number }) => x.pid);
}
