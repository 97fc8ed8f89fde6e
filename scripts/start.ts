import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createDb, ensureDatabase, migrateAndSeed } from '../db/connection';
import { loadConfig } from '../platform/config';
import { ensureLocalServices } from '../platform/local-services';
import { RestartBackoff } from '../platform/restart-backoff';
import { startDevServer, type DevServer } from '../platform/temporal-dev-server';
import { ensureWebBuilt } from './web-build';

/**
 * `npm start`: the whole system on one machine. Builds the web front end when its sources
 * changed (scripts/web-build.ts), migrates and seeds PostgreSQL, runs a
 * persistent Temporal dev server (unless TEMPORAL_ADDRESS names a cluster), then the
 * worker and API processes; restarts either if it dies, waiting longer after each exit in a
 * row (platform/restart-backoff.ts) rather than giving up; stops everything on Ctrl-C/SIGTERM.
 */
const ROOT = path.join(__dirname, '..');
const log = (line: string) => process.stdout.write(`start: ${line}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  fs.mkdirSync(config.dataDir, { recursive: true });
  // The portal and the console: rebuilt when web/ changed since the last build, before the API serves them.
  await ensureWebBuilt(log);

  await ensureLocalServices(config.databaseUrl, config.redisUrl, log);
  log(`database ${new URL(config.databaseUrl).pathname.slice(1)}: creating if missing, migrating, seeding`);
  try {
    await ensureDatabase(config.databaseUrl);
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${new URL(config.databaseUrl).host} (${(err as Error).message}). ` +
        'Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main start`) or set DATABASE_URL.',
    );
  }
  const db = createDb(config.databaseUrl, { max: 2 });
  await migrateAndSeed(db);
  await db.destroy();

  let devServer: DevServer | undefined;
  if (!config.temporal.address) {
    log(`Temporal dev server on 127.0.0.1:${config.temporal.devServerPort}, persisting to ${path.join(config.dataDir, 'temporal.sqlite')}`);
    devServer = await startDevServer({
      port: config.temporal.devServerPort,
      uiPort: config.temporal.uiPort,
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      logFile: path.join(config.dataDir, 'temporal.log'),
      namespace: config.temporal.namespace,
      detached: true,
      pidFile: path.join(config.dataDir, 'temporal.pid'),
    });
  } else {
    log(`using the Temporal cluster at ${config.temporal.address} (namespace ${config.temporal.namespace})`);
  }

  let shuttingDown = false;
  const children = new Map<string, ChildProcess>();
  let workerReady = false;
  const backoff = { worker: new RestartBackoff(), api: new RestartBackoff() };
  const pendingRestarts = new Set<NodeJS.Timeout>();

  const launch = (name: 'worker' | 'api') => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, name, 'main.ts')], {
      cwd: ROOT,
      env: process.env,
      // The IPC channel lets a child notice when this supervisor is gone and stop itself.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.set(name, child);
    if (name === 'worker') {
      child.on('message', (m: { type?: string }) => {
        if (m?.type === 'ready') workerReady = true;
      });
    }
    child.once('exit', (code, signal) => {
      children.delete(name);
      if (shuttingDown) return;
      if (name === 'worker') workerReady = false;
      // One crashing child never takes the others down: it is restarted, later each time it keeps crashing.
      const { attempt, delayMs } = backoff[name].exited(Date.now() - startedAt);
      log(`${name} exited (${code ?? signal}) after ${Math.round((Date.now() - startedAt) / 1000)} s; restart ${attempt} in a row, in ${delayMs / 1000} s`);
      const timer = setTimeout(() => {
        pendingRestarts.delete(timer);
        if (!shuttingDown) launch(name);
      }, delayMs);
      pendingRestarts.add(timer);
    });
  };

  const shutdown = async (exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log('shutting down…');
    for (const timer of pendingRestarts) clearTimeout(timer);
    // API first (no new actions), then the worker drains while Temporal is still up, then Temporal.
    for (const name of ['api', 'worker'] as const) {
      const child = children.get(name);
      if (!child) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    await devServer?.stop();
    log('stopped');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  devServer?.process.once('exit', (code, signal) => {
    if (shuttingDown) return;
    log(`the Temporal dev server exited (${code ?? signal}); see ${path.join(config.dataDir, 'temporal.log')}`);
    void shutdown(1);
  });

  launch('worker');
  launch('api');

  const base = `http://127.0.0.1:${config.port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (shuttingDown) return;
    try {
      const res = await fetch(`${base}/ready`);
      if (res.ok && workerReady) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      log('the system did not become ready within 3 minutes; see the messages above');
      return shutdown(1);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  log('ready');
  process.stdout.write(
    [
      '',
      `  Portal       ${base}/`,
      `  Console      ${base}/console/`,
      `  API          ${base}/api/v1`,
      `  API docs     ${base}/api/docs`,
      `  Health       ${base}/health`,
      `  Temporal UI  ${devServer?.uiUrl ?? '(the cluster’s own UI)'}`,
      `  Temporal     ${devServer?.address ?? config.temporal.address}`,
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
