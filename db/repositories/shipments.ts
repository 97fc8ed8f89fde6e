import type { Tx } from '../connection';

/** Results sent by post (dossier_shipments), one shipment per dossier. */

export interface StoredShipmentEvent {
  status: string;
  occurredAt: string;
}

export interface ShipmentForCallbackRow {
  id: string;
  tracking_number: string | null;
  events: StoredShipmentEvent[] | null;
  dossier_code: string;
  workflow_id: string;
}

/** A shipment with the workflow of its dossier, for the post's status callback. */
export async function findShipmentForCallback(db: Tx, shipmentId: string): Promise<ShipmentForCallbackRow | undefined> {
  return db('dossier_shipments as s')
    .join('dossiers as d', 'd.id', 's.dossier_id')
    .where('s.id', shipmentId)
    .first('s.id', 's.tracking_number', 's.events', 'd.code as dossier_code', 'd.workflow_id');
}

/** Keeps a status the post reported, with every event so far (`events`, already serialised). */
export async function recordShipmentStatus(
  db: Tx,
  shipmentId: string,
  s: { status: string; receivedBy: string | null; returnReason: string | null; events: string },
): Promise<void> {
  await db('dossier_shipments')
    .where('id', shipmentId)
    .update({
      status: s.status,
      received_by: s.receivedBy,
      return_reason: s.returnReason,
      events: s.events,
      updated_at: db.fn.now(),
    });
}
