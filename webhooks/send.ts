import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ATTEMPT_HEADER, DELIVERY_ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signWebhook, USER_AGENT } from './signing';
import { guardedLookup, staticUrlProblem, type UrlPolicy } from './url-policy';

/**
 * One signed POST to a subscriber. node:http rather than fetch, for two reasons: the `lookup`
 * hook lets the URL policy check the addresses actually connected to, and redirects are not
 * followed (a 3xx is a failed attempt), so a subscriber cannot bounce the worker elsewhere.
 */
export interface WebhookMessage {
  rawBody: string;
  eventId: string;
  eventType: string;
  deliveryId: string;
  attempt?: number;
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, for the attempt log; null on success. */
  error: string | null;
  durationMs: number;
  /** Refused by the URL policy: retrying cannot help. */
  permanent: boolean;
}

/** How much of a refusal's body is kept in the attempt log: enough to debug, not a dump. */
const ERROR_BODY_CHARS = 300;

export async function sendWebhook(
  target: { url: string; secret: string },
  message: WebhookMessage,
  opts: { timeoutMs: number; policy: UrlPolicy; nowMs?: () => number },
): Promise<SendResult> {
  const started = Date.now();
  const took = () => Date.now() - started;
  const refused = staticUrlProblem(target.url, opts.policy);
  if (refused) return { ok: false, statusCode: null, error: `URL refused by policy: ${refused}`, durationMs: 0, permanent: true };
  const timestamp = Math.floor((opts.nowMs?.() ?? Date.now()) / 1000);
  const body = Buffer.from(message.rawBody, 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    'User-Agent': USER_AGENT,
    [SIGNATURE_HEADER]: signWebhook(target.secret, message.rawBody, timestamp),
    [EVENT_ID_HEADER]: message.eventId,
    [EVENT_TYPE_HEADER]: message.eventType,
    [DELIVERY_ID_HEADER]: message.deliveryId,
    ...(message.attempt !== undefined ? { [ATTEMPT_HEADER]: String(message.attempt) } : {}),
  };
  const url = new URL(target.url);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, 'durationMs' | 'permanent'> & { permanent?: boolean }) => {
      if (settled) return;
      settled = true;
      resolve({ permanent: false, ...r, durationMs: took() });
    };
    const req = transport.request(
      url,
      {
        method: 'POST',
        headers,
        lookup: guardedLookup(opts.policy) as unknown as LookupFunction,
        // The whole exchange, not just idle time: a subscriber trickling bytes still times out.
        signal: AbortSignal.timeout(opts.timeoutMs),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < ERROR_BODY_CHARS) text += chunk;
        });
        res.on('end', () => {
          if (status >= 200 && status < 300) finish({ ok: true, statusCode: status, error: null });
          else finish({ ok: false, statusCode: status, error: `HTTP ${status}${text.trim() ? `: ${text.trim().slice(0, ERROR_BODY_CHARS)}` : ''}` });
        });
        res.on('error', (err) => finish({ ok: false, statusCode: status, error: describe(err, opts.timeoutMs) }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({ ok: false, statusCode: null, error: describe(err, opts.timeoutMs), permanent: err.code === 'EWEBHOOKPOLICY' }),
    );
    req.end(body);
  });
}

function describe(err: NodeJS.ErrnoException, timeoutMs: number): string {
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return err.code ? `${err.code}: ${err.message}` : err.message;
}
