import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { findGo, findTemporalCli, isExecutable } from './temporal-cli';
import { freePort, SEARCH_ATTRIBUTES, type DevServer } from './temporal-dev-server';

/**
 * The Temporal server as production runs it (docker-compose.yml: temporalio/auto-setup:1.29.1,
 * DB=postgres12, DEFAULT_NAMESPACE=default, then temporal-setup registering the search
 * attributes), without Docker: the same server version built from source, its two databases on
 * our PostgreSQL, the schemas set up by the same sql tool, one process with all four services.
 * Used by bench scenario (e) and `npm run test:engine`; `npm start` and the tests keep the dev server.
 *
 * Order: $TEMPORAL_SERVER / $TEMPORAL_SQL_TOOL, then the cache folder outside the repository,
 * then `go install` into that cache (a few minutes the first time).
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_SERVER_MODULE = `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`;
export const TEMPORAL_SQL_TOOL_MODULE = `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`;

export class TemporalServerUnavailableError extends Error {}

export function temporalServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'temporal-server');
}

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the same server version (temporal/ and visibility/ inside). */
  schemaDir: string;
}

export interface FindServerOptions {
  env?: NodeJS.ProcessEnv;
  /** Build with `go install` when a binary is missing (default true). */
  build?: boolean;
  log?: (line: string) => void;
}

function goEnv(go: string, env: NodeJS.ProcessEnv, name: string): string {
  const r = spawnSync(go, ['env', name], { env, encoding: 'utf8' });
  return (r.stdout ?? '').trim();
}

/** Finds (or builds) the server, the sql tool and the schema files of the pinned version. */
export function findTemporalServer(options: FindServerOptions = {}): TemporalServerBinaries {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cacheDir = temporalServerCacheDir(env);
  const go = findGo(env);
  const goEnvVars = { ...env, GOBIN: cacheDir, GOFLAGS: env.GOFLAGS ?? '-mod=mod', GOTOOLCHAIN: env.GOTOOLCHAIN ?? 'auto' };
  const wanted: Array<{ key: 'server' | 'sqlTool'; envVar: string; file: string; module: string }> = [
    { key: 'server', envVar: 'TEMPORAL_SERVER', file: 'server', module: TEMPORAL_SERVER_MODULE },
    { key: 'sqlTool', envVar: 'TEMPORAL_SQL_TOOL', file: 'sql', module: TEMPORAL_SQL_TOOL_MODULE },
  ];
  const found: Partial<TemporalServerBinaries> = {};
  for (const w of wanted) {
    const fromEnv = env[w.envVar];
    if (fromEnv) {
      if (!isExecutable(fromEnv)) throw new TemporalServerUnavailableError(`${w.envVar}=${fromEnv} is not an executable file`);
      found[w.key] = fromEnv;
      continue;
    }
    const cached = path.join(cacheDir, w.file);
    if (!isExecutable(cached)) {
      if (options.build === false || !go) {
        throw new TemporalServerUnavailableError(
          [
            `The Temporal server ${TEMPORAL_SERVER_VERSION} (${w.file}) was not found in ${cacheDir}${go ? '' : ', and Go is not installed to build it'}.`,
            `Build it: GOBIN=${cacheDir} go install ${w.module}`,
            `or set ${w.envVar} to a binary of that version.`,
          ].join('\n'),
        );
      }
      fs.mkdirSync(cacheDir, { recursive: true });
      log(`Building ${w.module} into ${cacheDir}; the first build takes several minutes…`);
      const r = spawnSync(go, ['install', w.module], { env: goEnvVars, stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0 || !isExecutable(cached)) {
        throw new TemporalServerUnavailableError(`go install ${w.module} failed (exit ${r.status ?? r.signal}); check access to the Go module proxy.`);
      }
    }
    found[w.key] = cached;
  }
  const schemaDir = env.TEMPORAL_SCHEMA_DIR || findSchemaDir(go, goEnvVars);
  return { server: found.server!, sqlTool: found.sqlTool!, schemaDir };
}

function findSchemaDir(go: string | undefined, env: NodeJS.ProcessEnv): string {
  const modCache = (go && goEnv(go, env, 'GOMODCACHE')) || path.join(os.homedir(), 'go', 'pkg', 'mod');
  const dir = path.join(modCache, `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (fs.existsSync(path.join(dir, 'temporal', 'versioned'))) return dir;
  if (go) {
    spawnSync(go, ['mod', 'download', `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (fs.existsSync(path.join(dir, 'temporal', 'versioned'))) return dir;
  }
  throw new TemporalServerUnavailableError(`schema files not found in ${dir}; set TEMPORAL_SCHEMA_DIR to schema/postgresql/v12 of server ${TEMPORAL_SERVER_VERSION}`);
}

export interface PostgresTemporalOptions {
  /** History/executions database, e.g. temporal_bench (dropped and recreated when `fresh`). */
  database: string;
  /** Visibility database, e.g. temporal_bench_visibility. */
  visibilityDatabase: string;
  /** Folder for the generated configuration and the log. */
  dir: string;
  pgHost?: string;
  pgPort?: number;
  pgUser?: string;
  pgPassword?: string;
  /** Drop both databases first (default true: a run starts from an empty cluster). */
  fresh?: boolean;
  namespace?: string;
  /** As auto-setup's NUM_HISTORY_SHARDS default. */
  numHistoryShards?: number;
  /** Connection pool of the default store (auto-setup's SQL_MAX_CONNS default is 20). */
  maxConns?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  binaries?: TemporalServerBinaries;
  log?: (line: string) => void;
}

export interface PostgresTemporal extends DevServer {
  binaries: TemporalServerBinaries;
  configFile: string;
  logFile: string;
  /** Drops both databases (after stop). */
  dropDatabases(): Promise<void>;
}

function runSqlTool(bin: TemporalServerBinaries, o: Required<Pick<PostgresTemporalOptions, 'pgHost' | 'pgPort' | 'pgUser' | 'pgPassword'>>, db: string, args: string[], allowFail = false): void {
  const base = ['--plugin', 'postgres12', '--ep', o.pgHost, '-p', String(o.pgPort), '-u', o.pgUser, ...(o.pgPassword ? ['--pw', o.pgPassword] : []), '--db', db];
  const r = spawnSync(bin.sqlTool, [...base, ...args], { encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) {
    throw new Error(`temporal-sql-tool ${args.join(' ')} on ${db} failed (exit ${r.status ?? r.signal}):\n${(r.stderr || r.stdout || '').slice(-2000)}`);
  }
}

/** Creates the database if needed, then the schema at its latest version (auto-setup's steps). */
function setupSchema(bin: TemporalServerBinaries, o: Required<Pick<PostgresTemporalOptions, 'pgHost' | 'pgPort' | 'pgUser' | 'pgPassword'>>, db: string, kind: 'temporal' | 'visibility'): void {
  runSqlTool(bin, o, db, ['create-database'], true);
  runSqlTool(bin, o, db, ['setup-schema', '-v', '0.0']);
  runSqlTool(bin, o, db, ['update-schema', '-d', path.join(bin.schemaDir, kind, 'versioned')]);
}

function datastore(o: Required<Pick<PostgresTemporalOptions, 'pgHost' | 'pgPort' | 'pgUser' | 'pgPassword'>>, db: string, maxConns: number): string {
  return [
    `      sql:`,
    `        pluginName: "postgres12"`,
    `        databaseName: "${db}"`,
    `        connectAddr: "${o.pgHost}:${o.pgPort}"`,
    `        connectProtocol: "tcp"`,
    `        user: "${o.pgUser}"`,
    `        password: "${o.pgPassword}"`,
    `        maxConns: ${maxConns}`,
    `        maxIdleConns: ${maxConns}`,
    `        maxConnLifetime: "1h"`,
  ].join('\n');
}

/**
 * The server configuration: what auto-setup renders from its template for DB=postgres12
 * (default store and visibility both on PostgreSQL, 4 history shards, 20/10 connections),
 * on free local ports; no archival, no metrics listener.
 */
function renderConfig(o: Required<Omit<PostgresTemporalOptions, 'binaries' | 'log' | 'fresh' | 'namespace' | 'dir'>>, ports: Record<string, number>, dynamicConfigFile: string): string {
  const service = (name: string, grpc: number | undefined, membership: number | undefined, http?: number) =>
    [`  ${name}:`, `    rpc:`, `      grpcPort: ${grpc}`, `      membershipPort: ${membership}`, `      bindOnLocalHost: true`, ...(http ? [`      httpPort: ${http}`] : [])].join('\n');
  return `# Generated by platform/temporal-server.ts (mirrors temporalio/auto-setup with DB=postgres12).
log:
  stdout: true
  level: ${o.logLevel}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${o.numHistoryShards}
  datastores:
    postgres-default:
${datastore(o, o.database, o.maxConns)}
    postgres-visibility:
${datastore(o, o.visibilityDatabase, 10)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"

services:
${service('frontend', ports.frontend, ports.frontendMembership, ports.frontendHttp)}
${service('matching', ports.matching, ports.matchingMembership)}
${service('history', ports.history, ports.historyMembership)}
${service('worker', ports.worker, ports.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "${dynamicConfigFile}"
  pollInterval: "60s"
`;
}

/**
 * No overrides: auto-setup's config/dynamicconfig/docker.yaml is all comments, so production
 * runs on the server's defaults, and so does this.
 */
const DYNAMIC_CONFIG = `# Generated by platform/temporal-server.ts: the server's defaults, as auto-setup's docker.yaml leaves them.
# frontend.persistenceMaxQPS:
#   - value: 3000
`;

async function waitForFrontend(address: string, namespace: string | undefined, deadlineMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = '';
  for (;;) {
    const gone = exited();
    if (gone) throw new Error(gone);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        if (namespace) await connection.workflowService.describeNamespace({ namespace });
        else await connection.healthService.check({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`Temporal server did not answer on ${address}: ${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function cli(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(findTemporalCli(), args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * Registers the namespace and the search attributes (compose's auto-setup DEFAULT_NAMESPACE and
 * temporal-setup service, with the same CLI commands), then waits until a workflow carrying
 * every search attribute is accepted: the frontend's and history's caches have caught up.
 */
async function registerNamespace(address: string, namespace: string, log: (line: string) => void): Promise<void> {
  const created = cli(['operator', 'namespace', 'create', '--address', address, '--namespace', namespace, '--retention', '24h']);
  if (!created.ok && !/already (exists|registered)/i.test(created.out)) throw new Error(`namespace create failed: ${created.out}`);
  const deadline = Date.now() + 90_000;
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
    for (;;) {
      const r = cli(['operator', 'search-attribute', 'create', '--address', address, '--namespace', namespace, '--name', name, '--type', type]);
      if (r.ok || /already exists/i.test(r.out)) break;
      if (Date.now() > deadline) throw new Error(`search attribute ${name}: ${r.out}`);
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const typed = Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => ({
      key: defineSearchAttributeKey(name, type === 'Keyword' ? SearchAttributeType.KEYWORD : SearchAttributeType.TEXT),
      value: 'probe',
    }));
    for (let attempt = 0; ; attempt++) {
      const workflowId = `engine-probe-${process.pid}-${attempt}`;
      try {
        const handle = await client.workflow.start('EngineProbe', { taskQueue: 'engine-probe', workflowId, typedSearchAttributes: typed as never });
        await handle.terminate('probe');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace ${namespace} not usable: ${(err as Error).message}`);
        if (attempt % 10 === 0) log(`temporal-server: waiting for namespace ${namespace} (${(err as Error).message})`);
        await new Promise((res) => setTimeout(res, 1000));
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * A free port below 32768: the cluster_membership table keeps rpc ports as smallint, so the
 * kernel's ephemeral ports (32768 and up, what freePort hands out) make the server exit.
 */
async function lowFreePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  return freePort();
}

function dropDb(bin: TemporalServerBinaries, o: Required<Pick<PostgresTemporalOptions, 'pgHost' | 'pgPort' | 'pgUser' | 'pgPassword'>>, name: string): void {
  if (!/^temporal[a-z0-9_]*$/.test(name)) throw new Error(`refusing to drop "${name}": Temporal databases here are named temporal*`);
  // Fails when the database does not exist; a left-over one that cannot be dropped makes setup-schema fail loudly.
  runSqlTool(bin, o, name, ['drop-database', '-f'], true);
}

/** Starts a PostgreSQL-backed Temporal server (one process, all services) and waits until `namespace` is usable. */
export async function startPostgresTemporal(options: PostgresTemporalOptions): Promise<PostgresTemporal> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pg = { pgHost: options.pgHost ?? '127.0.0.1', pgPort: options.pgPort ?? 5432, pgUser: options.pgUser ?? 'postgres', pgPassword: options.pgPassword ?? '' };
  const namespace = options.namespace ?? 'default';
  const bin = options.binaries ?? findTemporalServer({ log });
  const t0 = Date.now();
  if (options.fresh ?? true) {
    dropDb(bin, pg, options.database);
    dropDb(bin, pg, options.visibilityDatabase);
  }
  setupSchema(bin, pg, options.database, 'temporal');
  setupSchema(bin, pg, options.visibilityDatabase, 'visibility');
  log(`temporal-server: schemas ready in ${options.database}, ${options.visibilityDatabase} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  const names = ['frontend', 'frontendHttp', 'frontendMembership', 'history', 'historyMembership', 'matching', 'matchingMembership', 'worker', 'workerMembership'];
  const ports: Record<string, number> = {};
  const taken = new Set<number>();
  for (const n of names) {
    let p = await lowFreePort();
    while (taken.has(p)) p = await lowFreePort();
    taken.add(p);
    ports[n] = p;
  }
  const configDir = path.join(options.dir, 'temporal-config');
  fs.mkdirSync(configDir, { recursive: true });
  const dynamicConfigFile = path.join(configDir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfigFile, DYNAMIC_CONFIG);
  const configFile = path.join(configDir, 'engine.yaml');
  fs.writeFileSync(
    configFile,
    renderConfig(
      { ...pg, database: options.database, visibilityDatabase: options.visibilityDatabase, numHistoryShards: options.numHistoryShards ?? 4, maxConns: options.maxConns ?? 20, logLevel: options.logLevel ?? 'warn' },
      ports,
      dynamicConfigFile,
    ),
  );
  const logFile = path.join(options.dir, 'temporal-server.log');
  const out = fs.openSync(logFile, 'a');
  // v1.29.1 reads <root>/<config>/<env>.yaml.
  const child = spawn(bin.server, ['--root', options.dir, '--config', 'temporal-config', '--env', 'engine', '--allow-no-auth', 'start'], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `Temporal server exited (${code ?? signal}); see ${logFile}`;
  });
  const address = `127.0.0.1:${ports.frontend}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  try {
    await waitForFrontend(address, undefined, 90_000, () => exited);
    await registerNamespace(address, namespace, log);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`temporal-server: ${TEMPORAL_SERVER_VERSION} on ${address}, PostgreSQL ${options.database} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return {
    address,
    uiUrl: undefined,
    process: child,
    binaries: bin,
    configFile,
    logFile,
    stop,
    dropDatabases: async () => {
      dropDb(bin, pg, options.database);
      dropDb(bin, pg, options.visibilityDatabase);
    },
  };
}

if (require.main === module) {
  try {
    const b = findTemporalServer();
    process.stdout.write(`${b.server}\n${b.sqlTool}\n${b.schemaDir}\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
