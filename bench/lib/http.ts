/** A JSON call over HTTP with its round-trip time, for the simulated officers and citizens. */
export interface Answer<T = any> {
  status: number;
  body: T;
  ms: number;
  /** The answer's `Server-Timing` metrics (api/server-timing.ts), by name, in ms. */
  serverTiming: Record<string, number>;
}

/** `before;dur=5.0, update;dur=326.1` → { before: 5, update: 326.1 }. */
export function parseServerTiming(header: string | null): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    if (name && dur) metrics[name] = Number(dur.slice(4));
  }
  return metrics;
}

export async function call<T = any>(
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  const ms = performance.now() - started;
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, ms, serverTiming: parseServerTiming(res.headers.get('server-timing')) };
}

/** The same, failing unless the status is one of `ok`. */
export async function expectCall<T = any>(
  ok: number[],
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const a = await call<T>(method, url, opts);
  if (!ok.includes(a.status)) throw new Error(`${method} ${url} → ${a.status} ${typeof a.body === 'string' ? a.body.slice(0, 500) : JSON.stringify(a.body).slice(0, 500)}`);
  return a;
}
