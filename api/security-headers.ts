import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers of every answer, by helmet: `X-Content-Type-Options: nosniff`, no framing
 * (`frame-ancestors 'none'`, `X-Frame-Options: DENY`), `Referrer-Policy: no-referrer`, HSTS
 * (browsers honour it once the API is reached over https), and a Content-Security-Policy per
 * kind of page: the strict one of a JSON API everywhere, relaxed only where a page needs it.
 */
type Directives = Record<string, string[]>;

const NONE = ["'none'"];

/** JSON and problem+json: nothing may load, nothing may frame it. */
const API: Directives = { defaultSrc: NONE, frameAncestors: NONE };

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: API },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** Replaces the API's policy for the routes it is mounted on. */
function pagePolicy(directives: Directives): RequestHandler {
  return helmet.contentSecurityPolicy({ useDefaults: false, directives: { ...directives, baseUri: NONE, frameAncestors: NONE } });
}

/**
 * HTML documents (Form 01 receipt, e-result, denial and stop notices): no script, no style
 * sheet, image or form (they use none), and a sandboxed origin should anything slip in.
 */
export const documentPagePolicy = pagePolicy({ defaultSrc: NONE, formAction: NONE, sandbox: [] });

/**
 * Swagger UI at /api/docs: its scripts and style sheet from this server only (no CDN, no inline
 * script), the inline styles and data: icons the bundle uses, and fetches of the document.
 */
export const apiDocsPolicy = pagePolicy({
  defaultSrc: NONE,
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: NONE,
});

/** The sandbox gateway's checkout page: its inline style, and its form posting back to itself. */
export const sandboxPagePolicy = pagePolicy({ defaultSrc: NONE, styleSrc: ["'unsafe-inline'"], formAction: ["'self'"] });

/**
 * The portal and the console (api/web.ts): scripts, style sheets, fonts and images of this
 * server only, fetches to this API only. No 'unsafe-eval' and no inline script; inline styles
 * only because Mantine writes its CSS variables in a <style> element. Never on the API's answers.
 * Documents are fetched with the token in memory and previewed from Blob object URLs (blob:),
 * images in an <img>, PDFs in an <iframe>: never a link that would need the token in the URL.
 */
export const webPagePolicy = pagePolicy({
  defaultSrc: NONE,
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  frameSrc: ['blob:'],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  formAction: ["'self'"],
  objectSrc: NONE,
});
