import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { findTemporalCli } from './temporal-cli';

/**
 * Search attributes this project sets on dossier workflows; registered on every dev
 * server we start (an existing cluster needs them added once by its operator).
 */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Text' | 'Int' | 'Datetime' | 'Bool'> = {
  DossierCode: 'Keyword',
  DossierStatus: 'Keyword',
  AgencyCode: 'Keyword',
  ProcedureCode: 'Keyword',
};

export interface DevServerOptions {
  port?: number;
  /** Web UI port; `false` runs headless (tests). */
  uiPort?: number | false;
  /** SQLite file for persistence across restarts; in-memory when absent. */
  dbFile?: string;
  namespace?: string;
  logFile?: string;
  cli?: string;
  /**
   * Run in its own process group, so a terminal's Ctrl-C reaches only the supervisor,
   * which stops the server last, after the worker has drained.
   */
  detached?: boolean;
  /** Records the server's pid; a server left behind by a hard-killed run is stopped first. */
  pidFile?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a dev server recorded in `pidFile` if it is still running (and really is one). */
export async function reapStaleDevServer(pidFile: string): Promise<boolean> {
  if (!fs.existsSync(pidFile)) return false;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return false;
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return false;
  }
  if (!cmdline.includes('start-dev')) return false;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = options.cli ?? findTemporalCli();
  if (options.pidFile) await reapStaleDevServer(options.pidFile);
  const port = options.port ?? (await freePort());
  if (await portInUse(port)) {
    throw new Error(`port ${port} is already in use: stop what holds it or set TEMPORAL_PORT / TEMPORAL_ADDRESS`);
  }
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-level', 'warn');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  if (options.uiPort === false) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort ?? port + 1000));
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    // WAL keeps the UI and the server readable while history is being appended.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  const out = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(cli, args, { stdio: ['ignore', out, out], detached: options.detached ?? false });
  if (options.pidFile && child.pid) fs.writeFileSync(options.pidFile, `${child.pid}\n`);
  const address = `127.0.0.1:${port}`;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `Temporal dev server exited (${code ?? signal})`;
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${exited}${options.logFile ? `; see ${options.logFile}` : ''}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        break;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server did not become ready on ${address}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    address,
    uiUrl: options.uiPort === false ? undefined : `http://127.0.0.1:${options.uiPort ?? port + 1000}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          if (options.pidFile) fs.rmSync(options.pidFile, { force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
