import type { Router } from 'express';
import { apiRouter } from './router';
import { checkDependencies, type HealthDeps } from '../platform/health';

export { checkDependencies, type HealthDeps } from '../platform/health';

/** `/health` reports each dependency; `/ready` is 503 until all of them answer. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = apiRouter();
  router.get('/health', async (_req, res) => {
    const checks = await checkDependencies(deps);
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  });
  router.get('/ready', async (_req, res) => {
    const checks = await checkDependencies(deps);
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ ready: ok, checks });
  });
  return router;
}
