import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being served, wherever in its async chain the code is (logs, Temporal calls). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** Header carrying the request id into workflow updates, starts and activities. */
export const REQUEST_ID_HEADER = 'x-request-id';
