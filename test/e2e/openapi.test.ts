import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi';
import { http } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Every route Express serves is in the OpenAPI document, and every documented route is
 * served: the document is generated from the declarations the handlers validate with, and
 * this test fails the day someone adds a route without declaring it.
 */
const MOUNTS = ['/api/v1', '/dev/idp', '/officers/interaction', '/citizens/interaction', '/dev', '/sandbox/payment-gateway', '/sandbox/postal', ''];
// Stand-ins for third parties (payment gateway, post office, the identity providers: the
// development OpenID Connect issuers and their sign-in pages) are not part of this API.
const NOT_OURS = /^\/(sandbox|dev\/idp)\//;

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; matchers?: Array<(p: string) => { path: string } | false> };

function servedRoutes(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
    } else if (layer.handle?.stack) {
      // Express 5 keeps no mount path on a layer: ask its matcher which of our mount points it takes.
      const mount = MOUNTS.find((m) => {
        const hit = layer.matchers?.[0]?.(`${m}/__probe__`);
        return hit && hit.path === m;
      }) ?? '';
      out.push(...servedRoutes(layer.handle.stack, prefix + mount));
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  const { api } = useStack({ name: 'openapi', worker: false });

  it('documents every route the API serves, and serves every documented route', () => {
    const served = new Set(servedRoutes((api.app as unknown as { router: { stack: Layer[] } }).router.stack).filter((r) => !NOT_OURS.test(r.split(' ')[1]!)));
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([A-Za-z_]+)\}/g, ':$1')}`)),
    );
    expect([...served].filter((r) => !documented.has(r)).sort()).toEqual([]);
    expect([...documented].filter((r) => !served.has(r)).sort()).toEqual([]);
    expect(served.size).toBeGreaterThan(60);
  });

  // The restructuring of issue 13 changed no behaviour: the document generated after it is the
  // one generated before it, stored here. A deliberate change of the contract updates the file
  // (UPDATE_OPENAPI_SNAPSHOT=1 npx vitest run test/openapi.test.ts) in the same commit.
  it('is the stored contract, unchanged', () => {
    const file = path.join(__dirname, '..', 'contract', 'openapi.json');
    const now = JSON.stringify(openApiDocument(), null, 2) + '\n';
    if (process.env.UPDATE_OPENAPI_SNAPSHOT === '1') fs.writeFileSync(file, now);
    expect(JSON.parse(now)).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
  });

  it('describes every successful answer: JSON with its schema, or its media type (HTML, PDF, CSV, event streams, files)', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }>> };
    const undescribed: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, answer] of Object.entries(op.responses)) {
          // 204 has no body by definition; 304 is not a success answer of its own.
          if (!/^2\d\d$/.test(status) || status === '204') continue;
          const content = answer.content ?? {};
          if (!Object.keys(content).length) undescribed.push(`${method.toUpperCase()} ${p} ${status}: no content`);
          const json = content['application/json'];
          if (json && !(json.schema && Object.keys(json.schema).length)) undescribed.push(`${method.toUpperCase()} ${p} ${status}: JSON without a schema`);
        }
      }
    }
    expect(undescribed).toEqual([]);
    // Answers are named components, for the console's generated client. Officer views are open
    // to new fields (allowed actions, what the citizen was asked); the rest are exact.
    const components = (openApiDocument() as { components: { schemas: Record<string, Record<string, unknown>> } }).components.schemas;
    const answer = (p: string) => {
      const ref = doc.paths[p]!.get!.responses['200']!.content!['application/json']!.schema!.$ref as string;
      return components[ref.replace('#/components/schemas/', '')]!;
    };
    expect(answer('/api/v1/dossiers/{code}').required).toEqual(expect.arrayContaining(['code', 'status', 'applicant', 'checklist', 'events']));
    expect(answer('/api/v1/dossiers/{code}').additionalProperties).toEqual({});
    expect(answer('/api/v1/status/{code}').additionalProperties).toBe(false);
    for (const [name, schema] of Object.entries(components)) expect(JSON.stringify(schema), name).not.toContain('#/$defs/');
  });

  it('is served as JSON with request schemas, and browsable at /api/docs', async () => {
    const doc = await http('GET', `${api.baseUrl}/api/openapi.json`);
    expect(doc.body.openapi).toBe('3.1.0');
    const submit = doc.body.paths['/api/v1/dossiers'].post;
    expect(submit.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['procedureCode', 'agencyEid', 'deliveryMethod', 'applicant']));
    expect(submit.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(submit.security).toEqual([{ citizenToken: [] }]);
    const ui = await fetch(`${api.baseUrl}/api/docs`);
    expect(await ui.text()).toContain('<script src="/api/docs/assets/init.js"></script>');
    expect(await (await fetch(`${api.baseUrl}/api/docs/assets/init.js`)).text()).toContain('SwaggerUIBundle');
    expect((await fetch(`${api.baseUrl}/api/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('rejects fields an endpoint does not know, in the body and the query, naming them', async () => {
    const preview = await http('POST', `${api.baseUrl}/api/v1/sla/preview`, { body: { receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: 5 }, isAdmin: true } });
    expect(preview.status).toBe(422);
    expect(preview.body.errors).toEqual([{ field: 'isAdmin', message: 'trường không được phép: "isAdmin"' }]);
    const worklist = await http('GET', `${api.baseUrl}/api/v1/supervision/dossiers?view=overdue&agency=000.20.20.H29&orderBy=1;drop`, { headers: { 'X-User-Id': 'giamsat.saigon' } });
    expect(worklist.status).toBe(422);
    expect(worklist.body.errors[0].field).toBe('query.orderBy');
    const action = await http('POST', `${api.baseUrl}/api/v1/dossiers/000.20.20.H29-260101-0001/intake/accept`, { body: { note: 'x', role: 'admin' }, headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(action.status).toBe(404); // the dossier does not exist: nothing is learnt before authorisation
  });

  it('exposes Prometheus metrics: HTTP traffic, queues, dossiers by status and overdue per agency', async () => {
    await http('GET', `${api.baseUrl}/health`);
    const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE queue_jobs gauge');
    expect(text).toContain('# TYPE dossier_workflows gauge');
    expect(text).toContain('# TYPE dossiers_overdue gauge');
  });
});
