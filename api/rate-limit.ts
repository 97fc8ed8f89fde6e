import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { HttpProblem, sendProblem } from './problem';

export interface RateLimitOptions {
  redis: Redis;
  /** Names the counter, e.g. `status` or `sla-preview`: each public endpoint has its own. */
  name: string;
  /** Requests allowed per client IP and window; 0 switches the limiter off. */
  limit: number;
  windowSeconds: number;
  /** Prefix of the Redis keys (a deployment's or a test's namespace). */
  keyPrefix?: string;
  /** How long to wait for Redis before letting the request through. */
  timeoutMs?: number;
}

/**
 * Fixed-window limiter for the public endpoints (status lookup, deadline preview), per client
 * IP (`req.ip`, which honours the app's `trust proxy`). One script call per request (INCR, and
 * EXPIRE when the window's counter is new): one command instead of a MULTI of four.
 * When Redis does not answer the request goes through: a citizen's lookup must not go down with
 * Redis; the outage is logged once, and again after the next recovery.
 */
/** Counts a hit in the window's counter; the first hit of a window sets its expiry. */
const HIT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;
const HIT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

export function rateLimit(opts: RateLimitOptions): RequestHandler {
  const prefix = opts.keyPrefix ?? '';
  const timeoutMs = opts.timeoutMs ?? 300;
  let failing = false;

  async function count(key: string): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const hit = opts.redis.evalsha(HIT_SHA, 1, key, opts.windowSeconds).catch((err: Error) => {
      // First use on this Redis (or after it lost its scripts): send the script itself once.
      if (!String(err.message).startsWith('NOSCRIPT')) throw err;
      return opts.redis.eval(HIT_SCRIPT, 1, key, opts.windowSeconds);
    });
    // A late answer or failure after the timeout must not become an unhandled rejection.
    hit.catch(() => undefined);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return Number(await Promise.race([hit, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  return async (req: Request, res: Response, next: NextFunction) => {
    if (opts.limit <= 0) return next();
    const nowSeconds = Date.now() / 1000;
    const window = Math.floor(nowSeconds / opts.windowSeconds);
    const resetIn = Math.max(1, Math.ceil((window + 1) * opts.windowSeconds - nowSeconds));
    let used: number;
    try {
      used = await count(`${prefix}rl:${opts.name}:${req.ip ?? 'unknown'}:${window}`);
      if (failing) process.stderr.write(`api: rate limiter "${opts.name}" has Redis again\n`);
      failing = false;
    } catch (err) {
      if (!failing) process.stderr.write(`api: rate limiter "${opts.name}" lets requests through, Redis unavailable: ${(err as Error).message}\n`);
      failing = true;
      return next();
    }
    res.set('RateLimit-Limit', String(opts.limit));
    res.set('RateLimit-Remaining', String(Math.max(0, opts.limit - used)));
    res.set('RateLimit-Reset', String(resetIn));
    if (used <= opts.limit) return next();
    res.set('Retry-After', String(resetIn));
    sendProblem(
      res,
      req,
      new HttpProblem(429, 'Too many requests', `Quá nhiều yêu cầu, vui lòng thử lại sau ${resetIn} giây.`, { retryAfterSeconds: resetIn }),
    );
  };
}
