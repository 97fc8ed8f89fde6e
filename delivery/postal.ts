import express, { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { AppConfig } from '../platform/config';
import { createSandboxPostalProvider } from '../integrations/postal/sandbox-client';
import { createSandboxPostalService } from '../integrations/postal/sandbox-postal-service';
import { PostalSignatureError, type PostalProvider } from '../integrations/postal/provider';
import { HttpProblem } from '../api/problem';
import { recordShipmentEventUpdate } from '../workflows/messages';

/**
 * The postal service of this deployment. Without POSTAL_SERVICE_URL the sandbox runs
 * inside the API process at /sandbox/postal and both API and worker reach it over HTTP.
 */
export function postalWiring(config: AppConfig, opts: { withSandbox: boolean }): { provider: PostalProvider; sandboxRouter?: Router; callbackUrl: string } {
  const base = config.publicBaseUrl.replace(/\/+$/, '');
  const callbackUrl = `${base}/api/v1/postal/callback`;
  const serviceUrl = config.postal.serviceUrl ?? `${base}/sandbox/postal`;
  const provider = createSandboxPostalProvider({ baseUrl: serviceUrl, secret: config.postal.secret });
  if (config.postal.serviceUrl || !opts.withSandbox) return { provider, callbackUrl };
  return { provider, callbackUrl, sandboxRouter: createSandboxPostalService({ secret: config.postal.secret }).router };
}

/**
 * The post's signed status callbacks: verified on the raw body, kept on the shipment,
 * and passed to the dossier workflow (same update id for a repeated event). A 5xx makes
 * the post retry, so an event is never dropped while Temporal is away. Mount before express.json().
 */
export function postalCallbackRoute(deps: { db: Knex; temporal: Client; provider: PostalProvider }): Router {
  const router = Router();
  router.post('/api/v1/postal/callback', express.text({ type: '*/*', limit: '16kb' }), async (req, res) => {
    let event;
    try {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v[0] : v;
      event = deps.provider.verifyCallback(typeof req.body === 'string' ? req.body : '', headers);
    } catch (err) {
      if (err instanceof PostalSignatureError) throw new HttpProblem(401, 'Invalid signature', err.message);
      throw err;
    }
    const shipment = await deps.db('dossier_shipments as s')
      .join('dossiers as d', 'd.id', 's.dossier_id')
      .where('s.id', event.shipmentId)
      .first('s.id', 's.tracking_number', 's.events', 'd.workflow_id');
    if (!shipment || shipment.tracking_number !== event.trackingNumber) {
      throw new HttpProblem(404, 'Unknown shipment', `No shipment ${event.shipmentId} / ${event.trackingNumber}.`);
    }
    const events = (shipment.events as Array<{ status: string; occurredAt: string }>) ?? [];
    if (!events.some((e) => e.status === event.status && e.occurredAt === event.occurredAt)) {
      await deps.db('dossier_shipments')
        .where('id', shipment.id)
        .update({
          status: event.status,
          received_by: event.receivedBy ?? null,
          return_reason: event.returnReason ?? null,
          events: JSON.stringify([...events, event]),
          updated_at: deps.db.fn.now(),
        });
    }
    if (event.status !== 'accepted') {
      try {
        await deps.temporal.withDeadline(Date.now() + 10_000, () =>
          deps.temporal.workflow.getHandle(shipment.workflow_id).executeUpdate(recordShipmentEventUpdate, {
            args: [{ trackingNumber: event.trackingNumber, status: event.status, occurredAt: event.occurredAt, receivedBy: event.receivedBy, returnReason: event.returnReason }],
            updateId: `postal:${event.trackingNumber}:${event.status}:${event.occurredAt}`,
          }),
        );
      } catch (err) {
        const reason = (err as { cause?: { type?: string } }).cause?.type;
        // A stale event (the dossier moved on) is acknowledged; anything else is retried by the post.
        if (reason !== 'DossierInvalidState') throw new HttpProblem(503, 'Not processed yet', (err as Error).message);
      }
    }
    res.json({ received: true });
  });
  return router;
}
