import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import { freePort } from '../../platform/temporal-dev-server';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../../webhooks/signing';

/**
 * A webhook subscriber as an integrator would write one: it verifies the signature on the raw
 * body before reading it, answers 2xx, and deduplicates on the event id. It can be taken down
 * (connection refused) and brought back on the same port, or made to answer with an error.
 */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
  verified: boolean;
  reason: string | null;
  answeredWith: number;
  at: number;
}

export interface WebhookSubscriber {
  url: string;
  /** Every request received, in arrival order, answered or not. */
  requests: ReceivedWebhook[];
  /** Verified events accepted (2xx), one per event id, in arrival order. */
  events(): any[];
  /** The secret to verify with (from the create or rotate answer). */
  setSecret(secret: string): void;
  /** Answer the next requests with `status` (e.g. 503), `times` of them or until told otherwise. */
  failWith(status: number, times?: number): void;
  /** Answer normally again. */
  recover(): void;
  /** Close the port: deliveries meet a refused connection until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookSubscriber(opts: { secret?: string; path?: string; toleranceSeconds?: number } = {}): Promise<WebhookSubscriber> {
  const port = await freePort();
  const path = opts.path ?? '/hooks/dossiers';
  let secret = opts.secret ?? '';
  let failure: { status: number; remaining: number } | null = null;
  const requests: ReceivedWebhook[] = [];
  const accepted = new Map<string, any>();

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers[SIGNATURE_HEADER.toLowerCase()];
      const check = verifyWebhookSignature(secret, Array.isArray(signature) ? signature.join(',') : signature, raw, opts.toleranceSeconds ?? 300);
      let status: number;
      if (req.method !== 'POST' || req.url !== path) status = 404;
      else if (failure && failure.remaining > 0) {
        status = failure.status;
        failure.remaining -= 1;
      } else if (!check.ok) status = 401;
      else status = 204;
      const text = raw.toString('utf8');
      let body: any = null;
      try {
        body = check.ok ? JSON.parse(text) : null;
      } catch {
        status = 400;
      }
      requests.push({ headers: req.headers, rawBody: text, body, verified: check.ok, reason: check.ok ? null : check.reason, answeredWith: status, at: Date.now() });
      const eventId = req.headers[EVENT_ID_HEADER.toLowerCase()];
      if (status >= 200 && status < 300 && typeof eventId === 'string' && !accepted.has(eventId)) accepted.set(eventId, body);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? `refused: ${check.ok ? 'subscriber unavailable' : check.reason}` : '');
    });
  };

  let server: Server | null = null;
  const listen = async () => {
    const s = http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  };
  await listen();

  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    events: () => [...accepted.values()],
    setSecret: (s) => {
      secret = s;
    },
    failWith: (status, times = Number.POSITIVE_INFINITY) => {
      failure = { status, remaining: times };
    },
    recover: () => {
      failure = null;
    },
    down: stop,
    up: listen,
    close: stop,
  };
}
