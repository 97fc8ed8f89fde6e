import type { Tx } from '../connection';
import { noteDossierChange } from './dossier-changes';

/**
 * Results sent by post (dossier_shipments), one shipment per dossier. The public lookup shows
 * the tracking number and status: every write of them notifies the dossier's change
 * (`noteDossierChange`), which the lookup's cache listens to (dossiers/lookup-cache.ts).
 */

/** Tells the change of a shipment's dossier, once its write is made. */
async function noteShipmentChange(db: Tx, rows: Array<{ dossier_id: number | string }>): Promise<void> {
  for (const r of rows) await noteDossierChange(db, Number(r.dossier_id));
}

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
  const rows = await db('dossier_shipments')
    .where('id', shipmentId)
    .update({
      status: s.status,
      received_by: s.receivedBy,
      return_reason: s.returnReason,
      events: s.events,
      updated_at: db.fn.now(),
    })
    .returning('dossier_id');
  await noteShipmentChange(db, rows);
}

// --- activities (shipResult) ---

/** The shipment of a dossier's result, if one was started. */
export async function findShipmentOfDossier(db: Tx, dossierId: number): Promise<{ id: string; tracking_number: string | null; fee_vnd: number | null } | undefined> {
  return db('dossier_shipments').where('dossier_id', dossierId).first('id', 'tracking_number', 'fee_vnd');
}

/** Records a shipment being created with the post; a dossier keeps its first one. */
export async function insertShipmentOnce(db: Tx, row: { id: string; dossier_id: number; provider: string; status: string }): Promise<void> {
  await db('dossier_shipments').insert(row).onConflict('dossier_id').ignore();
}

/** The id of the dossier's shipment (the first one written, whoever wrote it). */
export async function shipmentIdOfDossier(db: Tx, dossierId: number): Promise<string> {
  return (await db('dossier_shipments').where('dossier_id', dossierId).first('id')).id as string;
}

/** The post accepted the shipment: its tracking number and fee. */
export async function markShipmentAccepted(db: Tx, id: string, accepted: { trackingNumber: string; feeVnd: number }): Promise<void> {
  const rows = await db('dossier_shipments').where('id', id).update({ tracking_number: accepted.trackingNumber, fee_vnd: accepted.feeVnd, status: 'accepted', updated_at: db.fn.now() }).returning('dossier_id');
  await noteShipmentChange(db, rows);
}

/** The post refused the shipment for good (e.g. a bad address). */
export async function markShipmentRefused(db: Tx, id: string, reason: string): Promise<void> {
  const rows = await db('dossier_shipments').where('id', id).update({ status: 'refused', return_reason: reason, updated_at: db.fn.now() }).returning('dossier_id');
  await noteShipmentChange(db, rows);
}
