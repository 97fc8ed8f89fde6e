import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { currentToken } from '../auth/oidc';

/**
 * The typed client of our own API, generated from its OpenAPI document (`npm run gen:client`
 * writes schema.d.ts from test/contract/openapi.json; test/unit/web-client.test.ts fails when it
 * is stale). Paths, parameters and request bodies are checked against the contract.
 */
export const api = createClient<paths>({ baseUrl: '' });
// The signed-in user's access token (memory only, web/src/auth/oidc.ts) on every request.
api.use({
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
});

export type Problem = components['schemas']['Problem'] & { reason?: string; retryAfterSeconds?: number };

/** An answer that is not 2xx, or no answer at all (`status` 0): what the screens explain in Vietnamese. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

const NETWORK: Problem = {
  title: 'Network error',
  detail: 'Không kết nối được với hệ thống. Vui lòng kiểm tra kết nối mạng và thử lại.',
};

/**
 * The body of a 2xx answer as `T`, or an ApiProblem. Until the contract describes every 2xx body
 * (issue 15, API item 1), the body types are those of api/types.ts, named by the caller.
 */
export async function answer<T>(request: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: unknown; error?: unknown; response: Response };
  try {
    result = await request;
  } catch {
    throw new ApiProblem(0, NETWORK);
  }
  const { response } = result;
  if (response.ok) return result.data as T;
  const problem = (typeof result.error === 'object' && result.error !== null ? result.error : { detail: undefined }) as Problem;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiProblem(response.status, problem, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}
