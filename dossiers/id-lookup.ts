import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inTransaction, type Db } from '../db/connection';
import { latestContactDossier } from '../db/repositories/dossiers';
import { insertOutboxMessage } from '../db/repositories/outbox';
import { DomainError } from '../domain/errors';
import { loadDossierFacts, type LookupCodeFacts } from '../notifications/facts';

/**
 * Tra cứu hồ sơ bằng số căn cước công dân (the HCMC portal guide: "nhập mã số hồ sơ hoặc căn
 * cước công dân/CMND"), without exposing anyone. An ID number is no secret (it is printed on
 * papers people hand around), so the number alone shows nothing: it sends a one-time code to
 * the phone and e-mail on file for that ID's newest dossier, and the code shows the list.
 *
 * - Asking for a code gets the same answer (202, same body) whether or not the ID has dossiers,
 *   from the same work before the answer (a code is made and stored for any ID); finding the
 *   contact and writing the message to the notification outbox happen after the answer is sent,
 *   so nothing the caller waits for depends on whether dossiers exist.
 * - The code: 6 digits, valid `ttlSeconds` (default 5 minutes), `maxAttempts` wrong tries
 *   (default 5) before it is void, one use; a new request replaces it. Redis keeps a salted
 *   SHA-256 of it, never the code; the delivery log keeps the message with the code blanked.
 *   The outbox payload carries the code to the worker that sends it, and it is void minutes later.
 * - Redis keys name the ID number by its SHA-256, not in clear.
 * Rate limits (per ID number and per client, for sending and for wrong codes) are the HTTP
 * layer's: api/rate-limit.ts `checkGuard`, the lock-out of the status lookup's check digits.
 */

export interface IdLookupSettings {
  /** How long a code works (default 300 s). */
  ttlSeconds?: number;
  /** Wrong codes before a code is void (default 5). */
  maxAttempts?: number;
  /** Prefix of the Redis keys (a deployment's or a test's namespace). */
  keyPrefix?: string;
}

export type CodeCheck = { kind: 'match' } | { kind: 'wrong'; attemptsLeft: number } | { kind: 'none' };

/** The ID number as Redis keys and counters name it. */
export const idNumberKey = (idNumber: string) => createHash('sha256').update(`id-lookup:${idNumber}`).digest('hex').slice(0, 32);

const digest = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex');

/**
 * Compares the hash given with the one stored; a match deletes the code (one use), a mismatch
 * counts an attempt and voids the code at the last one. KEYS: the code's hash. ARGV: hash, max
 * attempts. Returns -1 when there is no code, 0 for a match, else the attempts left (≥ 1), or
 * -2 when that was the last attempt.
 */
const CHECK = `local h = redis.call('HMGET', KEYS[1], 'hash', 'attempts')
if not h[1] then return -1 end
if h[1] == ARGV[1] then redis.call('DEL', KEYS[1]) return 0 end
local n = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local left = tonumber(ARGV[2]) - n
if left <= 0 then redis.call('DEL', KEYS[1]) return -2 end
return left`;

export function idLookupCodes(redis: Redis, settings: IdLookupSettings = {}) {
  const ttl = settings.ttlSeconds ?? 300;
  const maxAttempts = settings.maxAttempts ?? 5;
  const key = (idNumber: string) => `${settings.keyPrefix ?? ''}id-lookup:otp:${idNumberKey(idNumber)}`;
  const unavailable = () =>
    new DomainError('unavailable', 'Lookup unavailable', 'Dịch vụ tra cứu theo số CCCD/CMND tạm thời gián đoạn, vui lòng thử lại sau ít phút.', { reason: 'LookupUnavailable' });

  return {
    ttlSeconds: ttl,
    maxAttempts,
    /** A new code for this ID number, stored hashed (replacing any earlier one); the code and when it expires. */
    async issue(idNumber: string): Promise<LookupCodeFacts> {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const salt = randomBytes(16).toString('hex');
      const expiresAt = new Date(Date.now() + ttl * 1000).toISOString();
      try {
        await redis.multi().del(key(idNumber)).hset(key(idNumber), { salt, hash: digest(salt, code), attempts: 0 }).expire(key(idNumber), ttl).exec();
      } catch {
        throw unavailable();
      }
      return { code, expiresAt, validMinutes: Math.ceil(ttl / 60) };
    },
    /** Checks a code typed for this ID number (a match uses it up). */
    async check(idNumber: string, code: string): Promise<CodeCheck> {
      try {
        const salt = await redis.hget(key(idNumber), 'salt');
        // Without a code the same comparison is made, against nothing: no shortcut to time.
        const given = digest(salt ?? 'none', code);
        const r = Number(await redis.eval(CHECK, 1, key(idNumber), given, maxAttempts));
        if (r === 0) return { kind: 'match' };
        if (r > 0) return { kind: 'wrong', attemptsLeft: r };
        return r === -2 ? { kind: 'wrong', attemptsLeft: 0 } : { kind: 'none' };
      } catch {
        throw unavailable();
      }
    },
  };
}

export type IdLookupCodes = ReturnType<typeof idLookupCodes>;

/**
 * Puts the code in the notification outbox for the contact on file of this ID number's newest
 * dossier (SMS and e-mail, as configured for citizens; the worker relays and sends it through
 * the providers). Nothing when the ID has no dossier with a phone or an e-mail. Called after
 * the answer was sent: its time is nobody's to measure.
 */
export async function sendLookupCode(db: Db, idNumber: string, lookupCode: LookupCodeFacts): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const target = await latestContactDossier(trx, idNumber);
    if (!target) return false;
    const dossier = await loadDossierFacts(trx, Number(target.id));
    if (!dossier) return false;
    await insertOutboxMessage(trx, {
      job_key: `lookup-code-${randomUUID()}`,
      dossier_id: Number(target.id),
      template: 'lookup_code',
      payload: JSON.stringify({ dossier, lookupCode }),
    });
    return true;
  });
}
