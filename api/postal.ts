import express, { type Router } from 'express';
import { apiRouter } from './router';
import type { DossierClient } from '../dossiers/client';
import type { Db } from '../db/connection';
import type { PostalProvider } from '../integrations/postal/provider';
import { receiveShipmentCallback } from '../delivery/postal';

/**
 * The post's signed status callbacks (delivery/postal.ts): the raw body reaches the
 * verifier byte for byte, so this is mounted before express.json(). A 5xx makes the post retry.
 */
export function postalCallbackRoute(deps: { db: Db; dossiers: DossierClient; provider: PostalProvider }): Router {
  const router = apiRouter();
  router.post('/api/v1/postal/callback', express.text({ type: '*/*', limit: '16kb' }), async (req, res) => {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v[0] : v;
    await receiveShipmentCallback(deps, typeof req.body === 'string' ? req.body : '', headers);
    res.json({ received: true });
  });
  return router;
}
