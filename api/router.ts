import { Router } from 'express';

/**
 * Every router of the API. Paths match in their exact case, as on the app (`case sensitive
 * routing`): `/METRICS` or `/Api/v1/…` is not a route but a 404. Express routers do not inherit
 * the app's setting, hence this one constructor (eslint refuses `Router()` elsewhere in api/).
 */
export function apiRouter(): Router {
  return Router({ caseSensitive: true });
}
