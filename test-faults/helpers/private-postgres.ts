import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../platform/temporal-dev-server';

/**
 * A PostgreSQL cluster of the test's own, to restart at will: the PostgreSQL on 5432 is shared
 * with other people's tests and benchmarks and is never touched.
 *
 * initdb and pg_ctl refuse to run as root: as root they run as the `postgres` user (runuser,
 * else su) in a temporary directory it owns; as any other user they run as that user
 * directly. Trust authentication on 127.0.0.1 and a Unix socket inside the directory, a free
 * port. PG_BIN_DIR overrides /usr/lib/postgresql/15/bin (else `pg_config --bindir`).
 */
export interface PrivatePostgres {
  port: number;
  dir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** `fast` (a clean restart: sessions ended, checkpoint) or `immediate` (like a crash: recovery from WAL at start). */
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  /** Stops the cluster (if running) and removes its directory. Safe to call twice. */
  destroy(): void;
}

function binDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  if (fs.existsSync('/usr/lib/postgresql/15/bin/initdb')) return '/usr/lib/postgresql/15/bin';
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  throw new Error('PostgreSQL server binaries not found: set PG_BIN_DIR');
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

/** How a PostgreSQL server program is run here: as `postgres` when we are root, as ourselves otherwise. */
function runner(): { describe: string; owner?: { uid: number; gid: number }; run(bin: string, args: string[]): SpawnSyncReturns<string> } {
  const opts = { encoding: 'utf8' as const, timeout: 120_000 };
  if (process.getuid?.() !== 0) return { describe: 'as the current user', run: (bin, args) => spawnSync(bin, args, opts) };
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root, and there is no "postgres" user to run initdb/pg_ctl as');
  if (has('runuser')) return { describe: 'as postgres (runuser)', owner: { uid, gid }, run: (bin, args) => spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], opts) };
  if (has('su')) {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    return { describe: 'as postgres (su)', owner: { uid, gid }, run: (bin, args) => spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', [bin, ...args].map(quote).join(' ')], opts) };
  }
  throw new Error('running as root without runuser or su: cannot run initdb/pg_ctl as the postgres user');
}

function check(r: SpawnSyncReturns<string>, what: string): void {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout || r.error?.message}`);
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const as = runner();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-faults-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  if (as.owner) fs.chownSync(dir, as.owner.uid, as.owner.gid);
  const port = await freePort();
  let running = false;
  let destroyed = false;

  const pgctl = (args: string[]) => as.run(path.join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const cluster: PrivatePostgres = {
    port,
    dir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start() {
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
      check(pgctl(['-l', logFile, '-w', '-t', '60', '-o', options, 'start']), `pg_ctl start (${as.describe}); log ${logFile}`);
      running = true;
    },
    stop(mode = 'fast') {
      if (!running) return;
      check(pgctl(['-m', mode, '-w', '-t', '60', 'stop']), `pg_ctl stop -m ${mode}`);
      running = false;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running) pgctl(['-m', 'immediate', '-w', '-t', '30', 'stop']);
      running = false;
      process.off('exit', onExit);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  // A test process that dies without its afterAll still takes its cluster with it.
  const onExit = () => cluster.destroy();
  process.on('exit', onExit);

  try {
    check(as.run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']), `initdb (${as.describe})`);
    cluster.start();
  } catch (err) {
    cluster.destroy();
    throw err;
  }
  return cluster;
}
