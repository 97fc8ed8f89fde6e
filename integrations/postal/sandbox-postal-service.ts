import { randomInt } from 'node:crypto';
import { canonicalHash } from '../../domain/canonical-json';
import type { CreateShipmentRequest, CreatedShipment, ShipmentEvent, ShipmentStatus } from './provider';
import { isShipmentStatus } from './shipment-event';
import { requestMessage, signatureHeaders, signatureProblem } from './signing';
import { formatS10 } from './tracking-number';
import { isCallbackUrlUnder } from '../callback-url';

/**
 * A local stand-in for the public postal service's API (Vietnam Post, bưu chính công ích):
 * signed requests, S10 tracking numbers, weight-based fees, address checks, a strict lifecycle
 * and signed, retried status callbacks. In memory only: for development and tests.
 *
 * Its HTTP face (api/sandbox-postal.ts) is mounted before any global body parser: the signatures
 * cover the raw request body.
 */

export interface SandboxPostalServiceOptions {
  secret: string;
  /**
   * Where callbacks may go: the public base URL of the deployment the sandbox stands in for. A
   * shipment naming a callbackUrl elsewhere is refused (400), so no caller makes the sandbox POST
   * signed requests to a host of its choosing.
   */
  callbackBase: string;
  now?: () => Date;
  /** S10 service indicator of the tracking numbers issued. */
  trackingPrefix?: string;
  /** Delivery attempts per callback, the first included. */
  callbackAttempts?: number;
  /** Wait before the second attempt; doubles after each failure. */
  callbackBackoffMs?: number;
  callbackTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface EventDetails {
  note?: string;
  receivedBy?: string;
  returnReason?: string;
}

export interface CallbackAttempt {
  trackingNumber: string;
  status: ShipmentStatus;
  attempt: number;
  at: string;
  delivered: boolean;
  httpStatus?: number;
  error?: string;
}

export interface SandboxShipment extends CreatedShipment {
  request: CreateShipmentRequest;
  status: ShipmentStatus;
  events: ShipmentEvent[];
}

/** What the service answers about one shipment (GET /shipments/:trackingNumber). */
export type ShipmentDescription = CreatedShipment & { shipmentId: string; dossierCode: string; status: ShipmentStatus; events: ShipmentEvent[] };

export interface SandboxPostalService {
  /** Why a request's signature is not acceptable (over its method, URL and raw body), or null when it is. */
  signatureProblem(method: string, url: string, rawBody: string, headers: Record<string, string | string[] | undefined>): string | null;
  /** POST /shipments with its raw body: the shipment, and whether it was created before (a retried create). */
  createShipment(rawBody: string): { created: CreatedShipment; replayed: boolean };
  /** GET /shipments/:trackingNumber */
  describe(trackingNumber: string): ShipmentDescription;
  /** What the post's own scanners would report; same rules as the operator endpoint. */
  advance(trackingNumber: string, status: ShipmentStatus, extra?: EventDetails): ShipmentEvent;
  shipment(trackingNumber: string): SandboxShipment | undefined;
  callbackAttempts(trackingNumber?: string): CallbackAttempt[];
  /** Resolves once every callback queued so far is delivered or given up on. */
  whenIdle(): Promise<void>;
  /** Stops retrying; callbacks still queued are dropped. */
  close(): void;
}

export class SandboxPostalError extends Error {
  override name = 'SandboxPostalError';
  constructor(
    readonly status: 400 | 401 | 404 | 409,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** 20,000 VND up to 250 g, then 5,000 VND per started 250 g. */
export const SANDBOX_TARIFF = { baseVnd: 20_000, baseGrams: 250, stepVnd: 5_000, stepGrams: 250, maxGrams: 30_000 } as const;

export function postalFeeVnd(weightGrams: number): number {
  const extra = Math.max(0, weightGrams - SANDBOX_TARIFF.baseGrams);
  return SANDBOX_TARIFF.baseVnd + Math.ceil(extra / SANDBOX_TARIFF.stepGrams) * SANDBOX_TARIFF.stepVnd;
}

/**
 * The lifecycle: a shipment is cancelled only before it leaves the post office, and returned
 * only after a delivery round failed; delivered, returned and cancelled are final.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<ShipmentStatus, readonly ShipmentStatus[]>> = {
  accepted: ['in_transit', 'cancelled'],
  in_transit: ['out_for_delivery'],
  out_for_delivery: ['delivered', 'returned'],
  delivered: [],
  returned: [],
  cancelled: [],
};

/** Vietnamese mobile (03/05/07/08/09 + 8 digits) or landline (02x + 8 digits), domestic or +84. */
const VN_PHONE = /^(?:\+84|84|0)(?:[35789]\d{8}|2\d{9})$/;

export function isVietnamesePhone(phone: string): boolean {
  return VN_PHONE.test(phone.replace(/[\s.\-()]/g, ''));
}

function validateAddress(value: unknown, who: 'sender' | 'recipient', label: string): FieldError[] {
  if (typeof value !== 'object' || value === null) return [{ field: who, message: `Thiếu địa chỉ ${label}` }];
  const a = value as Record<string, unknown>;
  const errors: FieldError[] = [];
  const blank = (key: string) => typeof a[key] !== 'string' || !(a[key] as string).trim();
  if (blank('recipientName')) errors.push({ field: `${who}.recipientName`, message: `Thiếu họ tên ${label}` });
  if (blank('phone')) errors.push({ field: `${who}.phone`, message: `Thiếu số điện thoại ${label}` });
  else if (!isVietnamesePhone(a.phone as string))
    errors.push({ field: `${who}.phone`, message: `Số điện thoại ${label} "${String(a.phone)}" không phải số Việt Nam (0xxxxxxxxx hoặc +84xxxxxxxxx)` });
  if (blank('line')) errors.push({ field: `${who}.line`, message: `Thiếu số nhà, đường/thôn/xóm ${label}` });
  if (a.ward !== undefined && typeof a.ward !== 'string') errors.push({ field: `${who}.ward`, message: `Phường/xã ${label} không hợp lệ` });
  if (blank('province')) errors.push({ field: `${who}.province`, message: `Thiếu tỉnh/thành phố ${label}` });
  return errors;
}

function validateCreate(body: unknown, callbackBase: string): CreateShipmentRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SandboxPostalError(400, 'invalid_request', 'Request body must be a JSON object');
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  const text = (key: string, max: number, message: string) => {
    if (typeof b[key] !== 'string' || !(b[key] as string).trim() || (b[key] as string).length > max) errors.push({ field: key, message });
  };
  text('shipmentId', 64, 'shipmentId là chuỗi 1–64 ký tự');
  text('dossierCode', 64, 'Thiếu mã hồ sơ (dossierCode)');
  text('contents', 500, 'Thiếu mô tả nội dung bưu gửi (contents)');
  errors.push(...validateAddress(b.sender, 'sender', 'người gửi'), ...validateAddress(b.recipient, 'recipient', 'người nhận'));
  if (typeof b.weightGrams !== 'number' || !Number.isInteger(b.weightGrams) || b.weightGrams <= 0 || b.weightGrams > SANDBOX_TARIFF.maxGrams)
    errors.push({ field: 'weightGrams', message: `Khối lượng là số nguyên gam từ 1 đến ${SANDBOX_TARIFF.maxGrams}` });
  if (b.codAmountVnd !== undefined && (typeof b.codAmountVnd !== 'number' || !Number.isInteger(b.codAmountVnd) || b.codAmountVnd < 0))
    errors.push({ field: 'codAmountVnd', message: 'Tiền thu hộ (COD) là số nguyên đồng không âm' });
  if (!isCallbackUrlUnder(b.callbackUrl, callbackBase)) errors.push({ field: 'callbackUrl', message: `callbackUrl phải là địa chỉ http(s) thuộc ${callbackBase}` });
  if (errors.length) {
    const addressOnly = errors.every((e) => /^(sender|recipient)/.test(e.field));
    throw new SandboxPostalError(
      400,
      addressOnly ? 'invalid_address' : 'invalid_request',
      `${addressOnly ? 'Địa chỉ không hợp lệ' : 'Yêu cầu không hợp lệ'}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      errors,
    );
  }
  return b as unknown as CreateShipmentRequest;
}

interface Stored extends SandboxShipment {
  fingerprint: string;
  /** Callbacks of one shipment go out one after another, so a retry never lets a later status overtake. */
  queue: Promise<void>;
}

export function createSandboxPostalService(options: SandboxPostalServiceOptions): SandboxPostalService {
  const { secret } = options;
  if (!secret) throw new Error('sandbox postal service needs a secret');
  new URL(options.callbackBase); // refuses a missing or malformed base at wiring time
  const now = options.now ?? (() => new Date());
  const prefix = options.trackingPrefix ?? 'EB';
  const maxAttempts = options.callbackAttempts ?? 5;
  const backoffMs = options.callbackBackoffMs ?? 200;
  const timeoutMs = options.callbackTimeoutMs ?? 5_000;
  const fetchImpl = options.fetch ?? fetch;
  formatS10(prefix, '00000000'); // refuses a bad prefix at construction rather than at the first shipment

  const byShipmentId = new Map<string, Stored>();
  const byTracking = new Map<string, Stored>();
  const attempts: CallbackAttempt[] = [];
  const pending = new Set<Promise<void>>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const sleeper = { timer: setTimeout(() => (sleepers.delete(sleeper), resolve()), ms), resolve };
      sleepers.add(sleeper);
    });

  async function deliver(url: string, event: ShipmentEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 1; attempt <= maxAttempts && !closed; attempt += 1) {
      const record: CallbackAttempt = { trackingNumber: event.trackingNumber, status: event.status, attempt, at: now().toISOString(), delivered: false };
      attempts.push(record);
      try {
        // Signed afresh on each attempt so a late retry is not refused as stale.
        const res = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signatureHeaders(secret, body, now().getTime()) },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.httpStatus = res.status;
        if (res.ok) {
          record.delivered = true;
          return;
        }
      } catch (err) {
        record.error = err instanceof Error ? err.message : String(err);
      }
      if (attempt < maxAttempts && !closed) await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }

  function emit(stored: Stored, event: ShipmentEvent): void {
    stored.events.push(event);
    stored.status = event.status;
    const run = stored.queue.then(() => deliver(stored.request.callbackUrl, event));
    stored.queue = run;
    pending.add(run);
    void run.finally(() => pending.delete(run));
  }

  function issueTrackingNumber(): string {
    for (;;) {
      const id = formatS10(prefix, String(randomInt(0, 100_000_000)).padStart(8, '0'));
      if (!byTracking.has(id)) return id;
    }
  }

  function create(body: unknown): { created: CreatedShipment; replayed: boolean } {
    const req = validateCreate(body, options.callbackBase);
    // Key order must not make a retried create look like a different one.
    const print = canonicalHash(req);
    const existing = byShipmentId.get(req.shipmentId);
    if (existing) {
      if (existing.fingerprint !== print)
        throw new SandboxPostalError(409, 'shipment_id_reused', `shipmentId ${req.shipmentId} was already used for a different shipment`);
      return { created: toCreated(existing), replayed: true };
    }
    const acceptedAt = now().toISOString();
    const stored: Stored = {
      trackingNumber: issueTrackingNumber(),
      feeVnd: postalFeeVnd(req.weightGrams),
      acceptedAt,
      request: structuredClone(req),
      status: 'accepted',
      events: [],
      fingerprint: print,
      queue: Promise.resolve(),
    };
    byShipmentId.set(req.shipmentId, stored);
    byTracking.set(stored.trackingNumber, stored);
    emit(stored, { trackingNumber: stored.trackingNumber, shipmentId: req.shipmentId, status: 'accepted', occurredAt: acceptedAt });
    return { created: toCreated(stored), replayed: false };
  }

  function advance(trackingNumber: string, status: ShipmentStatus, extra: EventDetails = {}): ShipmentEvent {
    const stored = byTracking.get(trackingNumber);
    if (!stored) throw new SandboxPostalError(404, 'not_found', `No shipment ${trackingNumber}`);
    if (!isShipmentStatus(status)) throw new SandboxPostalError(400, 'invalid_event', `Unknown status "${String(status)}"`);
    for (const key of ['note', 'receivedBy', 'returnReason'] as const) {
      if (extra[key] !== undefined && typeof extra[key] !== 'string') throw new SandboxPostalError(400, 'invalid_event', `${key} must be a string`);
    }
    if (!ALLOWED_TRANSITIONS[stored.status].includes(status)) {
      const allowed = ALLOWED_TRANSITIONS[stored.status];
      throw new SandboxPostalError(
        409,
        'invalid_transition',
        `Shipment ${trackingNumber} is ${stored.status}: cannot become ${status}` + (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (final)'),
      );
    }
    if (status === 'delivered' && !extra.receivedBy?.trim())
      throw new SandboxPostalError(400, 'invalid_event', 'A delivery names who received the item (receivedBy)');
    if (status === 'returned' && !extra.returnReason?.trim())
      throw new SandboxPostalError(400, 'invalid_event', 'A return gives its reason (returnReason)');
    const event: ShipmentEvent = { trackingNumber, shipmentId: stored.request.shipmentId, status, occurredAt: now().toISOString() };
    if (extra.note) event.note = extra.note;
    if (status === 'delivered') event.receivedBy = extra.receivedBy;
    if (status === 'returned') event.returnReason = extra.returnReason;
    emit(stored, event);
    return { ...event };
  }

  function createShipment(rawBody: string): { created: CreatedShipment; replayed: boolean } {
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new SandboxPostalError(400, 'malformed_json', 'Request body is not valid JSON');
    }
    return create(body);
  }

  function describe(trackingNumber: string): ShipmentDescription {
    const stored = byTracking.get(trackingNumber);
    if (!stored) throw new SandboxPostalError(404, 'not_found', `No shipment ${trackingNumber}`);
    return { ...toCreated(stored), shipmentId: stored.request.shipmentId, dossierCode: stored.request.dossierCode, status: stored.status, events: stored.events };
  }

  return {
    signatureProblem: (method, url, rawBody, headers) => signatureProblem(secret, requestMessage(method, url, rawBody), headers, now().getTime()),
    createShipment,
    describe,
    advance,
    shipment(trackingNumber) {
      const stored = byTracking.get(trackingNumber);
      if (!stored) return undefined;
      return { ...toCreated(stored), request: structuredClone(stored.request), status: stored.status, events: stored.events.map((e) => ({ ...e })) };
    },
    callbackAttempts(trackingNumber) {
      return attempts.filter((a) => !trackingNumber || a.trackingNumber === trackingNumber).map((a) => ({ ...a }));
    },
    async whenIdle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    close() {
      closed = true;
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.resolve();
      }
      sleepers.clear();
    },
  };
}

function toCreated(s: CreatedShipment): CreatedShipment {
  return { trackingNumber: s.trackingNumber, feeVnd: s.feeVnd, acceptedAt: s.acceptedAt };
}
