import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/**
 * On a developer machine PostgreSQL and Redis run as local services; when one is down and
 * configured on this host, `npm start` starts it the way this machine's docs say, rather than
 * failing. Remote ones are left to their operators.
 */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const isLocal = (host: string) => ['127.0.0.1', 'localhost', '::1'].includes(host);

async function waitFor(host: string, port: number, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await answers(host, port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

export async function ensureLocalServices(databaseUrl: string, redisUrl: string, log: (line: string) => void): Promise<void> {
  const pg = new URL(databaseUrl);
  const pgPort = Number(pg.port || 5432);
  if (isLocal(pg.hostname) && !(await answers(pg.hostname, pgPort))) {
    const versions = fs.existsSync('/etc/postgresql') ? fs.readdirSync('/etc/postgresql').sort() : [];
    const version = versions[versions.length - 1];
    if (version) {
      log(`PostgreSQL is not answering on ${pg.host}; starting cluster ${version}/main`);
      spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
      await waitFor(pg.hostname, pgPort, 30);
    }
  }
  const redis = new URL(redisUrl);
  const redisPort = Number(redis.port || 6379);
  if (isLocal(redis.hostname) && !(await answers(redis.hostname, redisPort))) {
    const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
    if (found) {
      log(`Redis is not answering on ${redis.host}; starting redis-server`);
      spawnSync(found, ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
      await waitFor(redis.hostname, redisPort, 15);
    }
  }
}
