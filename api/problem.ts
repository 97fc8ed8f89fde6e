import type { NextFunction, Request, Response } from 'express';
import { DomainError, type DomainErrorKind } from '../domain/errors';

/** RFC 9457 problem details; `detail` is Vietnamese where citizens read it. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** The one map from what a service says went wrong to the HTTP status that says it. */
const STATUS_OF: Record<DomainErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid: 422,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
};

export function problemOf(err: DomainError): HttpProblem {
  return new HttpProblem(STATUS_OF[err.kind], err.title, err.detail, err.extra);
}

const TYPE_BASE = 'https://dossier-platform.github.io/problems/';

/** "Not found" → "NotFound": the reason of a problem that names none, stable because titles are. */
export const reasonOfTitle = (title: string) =>
  title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

export function sendProblem(res: Response, req: Request, p: HttpProblem | DomainError): void {
  const problem = p instanceof DomainError ? problemOf(p) : p;
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: `${TYPE_BASE}${problem.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: req.originalUrl,
      // Every problem names a stable reason beside its detail (docs/problem-reasons.md).
      reason: reasonOfTitle(problem.title),
      ...problem.extra,
    });
}

export function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  if (err instanceof HttpProblem || err instanceof DomainError) return sendProblem(res, req, err);
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') {
    return sendProblem(res, req, new HttpProblem(400, 'Malformed JSON', 'Nội dung yêu cầu không phải JSON hợp lệ.'));
  }
  if (e?.type === 'entity.too.large') {
    return sendProblem(res, req, new HttpProblem(413, 'Payload too large', 'Nội dung yêu cầu quá lớn.'));
  }
  // Other refusals of the body parser (charset, encoding, nesting): the client's mistake, said as such.
  const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
  if ((err as { expose?: boolean }).expose && typeof status === 'number' && status >= 400 && status < 500) {
    return sendProblem(res, req, new HttpProblem(status, 'Bad request', 'Yêu cầu không hợp lệ.'));
  }
  process.stderr.write(`api: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  sendProblem(res, req, new HttpProblem(500, 'Internal error', 'Hệ thống gặp lỗi, vui lòng thử lại sau.'));
}
