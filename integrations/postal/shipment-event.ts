import { SHIPMENT_STATUSES, type ShipmentEvent, type ShipmentStatus } from './provider';
import { VN_TRACKING_NUMBER } from './tracking-number';

export function isShipmentStatus(value: unknown): value is ShipmentStatus {
  return typeof value === 'string' && (SHIPMENT_STATUSES as readonly string[]).includes(value);
}

/**
 * A ShipmentEvent from untrusted JSON, or an error message. A signed body is still checked:
 * the signature proves who sent it, not that the sender's code builds the shape we rely on.
 */
export function parseShipmentEvent(value: unknown): ShipmentEvent | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'event is not a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.trackingNumber !== 'string' || !VN_TRACKING_NUMBER.test(v.trackingNumber)) return 'trackingNumber is missing or malformed';
  if (typeof v.shipmentId !== 'string' || !v.shipmentId) return 'shipmentId is missing';
  if (!isShipmentStatus(v.status)) return `status "${String(v.status)}" is unknown`;
  if (typeof v.occurredAt !== 'string' || Number.isNaN(Date.parse(v.occurredAt))) return 'occurredAt is not a date';
  for (const key of ['note', 'receivedBy', 'returnReason'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'string') return `${key} is not a string`;
  }
  if (v.status === 'delivered' && !v.receivedBy) return 'a delivered event names who received it';
  if (v.status === 'returned' && !v.returnReason) return 'a returned event gives the reason';
  const event: ShipmentEvent = { trackingNumber: v.trackingNumber, shipmentId: v.shipmentId, status: v.status, occurredAt: v.occurredAt };
  if (typeof v.note === 'string') event.note = v.note;
  if (typeof v.receivedBy === 'string') event.receivedBy = v.receivedBy;
  if (typeof v.returnReason === 'string') event.returnReason = v.returnReason;
  return event;
}
