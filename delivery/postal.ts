import { DossierActionFailed, type DossierClient } from '../dossiers/client';
import type { Db } from '../db/connection';
import { findShipmentForCallback, recordShipmentStatus } from '../db/repositories/shipments';
import { DomainError } from '../domain/errors';
import { isUuid } from '../domain/uuid';
import type { ShipmentEventCommand } from '../workflows/contracts/dossier-v1';
import type { AppConfig } from '../platform/config';
import { createSandboxPostalProvider } from '../integrations/postal/sandbox-client';
import { createSandboxPostalService, type SandboxPostalService } from '../integrations/postal/sandbox-postal-service';
import { PostalSignatureError, type PostalProvider } from '../integrations/postal/provider';
import { verifiedCallback } from '../integrations/signed-callback';
import { recordShipmentEventUpdate } from '../workflows/contracts/dossier-v1';

/**
 * The postal service of this deployment. Without POSTAL_SERVICE_URL the sandbox runs
 * inside the API process (returned for the HTTP layer to mount at /sandbox/postal) and
 * both API and worker reach it over HTTP; its callbacks go only to this deployment.
 * Production has no sandbox.
 */
export function postalWiring(config: AppConfig, opts: { withSandbox: boolean }): { provider: PostalProvider; sandbox?: SandboxPostalService; callbackUrl: string } {
  const base = config.publicBaseUrl.replace(/\/+$/, '');
  const callbackUrl = `${base}/api/v1/postal/callback`;
  if (!config.postal.serviceUrl && config.production) throw new Error('POSTAL_SERVICE_URL is required in production: the sandbox post would accept any shipment');
  const serviceUrl = config.postal.serviceUrl ?? `${base}/sandbox/postal`;
  const provider = createSandboxPostalProvider({ baseUrl: serviceUrl, secret: config.postal.secret });
  if (config.postal.serviceUrl || !opts.withSandbox) return { provider, callbackUrl };
  return { provider, callbackUrl, sandbox: createSandboxPostalService({ secret: config.postal.secret, callbackBase: base }) };
}

/** Passes a shipment event to the dossier workflow within a callback's deadline (same update id for a repeated event). */
async function recordShipmentEventInWorkflow(dossiers: DossierClient, dossier: { code: string; workflowId: string }, event: ShipmentEventCommand): Promise<void> {
  const cmd = { trackingNumber: event.trackingNumber, status: event.status, occurredAt: event.occurredAt, receivedBy: event.receivedBy, returnReason: event.returnReason };
  await dossiers.update(dossier, recordShipmentEventUpdate, cmd, { updateId: `postal:${event.trackingNumber}:${event.status}:${event.occurredAt}`, waiter: 'callback' });
}

/**
 * The post's signed status callback: verified on the raw body, kept on the shipment, and
 * passed to the dossier workflow. A refusal as unavailable makes the post retry, so an
 * event is never dropped while Temporal is away.
 */
export async function receiveShipmentCallback(
  deps: { db: Db; dossiers: DossierClient; provider: PostalProvider },
  rawBody: string,
  headers: Record<string, string | undefined>,
): Promise<void> {
  const event = verifiedCallback(() => deps.provider.verifyCallback(rawBody, headers), PostalSignatureError);
  // Not ours however often it is sent: a 4xx, so the post stops retrying.
  if (!isUuid(event.shipmentId)) throw new DomainError('not_found', 'Unknown shipment', `No shipment ${event.shipmentId}: shipment ids are UUIDs.`, { reason: 'MalformedShipmentId' });
  const shipment = await findShipmentForCallback(deps.db, event.shipmentId);
  if (!shipment || shipment.tracking_number !== event.trackingNumber) {
    throw new DomainError('not_found', 'Unknown shipment', `No shipment ${event.shipmentId} / ${event.trackingNumber}.`, { reason: 'UnknownShipment' });
  }
  const events = shipment.events ?? [];
  if (!events.some((e) => e.status === event.status && e.occurredAt === event.occurredAt)) {
    await recordShipmentStatus(deps.db, shipment.id, {
      status: event.status,
      receivedBy: event.receivedBy ?? null,
      returnReason: event.returnReason ?? null,
      events: JSON.stringify([...events, event]),
    });
  }
  if (event.status !== 'accepted') {
    try {
      await recordShipmentEventInWorkflow(deps.dossiers, { code: shipment.dossier_code, workflowId: shipment.workflow_id }, event);
    } catch (err) {
      // A stale event (the dossier moved on) is acknowledged; anything else is retried by the post.
      if (!(err instanceof DossierActionFailed && err.failureType === 'DossierInvalidState')) throw new DomainError('unavailable', 'Not processed yet', (err as Error).message);
    }
  }
}
