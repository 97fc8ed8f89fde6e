import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { invalidFields } from '../domain/errors';
import { HttpProblem } from './problem';

// Citizens and officers read the messages: Vietnamese, from zod's own locale.
z.config(z.locales.vi());

/**
 * The API contract: every route is declared once, with the zod schemas its handler
 * validates with, and the OpenAPI document is generated from these declarations. A test
 * compares them with the routes Express actually serves, so none goes undocumented.
 */
export type Access =
  | 'public'
  /** An officer token; the handler checks the role in the dossier's agency. */
  | 'officer'
  /** An administrator of any agency. */
  | 'admin'
  /** A citizen token; the handler checks ownership. */
  | 'citizen'
  /** Public, or a signed-in citizen for their own. */
  | 'public-or-citizen'
  /** An officer of the owning agency, or the citizen who owns it. */
  | 'officer-or-citizen'
  /** Signed by a third party (payment gateway, post): HMAC of the raw body. */
  | 'signature';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  /** Express path under the API root, e.g. /api/v1/dossiers/:code/intake/accept */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Body that is not JSON (multipart upload); described, validated by its own parser. */
  bodyContentType?: string;
  headers?: Array<{ name: string; required: boolean; description: string }>;
  responses: Record<number, string>;
  /** Schemas of the JSON bodies of successful answers (by status): the OpenAPI document describes them, tests validate real answers with them. */
  responseBodies?: Partial<Record<number, z.ZodType>>;
  /**
   * Successful answers that are not JSON (by status): their media types, and for a stream of
   * server-sent events the schema of each event's `data` (shown as `x-event-data`). A status
   * may have both (HTML, or JSON when asked with Accept).
   */
  responseStreams?: Partial<Record<number, { mediaType: string | string[]; eventData?: z.ZodType }>>;
  /**
   * The handler validates values its own way (not with this schema): unknown fields are
   * then rejected up front from this declaration.
   */
  enforceKeys?: boolean;
}

const registry: RouteSpec[] = [];

/** Declares a route of the contract (idempotent per method and path, so modules may load twice in tests). */
export function declareRoute(spec: RouteSpec): RouteSpec {
  const i = registry.findIndex((r) => r.method === spec.method && r.path === spec.path);
  if (i >= 0) registry[i] = spec;
  else registry.push(spec);
  return spec;
}

export function declaredRoutes(): readonly RouteSpec[] {
  return registry;
}

/** The regular expression of a declared path: each `:param` one segment, a trailing slash allowed. */
export const routePattern = (path: string, flags?: string) => new RegExp(`^${path.replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`, flags);

let matchers: Array<{ spec: RouteSpec; re: RegExp }> | null = null;

/**
 * The declared route a request path falls under (its template, e.g. /api/v1/dossiers/:code),
 * matched as Express matches it (case-insensitively); undefined for a path the contract does
 * not know. Declarations are complete once the routers are built: compiled on first use.
 */
export function declaredRouteOf(method: string, path: string): RouteSpec | undefined {
  matchers ??= registry.map((spec) => ({ spec, re: routePattern(spec.path, 'i') }));
  const m = method.toLowerCase();
  return matchers.find((r) => r.spec.method === m && r.re.test(path))?.spec;
}

/** Field path as the problem lists it: applicant.idNumber, documents[0].name. */
function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

export function issuesOf(error: z.ZodError, prefix = ''): Array<{ field: string; message: string }> {
  return error.issues.flatMap((issue) => {
    const base = fieldPath(issue.path);
    const at = prefix && base ? `${prefix}.${base}` : prefix || base;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: at ? `${at}.${k}` : k, message: `trường không được phép: "${k}"` }));
    }
    return [{ field: at || '(body)', message: issue.message }];
  });
}

/** Parses one part of a request; every problem is listed at once in an RFC 9457 422. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, part: 'body' | 'query' | 'params' = 'body'): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw invalidFields(issuesOf(r.error, part === 'body' ? '' : part));
}

export { FieldErrors } from '../domain/errors';

/** The JSON body: an object, or a 400 before any field is looked at. */
export function jsonBody(req: Request): unknown {
  const body = req.body;
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpProblem(400, 'Malformed request', 'Nội dung yêu cầu phải là một đối tượng JSON (Content-Type: application/json).');
  }
  return body;
}

// Shared pieces of the contract.
export const CITIZEN_ID = /^(\d{12}|\d{9})$/;
export const dossierCodeParam = z.strictObject({ code: z.string().min(1).max(64).describe('Dossier code, e.g. 000.20.20.H29-260310-0001') });
export const isoInstant = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, { error: 'phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-12-15T17:00:00+07:00' })
  .refine((v) => !Number.isNaN(Date.parse(v)), { error: 'không phải thời điểm hợp lệ' });
export const shortText = (max = 2000) => z.string().trim().min(1, { error: 'bắt buộc nhập' }).max(max);
export const textList = (maxItems = 50) => z.array(shortText(1000)).min(1, { error: 'phải có ít nhất một nội dung' }).max(maxItems);

export const IDEMPOTENCY_HEADER = (required: boolean) => ({
  name: 'Idempotency-Key',
  required,
  description: 'A retry with the same key returns the first answer instead of acting twice; the same key with another body is refused.',
});

function topLevelKeys(schema: z.ZodType | undefined): string[] | null {
  if (!schema) return null;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : null;
}

/**
 * Every declared route rejects fields it does not know, in its query string and JSON body,
 * before the handler runs: a typo or an injected field is a 422 naming it, never silently
 * ignored. Handlers validate the values themselves (most with the very schema declared).
 */
export function rejectUnknownFields(): RequestHandler {
  const routes = () =>
    declaredRoutes().filter((r) => r.enforceKeys).map((r) => ({ spec: r, re: routePattern(r.path) }));
  let compiled: ReturnType<typeof routes> | null = null;
  return (req, _res, next) => {
    // Declarations are complete once the routers are built: compile on the first request.
    compiled ??= routes();
    const hit = compiled.find((r) => r.spec.method === req.method.toLowerCase() && r.re.test(req.path));
    if (!hit) return next();
    const errors: Array<{ field: string; message: string }> = [];
    const queryKeys = topLevelKeys(hit.spec.query) ?? [];
    for (const k of Object.keys(req.query ?? {})) if (!queryKeys.includes(k)) errors.push({ field: `query.${k}`, message: `tham số không được phép: "${k}"` });
    const bodyKeys = topLevelKeys(hit.spec.body);
    const body = req.body as unknown;
    if (bodyKeys && body && typeof body === 'object' && !Array.isArray(body)) {
      for (const k of Object.keys(body)) if (!bodyKeys.includes(k)) errors.push({ field: k, message: `trường không được phép: "${k}"` });
    }
    if (!errors.length) return next();
    next(invalidFields(errors));
  };
}

// Shared pieces of the answers.
/** A timestamp as the API writes it (domain/vn-time.ts): ISO 8601 in Việt Nam time with its offset. */
export const vnInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+07:00$/).describe('ISO 8601 in Việt Nam time, with its +07:00 offset');
/** A status with its Vietnamese label. */
export const statusRef = z.strictObject({ code: z.string(), label: z.string() });
export const agencyRef = z.strictObject({ eid: z.string(), name: z.string() });
