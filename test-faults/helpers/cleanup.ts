import fs from 'node:fs';
import { Redis } from 'ioredis';

/** Deletes every key under a BullMQ prefix of this run (never anything else on a shared Redis). */
export async function dropQueuePrefix(redisUrl: string, prefix: string): Promise<void> {
  if (!prefix || prefix.includes('*')) throw new Error(`refusing to delete keys under "${prefix}"`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Best effort: a Redis that is gone has nothing left to clean.
  } finally {
    redis.disconnect();
  }
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
