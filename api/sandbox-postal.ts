import express, { type Router, type NextFunction, type Request, type Response } from 'express';
import { apiRouter } from './router';
import type { ShipmentStatus } from '../integrations/postal/provider';
import { SandboxPostalError, type SandboxPostalService } from '../integrations/postal/sandbox-postal-service';

/**
 * The HTTP face of the sandbox postal service (integrations/postal/sandbox-postal-service.ts),
 * mounted at /sandbox/postal before any global body parser: the signatures cover the raw
 * request body. Refusals are the post's own `{ error, message }`, not this API's problem documents.
 */
export function sandboxPostalRoutes(post: SandboxPostalService): Router {
  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    if (req.body !== undefined && !Buffer.isBuffer(req.body) && Object.keys(req.body as object).length > 0) {
      // A body parser ran before this router: the raw bytes the signature covers are gone.
      res.status(500).json({ error: 'misconfigured', message: 'Mount the sandbox postal router before any body parser' });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const problem = post.signatureProblem(req.method, req.url, raw, req.headers);
    if (problem) {
      res.status(401).json({ error: 'unauthorized', message: problem });
      return;
    }
    res.locals.rawBody = raw;
    next();
  };

  const router = apiRouter();
  const raw = express.raw({ type: () => true, limit: '64kb' });

  router.post('/shipments', raw, authenticate, (_req, res) => {
    const { created, replayed } = post.createShipment(res.locals.rawBody as string);
    res.status(replayed ? 200 : 201).json(created);
  });

  router.get('/shipments/:trackingNumber', authenticate, (req, res) => {
    res.json(post.describe(String(req.params.trackingNumber)));
  });

  // Stands in for the postmen's handheld scanners; unauthenticated because it only exists in the sandbox.
  router.post('/shipments/:trackingNumber/events', express.json({ limit: '16kb' }), (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const event = post.advance(String(req.params.trackingNumber), b.status as ShipmentStatus, {
      note: b.note as string | undefined,
      receivedBy: b.receivedBy as string | undefined,
      returnReason: b.returnReason as string | undefined,
    });
    res.status(201).json(event);
  });

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof SandboxPostalError) {
      res.status(err.status).json({ error: err.code, message: err.message, ...(err.errors ? { errors: err.errors } : {}) });
      return;
    }
    const status = (err as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: 'bad_request', message: (err as Error).message });
      return;
    }
    next(err);
  });

  return router;
}
