import type { Request, Response } from 'express';

/**
 * `Server-Timing` (W3C) on the officers' actions (issue 18, target 1): where the API's part of an
 * answer went — `before` (from the request's arrival, as the request log notes it: the token, the dossier, the route's checks
 * and the Idempotency-Key), `update` (the Temporal Update: the workflow applying the action),
 * `answer` (the answer built from the Update's view) and `stored` (the answer kept with its
 * Idempotency-Key before it goes out). A browser's developer tools show it; `npm run bench` reads
 * it to say which part of an action is the API's, the engine's or the wire's. Durations only,
 * nothing about the dossier.
 */
const started = new WeakMap<Request, number>();

/** The metrics an officer's action answers with, in the order they happen (the bench reads them by these names). */
export const SERVER_TIMING_PARTS = ['before', 'update', 'answer', 'stored'] as const;
export type ServerTimingPart = (typeof SERVER_TIMING_PARTS)[number];

/**
 * Notes when a request arrived and returns that instant: the request log calls it for its own
 * duration, so `before` costs the public routes no middleware of its own.
 */
export function noteArrival(req: Request): number {
  const at = performance.now();
  started.set(req, at);
  return at;
}

/** Adds one metric to the answer's `Server-Timing` (nothing once the headers are out). */
export function serverTiming(res: Response, name: ServerTimingPart, ms: number): void {
  if (res.headersSent) return;
  const metric = `${name};dur=${ms.toFixed(1)}`;
  const prior = res.getHeader('Server-Timing');
  res.setHeader('Server-Timing', prior ? `${String(prior)}, ${metric}` : metric);
}

/** `before`: the time since the request arrived. */
export function timeSinceArrival(req: Request, res: Response, name: ServerTimingPart): void {
  const at = started.get(req);
  if (at !== undefined) serverTiming(res, name, performance.now() - at);
}

/** Runs `work`, noting how long it took under `name`. */
export async function timed<T>(res: Response, name: ServerTimingPart, work: () => Promise<T>): Promise<T> {
  const at = performance.now();
  try {
    return await work();
  } finally {
    serverTiming(res, name, performance.now() - at);
  }
}
