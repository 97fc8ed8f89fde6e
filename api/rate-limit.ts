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

/** A Lua script run by its SHA-1, sent in full the first time a Redis has not seen it. */
interface Script {
  source: string;
  sha: string;
}
const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });

/**
 * One script call with a deadline: the script's answer, or null when Redis does not answer, and
 * the caller lets the request through (a citizen's lookup must not go down with Redis): the
 * outage is logged once, and again after the next recovery.
 */
function scriptRunner(redis: Redis, what: string, timeoutMs: number) {
  let failing = false;
  return async (s: Script, keys: string[], args: Array<string | number>): Promise<unknown> => {
    let timer: NodeJS.Timeout | undefined;
    const call = redis.evalsha(s.sha, keys.length, ...keys, ...args).catch((err: Error) => {
      // First use on this Redis (or after it lost its scripts): send the script itself once.
      if (!String(err.message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(s.source, keys.length, ...keys, ...args);
    });
    // A late answer or failure after the timeout must not become an unhandled rejection.
    call.catch(() => undefined);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const answer: unknown = await Promise.race([call, timeout]);
      if (failing) process.stderr.write(`api: ${what} has Redis again\n`);
      failing = false;
      return answer;
    } catch (err) {
      if (!failing) process.stderr.write(`api: ${what} lets requests through, Redis unavailable: ${(err as Error).message}\n`);
      failing = true;
      return null;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Counts a hit in the window's counter; the first hit of a window sets its expiry. */
const HIT = script(`local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`);

/**
 * Fixed-window limiter for the public endpoints (status lookup, deadline preview), per client
 * IP (`req.ip`, which honours the app's `trust proxy`: none unless TRUST_PROXY names them). One
 * script call per request (INCR, and EXPIRE when the window's counter is new): one command
 * instead of a MULTI of four.
 */
export function rateLimit(opts: RateLimitOptions): RequestHandler {
  const prefix = opts.keyPrefix ?? '';
  const run = scriptRunner(opts.redis, `rate limiter "${opts.name}"`, opts.timeoutMs ?? 300);

  return async (req: Request, res: Response, next: NextFunction) => {
    if (opts.limit <= 0) return next();
    const { window, resetIn } = windowOf(opts.windowSeconds);
    const used = await run(HIT, [rateLimitKey(prefix, opts.name, req.ip, window)], [opts.windowSeconds]);
    if (used === null) return next();
    if (withinLimit(req, res, Number(used), opts.limit, resetIn)) next();
  };
}

const rateLimitKey = (prefix: string, name: string, ip: string | undefined, window: number) => `${prefix}rl:${name}:${ip ?? 'unknown'}:${window}`;

/** The window a request falls in, and the seconds until it ends. */
function windowOf(windowSeconds: number): { window: number; resetIn: number } {
  const nowSeconds = Date.now() / 1000;
  const window = Math.floor(nowSeconds / windowSeconds);
  return { window, resetIn: Math.max(1, Math.ceil((window + 1) * windowSeconds - nowSeconds)) };
}

/** The RateLimit-* headers of a counted request; past the limit, the 429 is sent and false returned. */
function withinLimit(req: Request, res: Response, used: number, limit: number, resetIn: number): boolean {
  res.set('RateLimit-Limit', String(limit));
  res.set('RateLimit-Remaining', String(Math.max(0, limit - used)));
  res.set('RateLimit-Reset', String(resetIn));
  if (used <= limit) return true;
  res.set('Retry-After', String(resetIn));
  sendProblem(res, req, new HttpProblem(429, 'Too many requests', `Quá nhiều yêu cầu, vui lòng thử lại sau ${resetIn} giây.`, { retryAfterSeconds: resetIn }));
  return false;
}

export interface CheckGuardOptions {
  redis: Redis;
  /** Prefix of the Redis keys (a deployment's or a test's namespace). */
  keyPrefix?: string;
  /**
   * Names what is counted (default `lookup`, the status lookup's 4 check digits): each guard
   * counts on keys of its own, e.g. `id-lookup-send` (codes sent per ID number and per client)
   * and `id-lookup-code` (wrong one-time codes).
   */
  name?: string;
  /** Failed checks on one dossier code that lock it (default 5). */
  failuresPerCode?: number;
  /** Failed checks from one client IP that lock it out of the check (default 20). */
  failuresPerClient?: number;
  /** Each lock-out in turn, in seconds; the last one repeats (default 1 min, 5 min, 30 min, 24 h). */
  lockoutSeconds?: readonly number[];
  /** How long failures and past lock-outs are remembered after the last failure (default 7 days). */
  memorySeconds?: number;
  timeoutMs?: number;
}

export interface CheckGuard {
  /**
   * Records the outcome of one check of `code` by `client` (one script call) and tells whether
   * the answer may be given: the seconds left of a lock-out on the code or the client, 0 when
   * there is none. A lock-out stands whatever the outcome, a right check included.
   */
  settle(code: string, client: string, failed: boolean): Promise<number>;
}

/**
 * Locks out a dossier code, and a client, after repeated failed checks. KEYS: the code's
 * state (a hash of failures and lock-outs so far) and lock, the client's state and lock.
 * ARGV: failed (1/0), failures per code, failures per client, memory (s), lock-outs (s)…
 * While either is locked nothing is counted and the seconds left (rounded up) are returned;
 * each threshold reached starts the next, longer lock-out.
 */
const SETTLE = script(`local wait = math.ceil(math.max(redis.call('PTTL', KEYS[2]), redis.call('PTTL', KEYS[4]), 0) / 1000)
if wait > 0 or ARGV[1] ~= '1' then return wait end
local steps = #ARGV - 4
local function fail(state, lock, threshold)
  if redis.call('HINCRBY', state, 'fails', 1) >= threshold then
    local level = redis.call('HINCRBY', state, 'level', 1)
    redis.call('HSET', state, 'fails', 0)
    redis.call('SET', lock, '1', 'EX', ARGV[4 + math.min(level, steps)])
  end
  redis.call('EXPIRE', state, ARGV[4])
end
fail(KEYS[1], KEYS[2], tonumber(ARGV[2]))
fail(KEYS[3], KEYS[4], tonumber(ARGV[3]))
return 0`);

/**
 * The brute-force guard of the public lookup's 4 check digits (10,000 values). The per-client
 * rate limit alone cannot protect one dossier from many clients, so failed checks are counted
 * per dossier code as well as per client, in Redis, and lock out for longer each time (5
 * failures on a code: 1 min, then 5 min, 30 min, 24 h each). Codes are counted whether they
 * exist or not, so a lock-out says nothing about existence. When Redis does not answer the
 * check goes through, like the rate limit.
 */
export function checkGuard(opts: CheckGuardOptions): CheckGuard {
  const prefix = guardPrefix(opts);
  const lockouts = opts.lockoutSeconds?.length ? opts.lockoutSeconds : [60, 300, 1800, 86_400];
  const args = [opts.failuresPerCode ?? 5, opts.failuresPerClient ?? 20, opts.memorySeconds ?? 7 * 86_400, ...lockouts];
  const run = scriptRunner(opts.redis, `${opts.name ?? 'lookup'} check guard`, opts.timeoutMs ?? 300);
  return {
    async settle(code, client, failed) {
      const keys = [`${prefix}code:${code}`, `${prefix}code-lock:${code}`, `${prefix}client:${client}`, `${prefix}client-lock:${client}`];
      const wait = await run(SETTLE, keys, [failed ? 1 : 0, ...args]);
      return wait === null ? 0 : Number(wait);
    },
  };
}

const guardPrefix = (opts: { keyPrefix?: string; name?: string }) => `${opts.keyPrefix ?? ''}${opts.name ?? 'lookup'}:`;

/**
 * Counts the request in the client's window and reads the lock-outs of the code and the client.
 * KEYS: the window's counter, the code's lock, the client's lock. ARGV: window (s), limit (0: no
 * limit). Returns {requests counted, seconds left of a lock-out (rounded up)}; past the limit
 * the locks are not read.
 */
const ENTER = script(`local used = 0
local limit = tonumber(ARGV[2])
if limit > 0 then
  used = redis.call('INCR', KEYS[1])
  if used == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
  if used > limit then return {used, 0} end
end
return {used, math.ceil(math.max(redis.call('PTTL', KEYS[2]), redis.call('PTTL', KEYS[3]), 0) / 1000)}`);

export interface LookupGateOptions {
  redis: Redis;
  keyPrefix?: string;
  /** The public rate limit of the lookup (`rateLimit`'s counter of this name, shared with it). */
  rateLimit: { name: string; limit: number; windowSeconds: number };
  /** The name of the lookup's check guard (`checkGuard`'s, default `lookup`), whose lock-outs are read. */
  guardName?: string;
  timeoutMs?: number;
}

export interface LookupGate {
  /**
   * The door of the public lookup, in ONE script call before any work: the request counted
   * against the client's rate limit (the same counter and headers as `rateLimit`), and the
   * lock-outs of the code and of the client read (those `checkGuard` sets). 'limited' when the
   * 429 of the rate limit has been sent; otherwise the seconds left of a lock-out, 0 when there
   * is none. A failed check is then recorded with `checkGuard.settle(code, client, true)`, which
   * counts it (and tells of a lock-out that began meanwhile): the lock-out semantics of
   * `settle` alone, in one call for the answers that do not fail. Redis down: 0, like the others.
   */
  enter(req: Request, res: Response, code: string): Promise<'limited' | number>;
}

export function lookupGate(opts: LookupGateOptions): LookupGate {
  const prefix = opts.keyPrefix ?? '';
  const locks = guardPrefix({ keyPrefix: opts.keyPrefix, name: opts.guardName });
  const { name, limit, windowSeconds } = opts.rateLimit;
  const run = scriptRunner(opts.redis, `lookup gate "${name}"`, opts.timeoutMs ?? 300);
  return {
    async enter(req, res, code) {
      const { window, resetIn } = windowOf(windowSeconds);
      const client = req.ip ?? 'unknown';
      const answer = await run(ENTER, [rateLimitKey(prefix, name, req.ip, window), `${locks}code-lock:${code}`, `${locks}client-lock:${client}`], [windowSeconds, Math.max(0, limit)]);
      if (!Array.isArray(answer)) return 0;
      const [used, wait] = answer.map(Number) as [number, number];
      if (limit > 0 && !withinLimit(req, res, used, limit, resetIn)) return 'limited';
      return wait;
    },
  };
}
