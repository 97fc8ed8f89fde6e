import {
  PostalRequestError,
  PostalSignatureError,
  type CreateShipmentRequest,
  type CreatedShipment,
  type PostalProvider,
  type ShipmentEvent,
  type ShipmentStatus,
} from './provider';
import { isShipmentStatus, parseShipmentEvent } from './shipment-event';
import { requestMessage, signatureHeaders, signatureProblem } from './signing';
import { VN_TRACKING_NUMBER } from './tracking-number';

export interface SandboxPostalProviderOptions {
  /** Where the sandbox router is mounted, e.g. http://127.0.0.1:3000/sandbox/postal. */
  baseUrl: string;
  secret: string;
  fetch?: typeof fetch;
  /** Clock for signing requests and judging callback freshness; must agree with the service's. */
  now?: () => Date;
  timeoutMs?: number;
}

/** PostalProvider over HTTP against the sandbox postal service. */
export function createSandboxPostalProvider(options: SandboxPostalProviderOptions): PostalProvider {
  const { secret } = options;
  if (!secret) throw new Error('sandbox postal provider needs a secret');
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const url = new URL(base.origin + basePath + path);
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...signatureHeaders(secret, requestMessage(method, path, raw), now().getTime()),
        },
        ...(body === undefined ? {} : { body: raw }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new PostalRequestError(`postal service unreachable: ${err instanceof Error ? err.message : String(err)}`, 0);
    }
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    if (!res.ok) {
      const message = (json as { message?: unknown } | undefined)?.message;
      throw new PostalRequestError(`postal service answered ${res.status}: ${typeof message === 'string' ? message : text.slice(0, 200)}`, res.status, json);
    }
    return { status: res.status, json };
  }

  const malformed = (what: string, json: unknown) => new PostalRequestError(`postal service sent a malformed ${what}`, 502, json);

  return {
    name: 'vnpost-sandbox',

    async createShipment(req: CreateShipmentRequest): Promise<CreatedShipment> {
      const { json } = await call('POST', '/shipments', req);
      const c = json as Partial<CreatedShipment> | undefined;
      if (typeof c?.trackingNumber !== 'string' || !VN_TRACKING_NUMBER.test(c.trackingNumber) || typeof c.feeVnd !== 'number' || typeof c.acceptedAt !== 'string')
        throw malformed('created shipment', json);
      return { trackingNumber: c.trackingNumber, feeVnd: c.feeVnd, acceptedAt: c.acceptedAt };
    },

    verifyCallback(rawBody: string, headers: Record<string, string | undefined>): ShipmentEvent {
      const problem = signatureProblem(secret, rawBody, headers, now().getTime());
      if (problem) throw new PostalSignatureError(`postal callback refused: ${problem}`);
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new PostalSignatureError('postal callback refused: body is not JSON');
      }
      const event = parseShipmentEvent(json);
      if (typeof event === 'string') throw new PostalSignatureError(`postal callback refused: ${event}`);
      return event;
    },

    async getShipment(trackingNumber: string): Promise<{ status: ShipmentStatus; events: ShipmentEvent[] }> {
      const { json } = await call('GET', `/shipments/${encodeURIComponent(trackingNumber)}`);
      const s = json as { status?: unknown; events?: unknown } | undefined;
      if (!isShipmentStatus(s?.status) || !Array.isArray(s.events)) throw malformed('shipment', json);
      const events = s.events.map((e) => parseShipmentEvent(e));
      if (events.some((e) => typeof e === 'string')) throw malformed('shipment event', json);
      return { status: s.status, events: events as ShipmentEvent[] };
    },
  };
}
