import type { RequestHandler } from 'express';
import { createMetricsRegistry, type MetricsDeps } from '../platform/metrics';
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
