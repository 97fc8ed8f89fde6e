import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of outbound webhooks, in the scheme subscribers already know from the large
 * providers: `X-Dossier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is inside the MAC, so a captured request cannot be replayed once it is older
 * than the subscriber's tolerance; `v1` names the scheme so a later one can be sent alongside.
 */
export const SIGNATURE_HEADER = 'X-Dossier-Signature';
export const EVENT_ID_HEADER = 'X-Dossier-Event-Id';
export const DELIVERY_ID_HEADER = 'X-Dossier-Delivery-Id';
export const EVENT_TYPE_HEADER = 'X-Dossier-Event-Type';
export const ATTEMPT_HEADER = 'X-Dossier-Delivery-Attempt';
export const USER_AGENT = 'DossierPlatform-Webhooks/1 (+one-stop back office)';
/** What subscribers should accept by default: enough for clock skew, short enough against replay. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/** A new subscriber secret: 32 random bytes, prefixed so it is recognisable when leaked in a log. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The MAC over the bytes as sent: a subscriber passing the received Buffer needs no re-encoding. */
export function webhookMac(secret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`, 'utf8');
  return (typeof rawBody === 'string' ? mac.update(rawBody, 'utf8') : mac.update(rawBody)).digest('hex');
}

/** The `X-Dossier-Signature` value for `rawBody` sent at `timestampSeconds`. */
export function signWebhook(secret: string, rawBody: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${webhookMac(secret, timestampSeconds, rawBody)}`;
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a webhook as a subscriber receives it: `header` is the `X-Dossier-Signature` value and
 * `rawBody` the exact bytes received (parse the JSON only after this succeeds). Comparison is
 * constant-time; several `v1` entries are accepted, any one matching is enough.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Buffer,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): WebhookVerification {
  if (!secret) return { ok: false, reason: 'no secret to verify with' };
  if (!header) return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
  let timestamp: string | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed signature header' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) return { ok: false, reason: 'the timestamp appears twice' };
      timestamp = value;
    } else if (key === 'v1') candidates.push(value.toLowerCase());
    // Other schemes are ignored, so a future `v2` does not break today's subscribers.
  }
  if (timestamp === undefined || !UNIX_SECONDS.test(timestamp)) return { ok: false, reason: 'missing or malformed timestamp (t)' };
  if (!candidates.length) return { ok: false, reason: 'no v1 signature' };
  const t = Number(timestamp);
  // Bounded both ways: a signature dated in the future would otherwise stay replayable for longer.
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: `timestamp outside the ${toleranceSeconds} s tolerance` };
  const expected = Buffer.from(webhookMac(secret, t, rawBody), 'hex');
  let match = false;
  for (const c of candidates) {
    if (!HEX_SHA256.test(c)) continue;
    // Every candidate is compared, so the time taken does not tell which one matched.
    if (timingSafeEqual(Buffer.from(c, 'hex'), expected)) match = true;
  }
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'signature does not match: wrong secret or altered body' };
}
