import { HttpProblem } from './problem';

/** The JSON body: an object, or a 400 (a missing body too). */
export function bodyOf(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpProblem(400, 'Malformed request', 'Nội dung yêu cầu phải là một đối tượng JSON (Content-Type: application/json).');
  }
  return body as Record<string, unknown>;
}
