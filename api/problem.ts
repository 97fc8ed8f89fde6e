import type { NextFunction, Request, Response } from 'express';

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

const TYPE_BASE = 'https://dossier-platform.github.io/problems/';

export function sendProblem(res: Response, req: Request, p: HttpProblem): void {
  res
    .status(p.status)
    .type('application/problem+json')
    .json({
      type: `${TYPE_BASE}${p.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      title: p.title,
      status: p.status,
      detail: p.detail,
      instance: req.originalUrl,
      ...p.extra,
    });
}

export function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  if (err instanceof HttpProblem) return sendProblem(res, req, err);
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
