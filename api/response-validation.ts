import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { declaredRouteOf, issuesOf } from './contract';

/**
 * Checks every successful JSON answer against the schema its route declares (`responseBodies`),
 * so the OpenAPI document and the generated console client describe what the API really sends.
 * For test stacks only (RESPONSE_VALIDATION): it costs a parse of every answer. `record` keeps
 * the mismatches for a test to assert on; `strict` also answers 500 with the zod issues instead
 * of the undescribed body, so every suite that reads an answer checks it.
 */
export type ResponseValidationMode = 'off' | 'record' | 'strict';

export interface ResponseMismatch {
  method: string;
  /** The declared route template. */
  route: string;
  status: number;
  /** `schema`: the body does not match its schema; `undeclared`: a JSON answer of a status the route declares no schema for. */
  kind: 'schema' | 'undeclared';
  issues: Array<{ field: string; message: string }>;
}

export interface ResponseValidationLog {
  mismatches: ResponseMismatch[];
  /** Every (method route status) that answered a 2xx JSON body, checked against a schema or not. */
  seen: Set<string>;
}

export function responseValidationMode(value: string | undefined): ResponseValidationMode {
  return value === 'record' || value === 'strict' ? value : 'off';
}

export function responseValidation(mode: Exclude<ResponseValidationMode, 'off'>, log: ResponseValidationLog): RequestHandler {
  return (req, res, next) => {
    const json = res.json.bind(res);
    res.json = ((body: unknown) => {
      const status = res.statusCode;
      // Problems (4xx, 5xx) have their own schema; 304 has no body.
      if (status < 200 || status >= 300) return json(body);
      const path = req.originalUrl.split('?')[0]!;
      const spec = declaredRouteOf(req.method, path);
      // Not the API's (the sandboxes, the development identity provider): nothing to check against.
      if (!spec) return json(body);
      const route = spec.path;
      log.seen.add(`${req.method.toUpperCase()} ${route} ${status}`);
      const schema: z.ZodType | undefined = spec.responseBodies?.[status];
      let mismatch: ResponseMismatch | null = null;
      if (!schema) {
        mismatch = { method: req.method, route, status, kind: 'undeclared', issues: [] };
      } else {
        const r = schema.safeParse(body);
        if (!r.success) mismatch = { method: req.method, route, status, kind: 'schema', issues: issuesOf(r.error) };
      }
      if (!mismatch) return json(body);
      log.mismatches.push(mismatch);
      if (mode !== 'strict') return json(body);
      return res
        .status(500)
        .type('application/problem+json')
        .json({
          type: 'about:blank',
          title: 'Response does not match the contract',
          status: 500,
          detail: `${req.method} ${route} ${status}: ${mismatch.kind === 'undeclared' ? 'no response schema declared for this status' : 'the body does not match the declared response schema'}`,
          reason: 'ResponseContractMismatch',
          errors: mismatch.issues,
        });
    }) as typeof res.json;
    next();
  };
}
