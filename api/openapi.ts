import path from 'node:path';
import express, { type Router } from 'express';
import { apiRouter } from './router';
import { apiDocsPolicy } from './security-headers';
import { z } from 'zod';
import { declaredRoutes, type Access, type RouteSpec } from './contract';
import './route-catalog';

/**
 * The OpenAPI 3.1 document, generated from the route declarations and the very zod schemas
 * the handlers validate with (JSON Schema 2020-12, which OpenAPI 3.1 uses as is), served at
 * /api/openapi.json and browsable at /api/docs with Swagger UI served locally (a centre's
 * network may have no CDN access).
 */
const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  public: [],
  officer: [{ officerToken: [] }],
  admin: [{ officerToken: [] }],
  citizen: [{ citizenToken: [] }],
  'public-or-citizen': [{}, { citizenToken: [] }],
  'officer-or-citizen': [{ officerToken: [] }, { citizenToken: [] }],
  signature: [],
};

/**
 * Named schemas (`.meta({ id })`, the answers and their main parts) become components of the
 * document, referenced where they are used: the generated client gets `components['schemas']`
 * types by those names. Filled while the document is built.
 */
type Components = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input', components?: Components): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete s.$schema;
  const defs = s.$defs as Record<string, unknown> | undefined;
  if (!defs) return s;
  if (!components) throw new Error('a named schema in a request: name only answers (their JSON differs by io)');
  delete s.$defs;
  const hoist = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/"#\/\$defs\//g, '"#/components/schemas/')) as Record<string, unknown>;
  for (const [id, def] of Object.entries(defs)) {
    const json = hoist(def);
    if (id in components && JSON.stringify(components[id]) !== JSON.stringify(json)) throw new Error(`two different schemas are named ${id}`);
    components[id] = json;
  }
  return hoist(s);
}

function parameters(spec: RouteSpec): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (s.required ?? []).includes(name), schema: prop, ...(prop.description ? { description: prop.description } : {}) });
    }
  }
  for (const h of spec.headers ?? []) out.push({ name: h.name, in: 'header', required: h.required, description: h.description, schema: { type: 'string', maxLength: 200 } });
  return out;
}

function streamContent(stream: NonNullable<RouteSpec['responseStreams']>[number] & object, components: Components): Record<string, unknown> {
  return { schema: { type: 'string' }, ...(stream.eventData ? { 'x-event-data': jsonSchema(stream.eventData, 'output', components) } : {}) };
}

/** The media types of a successful answer: JSON with its schema, and the others (HTML, PDF, CSV, event streams); null for none (204, 202 without a body). */
function successContent(spec: RouteSpec, status: number, components: Components): Record<string, unknown> | null {
  const json = spec.responseBodies?.[status];
  const stream = spec.responseStreams?.[status];
  if (!json && !stream) return null;
  const others = stream ? [stream.mediaType].flat() : [];
  return {
    ...(json ? { 'application/json': { schema: jsonSchema(json, 'output', components) } } : {}),
    ...Object.fromEntries(others.map((type) => [type, streamContent(stream!, components)])),
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = {};
  for (const spec of declaredRoutes()) {
    const p = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[p] ??= {};
    paths[p][spec.method] = {
      summary: spec.summary,
      tags: spec.tags,
      operationId: `${spec.method}${p.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      security: SECURITY[spec.access],
      'x-access': spec.access,
      parameters: parameters(spec),
      ...(spec.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } } }
        : spec.bodyContentType
          ? { requestBody: { required: true, content: { [spec.bodyContentType]: { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } } } }
          : {}),
      responses: Object.fromEntries(
        Object.entries(spec.responses).map(([status, description]) => [
          status,
          Number(status) >= 400
            ? { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
            : successContent(spec, Number(status), components)
              ? { description, content: successContent(spec, Number(status), components) }
              : { description },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dossier platform API (Bộ phận Một cửa)',
      version: '0.2.0',
      description:
        'Back office for one-stop public service centres: submission, officer actions as durable workflow updates, deadlines, supervision, documents, webhooks and the public status lookup. Officers and citizens sign in with bearer tokens (JWT).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        officerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Officer token from the centre’s identity provider; claims carry roles per agency' },
        citizenToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Citizen token (VNeID in production; POST /dev/citizen-token in development)' },
      },
      schemas: {
        ...Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            reason: {
              type: 'string',
              description:
                'Stable machine code of the refusal (PascalCase), beside the Vietnamese `detail`; every code is listed with its meaning in docs/problem-reasons.md. A problem that names no specific code carries its title as one (Not found → NotFound).',
            },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}

/** Starts Swagger UI on the generated document; a file of its own, so the page's policy allows no inline script. */
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', validatorUrl: null, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });\n`;

/** Swagger UI from the installed swagger-ui-dist package, pointed at the generated document. */
export function docsRoutes(): Router {
  const router = apiRouter();
  const assets = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  // Assets, like the package's own files: served, not API routes of the document.
  router.use('/api/docs/assets', apiDocsPolicy, (req, res, next) => {
    if (req.path !== '/init.js' || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    res.type('text/javascript').set('Cache-Control', 'max-age=3600').send(SWAGGER_INIT);
  });
  router.use('/api/docs/assets', express.static(assets, { index: false, maxAge: '1h' }));
  router.get('/api/docs', apiDocsPolicy, (_req, res) => {
    res.type('html').send(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Dossier platform API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/assets/init.js"></script>
</body></html>`);
  });
  router.get('/api/openapi.json', (_req, res) => res.json(openApiDocument()));
  return router;
}
