/**
 * Returning administrative results by the public postal service (dịch vụ bưu chính công ích,
 * Decision 45/2016/QĐ-TTg), as seen by this system. The sandbox in this folder implements it
 * locally; a Vietnam Post adapter implements the same interface.
 */

export type ShipmentStatus = 'accepted' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'returned' | 'cancelled';

export const SHIPMENT_STATUSES: readonly ShipmentStatus[] = [
  'accepted',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'returned',
  'cancelled',
];

export interface Address {
  recipientName: string;
  phone: string;
  line: string;
  ward: string;
  province: string;
}

export interface CreateShipmentRequest {
  /** Ours, unique: a retried create with the same id returns the same shipment. */
  shipmentId: string;
  dossierCode: string;
  sender: Address;
  recipient: Address;
  contents: string;
  weightGrams: number;
  codAmountVnd?: number;
  callbackUrl: string;
}

export interface CreatedShipment {
  trackingNumber: string;
  feeVnd: number;
  acceptedAt: string;
}

export interface ShipmentEvent {
  trackingNumber: string;
  shipmentId: string;
  status: ShipmentStatus;
  occurredAt: string;
  note?: string;
  /** On delivered. */
  receivedBy?: string;
  /** On returned. */
  returnReason?: string;
}

export interface PostalProvider {
  readonly name: string;
  /** Idempotent on shipmentId. */
  createShipment(req: CreateShipmentRequest): Promise<CreatedShipment>;
  /** Throws PostalSignatureError on a bad, missing or stale signature or a malformed body. */
  verifyCallback(rawBody: string, headers: Record<string, string | undefined>): ShipmentEvent;
  getShipment(trackingNumber: string): Promise<{ status: ShipmentStatus; events: ShipmentEvent[] }>;
}

export class PostalSignatureError extends Error {
  override name = 'PostalSignatureError';
}

/**
 * The postal service refused or failed a request. Callers need `retryable` to tell a refusal
 * that will never succeed (bad address: fix the dossier) from an outage worth retrying.
 */
export class PostalRequestError extends Error {
  override name = 'PostalRequestError';
  readonly retryable: boolean;
  constructor(
    message: string,
    /** HTTP status, or 0 when no answer came back. */
    readonly status: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.retryable = status === 0 || status === 429 || status >= 500;
  }
}
