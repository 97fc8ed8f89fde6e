import type { RequestHandler } from 'express';
import type { IncomingMessage } from 'node:http';
import {
  decodePercentEncoded,
  firstUnsafeCharacter,
  jsonNestingExceeds,
  SINGLE_LINE,
  unsafeCharacterMessage,
  unsafeTextIn,
  unsafeTextProblem,
  MULTI_LINE,
} from '../domain/input-safety';
import { HttpProblem } from './problem';

/**
 * The door every request goes through before any route, parser or database sees it
 * (domain/input-safety.ts says what is refused):
 * - `rejectMalformedUrl`: a path segment or query component with a malformed %-escape, or a
 *   path holding any control character once decoded, is a 400 (the router would otherwise
 *   throw while decoding it, and a NUL reach PostgreSQL);
 * - `jsonNestingLimit`: the JSON parser's `verify`, refusing a body nested too deep before it
 *   is parsed, so nothing (idempotency hash, validation) ever recurses through it;
 * - `rejectUnsafeText`: once the body is parsed, every string of it (keys included) and every
 *   query value must be free of control characters and unpaired surrogates: a 422 naming
 *   each field, before any handler runs.
 */

/** The deepest JSON body accepted: no request of the contract comes near it. */
export const MAX_JSON_DEPTH = 32;

const malformedPath = (reason: string, field: 'path' | 'query', message: string, detail: string) =>
  new HttpProblem(400, 'Malformed request', detail, { reason, errors: [{ field, message }] });

const MALFORMED_ESCAPE_DETAIL = 'Địa chỉ yêu cầu có mã thoát phần trăm (%) không hợp lệ; vui lòng kiểm tra lại đường dẫn.';
const MALFORMED_ESCAPE = 'mã thoát phần trăm (%) không hợp lệ hoặc không phải UTF-8';

/** 400 for a URL that cannot be decoded, or whose path decodes to a control character. */
export function rejectMalformedUrl(): RequestHandler {
  return (req, _res, next) => {
    const url = req.originalUrl;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    for (const segment of path.split('/')) {
      const decoded = decodePercentEncoded(segment);
      if (decoded === null) return next(malformedPath('MalformedPercentEncoding', 'path', MALFORMED_ESCAPE, MALFORMED_ESCAPE_DETAIL));
      const unsafe = firstUnsafeCharacter(decoded, SINGLE_LINE);
      if (unsafe) {
        return next(
          malformedPath(unsafe.reason, 'path', unsafeCharacterMessage(unsafe), 'Địa chỉ yêu cầu chứa ký tự điều khiển hoặc ký tự Unicode không hợp lệ; vui lòng kiểm tra lại đường dẫn.'),
        );
      }
    }
    if (q >= 0) {
      for (const component of url.slice(q + 1).split(/[&=]/)) {
        if (decodePercentEncoded(component.replace(/\+/g, ' ')) === null) return next(malformedPath('MalformedPercentEncoding', 'query', MALFORMED_ESCAPE, MALFORMED_ESCAPE_DETAIL));
      }
    }
    next();
  };
}

/** `verify` of express.json: a body nested deeper than `maxDepth` is a 400 before it is parsed. */
export function jsonNestingLimit(maxDepth = MAX_JSON_DEPTH): (req: IncomingMessage, res: unknown, buf: Buffer, encoding: string) => void {
  return (_req, _res, buf, encoding) => {
    let text: string;
    try {
      text = /^utf-?8$/i.test(encoding) ? buf.toString('utf8') : new TextDecoder(encoding).decode(buf);
    } catch {
      return; // a charset the parser itself refuses
    }
    if (jsonNestingExceeds(text, maxDepth)) {
      throw new HttpProblem(400, 'Malformed request', `Nội dung JSON lồng nhau quá sâu (tối đa ${maxDepth} cấp).`, { reason: 'NestingTooDeep', maxDepth });
    }
  };
}

/** 422 for a control character or an unpaired surrogate in any query value or string of the JSON body. */
export function rejectUnsafeText(): RequestHandler {
  return (req, _res, next) => {
    const errors = [...unsafeTextIn(req.query ?? {}, 'query', SINGLE_LINE)];
    const body = req.body as unknown;
    if (body !== undefined && body !== null && typeof body === 'object') errors.push(...unsafeTextIn(body, '', MULTI_LINE));
    if (!errors.length) return next();
    next(unsafeTextProblem(errors));
  };
}
