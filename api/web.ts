import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Response } from 'express';
import { apiRouter } from './router';
import { webPagePolicy } from './security-headers';
import type { Router } from 'express';

/**
 * The web front end built by Vite (scripts/web-build.ts, from web/): the citizen portal at `/`
 * and the staff console at `/console/`. Hashed files under /assets/ are cached for a year
 * (immutable: a new build has new names); the two index.html are revalidated on every visit
 * (no-cache), so a deployment shows at the next load. A browser's navigation to a client route
 * (`/tra-cuu`, `/console/...`) gets its app's index.html; anything else unknown (a fetch, a
 * script, `/api/...`) still gets the API's problem+json 404. Mounted after every API route:
 * what they answer is unchanged.
 */
const STAMP = '.build-stamp.json';

/** Paths that belong to the API and its sandboxes: never answered with a page. */
const NOT_PAGES = /^\/(api|dev|sandbox|health|ready|metrics)(\/|$)/;

/** The built web: dist/web of the checkout (`tsx api/main.ts`) or beside dist/api (the compiled image). */
export function findWebDir(): string | null {
  for (const dir of [path.join(__dirname, '..', 'dist', 'web'), path.join(__dirname, '..', 'web')]) {
    if (fs.existsSync(path.join(dir, STAMP)) && fs.existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return null;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function webRoutes(dir: string): Router {
  const router = apiRouter();
  const page = (file: string) => {
    const html = fs.readFileSync(path.join(dir, file));
    return (res: Response) => res.status(200).set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' }).send(html);
  };
  const portal = page('index.html');
  const console = page(path.join('console', 'index.html'));

  router.use(
    '/assets',
    webPagePolicy,
    express.static(path.join(dir, 'assets'), {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE),
    }),
  );

  const navigation: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_PAGES.test(req.path) || req.path.startsWith('/assets/')) return next();
    // A browser navigating asks for HTML first; fetch() and curl ask for anything (*/*) and get the API's 404.
    if (req.accepts(['json', 'html']) !== 'html') return next();
    webPagePolicy(req, res, () => {
      if (req.path === '/console') return res.redirect(301, '/console/');
      if (req.path.startsWith('/console/')) return console(res);
      return portal(res);
    });
  };
  router.use(navigation);
  return router;
}
