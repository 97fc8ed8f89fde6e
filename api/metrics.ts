import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { createMetricsRegistry, type MetricsDeps } from '../platform/metrics';
import { apiRouter } from './router';
import { HttpProblem } from './problem';
import { securityHeaders } from './security-headers';
import { onResponseFinished } from '../platform/response-hooks';

/**
 * Prometheus metrics at /metrics (platform/metrics.ts): `middleware` counts every request and
 * its duration by route pattern, `handler` serves the registry.
 */
export function createMetrics(deps: MetricsDeps) {
  const { registry, requests, duration, close } = createMetricsRegistry(deps);
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    onResponseFinished(res, 'request metrics', () => {
      // The route pattern, not the URL: dossier codes would make every request its own series.
      const route = (req.route as { path?: string } | undefined)?.path ? `${req.baseUrl}${(req.route as { path: string }).path}` : 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
  const handler: RequestHandler = async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  };
  return { registry, middleware, handler, close };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The metrics of this API: its traffic, and the BullMQ queues of the deployment (`queuePrefix`). */
export function apiMetrics(deps: Omit<MetricsDeps, 'queueNames'>): Metrics {
  return createMetrics({
    ...deps,
    queueNames: ['notifications', 'notifications-email', 'notifications-sms', 'notifications-zalo', 'notifications-dead', 'webhooks', 'maintenance'],
  });
}

/**
 * Who reads /metrics on the API's port: anyone (`open`: development and tests), a scraper with
 * the bearer token (METRICS_TOKEN), or nobody (`none`: production without a token, where a
 * METRICS_PORT on loopback may serve them instead).
 */
export type MetricsAccess = 'open' | 'none' | { token: string };

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function bearerIs(req: Request, token: string): boolean {
  const m = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '');
  // Digests have one length: the comparison takes the same time whatever was sent.
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

export function metricsRoutes(metrics: Metrics, access: MetricsAccess): Router {
  const router = apiRouter();
  if (access === 'none') return router;
  const guard: RequestHandler = (req, res, next) => {
    if (typeof access === 'object' && !bearerIs(req, access.token)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new HttpProblem(401, 'Unauthorized', 'Cần token giám sát (METRICS_TOKEN) để đọc số liệu.', { reason: 'MetricsTokenRequired' });
    }
    next();
  };
  router.get('/metrics', guard, metrics.handler);
  return router;
}

/** The separate metrics port (METRICS_PORT, on loopback unless METRICS_HOST says otherwise): /metrics and nothing else. */
export function metricsApp(metrics: Metrics): express.Express {
  const app = express();
  app.set('case sensitive routing', true);
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(metricsRoutes(metrics, 'open'));
  app.use((_req, res) => {
    res.status(404).end();
  });
  return app;
}
