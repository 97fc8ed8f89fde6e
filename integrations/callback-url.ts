/**
 * Whether a provider sandbox may send a callback to `value`: an http(s) URL without user or
 * password, on the scheme, host and port of `base` and at or below its path. The sandboxes run
 * inside the API and sign what they send, so a caller free to name the URL could make the API
 * POST signed requests to any host it likes (the internal network included).
 */
export function isCallbackUrlUnder(value: unknown, base: string): boolean {
  if (typeof value !== 'string') return false;
  let u: URL;
  let b: URL;
  try {
    u = new URL(value);
    b = new URL(base);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.username || u.password || u.origin !== b.origin) return false;
  const prefix = b.pathname.endsWith('/') ? b.pathname : `${b.pathname}/`;
  return u.pathname.startsWith(prefix);
}
