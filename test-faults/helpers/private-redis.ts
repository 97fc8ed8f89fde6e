import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../platform/temporal-dev-server';

/**
 * A redis-server of the test's own on a free port, without persistence (`--save ''
 * --appendonly no`, as CI runs Redis): a restart is a SIGKILL and a new server on the same
 * port, with nothing of what was in memory. The Redis on 6379 is shared and never touched.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL: every client sees its connection drop; what Redis held is gone. */
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (b) => {
      socket.destroy();
      resolve(b.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-faults-redis-'));
  let child: ChildProcess | undefined;
  const onExit = () => child?.kill('SIGKILL');
  process.on('exit', onExit);

  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
      child = c;
      const deadline = Date.now() + 15_000;
      while (!(await answers(port))) {
        if (c.exitCode !== null) throw new Error(`redis-server exited (${c.exitCode}) on port ${port}`);
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    async destroy() {
      await redis.kill();
      process.off('exit', onExit);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
