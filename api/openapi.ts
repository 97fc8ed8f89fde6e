/** OpenAPI 3.1 description of the HTTP API (served at /api/openapi.json, rendered at /api/docs). */
const problem = { $ref: '#/components/responses/Problem' };
const officerHeader = { $ref: '#/components/parameters/UserId' };
const codeParam = { $ref: '#/components/parameters/DossierCode' };
const idemHeader = (required: boolean) => ({
  name: 'Idempotency-Key',
  in: 'header',
  required,
  schema: { type: 'string', maxLength: 200 },
  description: 'A retry with the same key returns the first answer instead of acting twice.',
});

function action(summary: string, body: Record<string, unknown>) {
  return {
    post: {
      summary,
      tags: ['Officer actions'],
      parameters: [codeParam, officerHeader, idemHeader(false)],
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: body } } } },
      responses: {
        '200': { description: 'Applied; the dossier as it now stands' },
        '401': problem,
        '403': problem,
        '404': problem,
        '409': problem,
        '422': problem,
        '503': problem,
      },
    },
  };
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Dossier platform API (Bộ phận Một cửa)',
    version: '0.1.0',
    description:
      'Back office for one-stop public service centres: online submission, officer actions on dossiers as durable workflow updates, and the public status lookup.',
  },
  servers: [{ url: '/' }],
  paths: {
    '/health': { get: { summary: 'Dependency report (PostgreSQL, Redis, Temporal)', tags: ['Operations'], responses: { '200': { description: 'All up' }, '503': { description: 'Something is down' } } } },
    '/ready': { get: { summary: 'Readiness: 200 only when every dependency answers', tags: ['Operations'], responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } } } },
    '/api/v1/procedures': { get: { summary: 'Procedure catalogue', tags: ['Catalogue'], responses: { '200': { description: 'Procedures' } } } },
    '/api/v1/procedures/{code}': {
      get: { summary: 'One procedure', tags: ['Catalogue'], parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'Procedure' }, '404': problem } },
    },
    '/api/v1/dossiers': {
      post: {
        summary: 'Submit a dossier online (nộp hồ sơ trực tuyến)',
        tags: ['Citizen'],
        parameters: [idemHeader(true)],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['procedureCode', 'agencyEid', 'deliveryMethod', 'applicant'],
                properties: {
                  procedureCode: { type: 'string', example: 'TP-TRICHLUC' },
                  agencyEid: { type: 'string', example: '000.20.20.H29' },
                  deliveryMethod: { enum: ['online', 'counter', 'postal'] },
                  applicant: {
                    type: 'object',
                    required: ['fullName', 'idNumber'],
                    properties: {
                      fullName: { type: 'string' },
                      idNumber: { type: 'string', description: 'CCCD (12 digits) or CMND (9 digits)' },
                      phone: { type: 'string' },
                      email: { type: 'string' },
                      address: { type: 'string' },
                    },
                  },
                  documents: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, fileId: { type: 'string' } } } },
                },
              },
            },
          },
        },
        responses: { '201': { description: 'Dossier created, workflow started' }, '200': { description: 'Same Idempotency-Key: the dossier created earlier' }, '400': problem, '422': problem },
      },
    },
    '/api/v1/dossiers/{code}': { get: { summary: 'Officer view of a dossier with its event log', tags: ['Officer actions'], parameters: [codeParam, officerHeader], responses: { '200': { description: 'Dossier' }, '401': problem, '403': problem, '404': problem } } },
    '/api/v1/counter/dossiers': {
      post: {
        summary: 'Counter intake: a one-stop officer enters the dossier for the citizen (acceptNow: accept on the spot)',
        tags: ['Officer actions'],
        parameters: [officerHeader, idemHeader(true)],
        responses: { '201': { description: 'Created (and accepted when acceptNow)' }, '200': { description: 'Same Idempotency-Key' }, '401': problem, '403': problem, '422': problem },
      },
    },
    '/api/v1/dossiers/{code}/intake/accept': action('Accept at intake (tiếp nhận): computes the appointment date and assigns a specialist', { note: { type: 'string' } }),
    '/api/v1/dossiers/{code}/intake/supplement-request': action('Request a supplement at intake, listing everything missing once (Form 02)', {
      items: { type: 'array', items: { type: 'string' } },
      reason: { type: 'string' },
      deadlineWorkingDays: { type: 'integer' },
      deadline: { type: 'string', format: 'date-time' },
    }),
    '/api/v1/dossiers/{code}/intake/refuse': action('Refuse at intake with concrete reasons (Form 03)', { reasons: { type: 'array', items: { type: 'string' } } }),
    '/api/v1/dossiers/{code}/assignment': action('Leader assigns or reassigns a specialist', { specialist: { type: 'string' }, note: { type: 'string' } }),
    '/api/v1/dossiers/{code}/claim': action('Specialist claims an unassigned dossier', { note: { type: 'string' } }),
    '/api/v1/dossiers/{code}/release': action('Assigned specialist gives the dossier back', { note: { type: 'string' } }),
    '/api/v1/dossiers/{code}/review/supplement-request': action('Request one supplement during processing (the clock policy applies)', {
      items: { type: 'array', items: { type: 'string' } },
      reason: { type: 'string' },
      deadlineWorkingDays: { type: 'integer' },
      deadline: { type: 'string', format: 'date-time' },
    }),
    '/api/v1/dossiers/{code}/verification': action('Schedule or reschedule an on-site verification', { visit: { type: 'object' }, purpose: { type: 'string' } }),
    '/api/v1/dossiers/{code}/verification/record': action('Record the visit: outcome, findings, minutes and photos', {
      outcome: { enum: ['confirmed', 'discrepancies', 'missed'] },
      findings: { type: 'string' },
      attachments: { type: 'array', items: { type: 'object' } },
    }),
    '/api/v1/dossiers/{code}/review/proposal': action('Specialist proposes approval or denial (with reasons)', { proposal: { enum: ['approve', 'deny'] }, reasons: { type: 'array', items: { type: 'string' } }, note: { type: 'string' } }),
    '/api/v1/dossiers/{code}/decision': action('Leader approves (numbered result), denies (reasoned notice) or returns to the specialist', {
      decision: { enum: ['approve', 'deny', 'return'] },
      reasons: { type: 'array', items: { type: 'string' } },
      note: { type: 'string' },
    }),
    '/api/v1/dossiers/{code}/result/handover': action('Record the result handed over at the counter, and to whom', { receivedBy: { type: 'string' }, note: { type: 'string' } }),
    '/api/v1/dossiers/{code}/cancel': action('Stop processing with a reason (stop notice)', { reason: { type: 'string' } }),
    '/api/v1/dossiers/{code}/payments': {
      get: { summary: 'Fee due and payments of a dossier', tags: ['Officer actions'], parameters: [codeParam, officerHeader], responses: { '200': { description: 'Payments' } } },
      post: { summary: 'Record cash or a transfer at the counter; issues the e-receipt', tags: ['Officer actions'], parameters: [codeParam, officerHeader], responses: { '201': { description: 'Paid' }, '409': problem, '422': problem } },
    },
    '/api/v1/dossiers/{code}/process-control': { get: { summary: 'Process-control sheet: every hand-off with times and outcome', tags: ['Officer actions'], parameters: [codeParam, officerHeader], responses: { '200': { description: 'Hand-offs' } } } },
    '/api/v1/citizen/dossiers/{code}/supplement': { post: { summary: 'The applicant supplements the documents asked for', tags: ['Citizen'], parameters: [codeParam], responses: { '200': { description: 'Back to the check or to review' }, '403': problem, '409': problem, '422': problem } } },
    '/api/v1/citizen/dossiers/{code}/withdraw': { post: { summary: 'The applicant withdraws before the decision (stop notice)', tags: ['Citizen'], parameters: [codeParam], responses: { '200': { description: 'Withdrawn' }, '403': problem, '409': problem } } },
    '/api/v1/citizen/dossiers/{code}/payments': { post: { summary: 'Open an online payment of the fee; returns the gateway page', tags: ['Citizen'], parameters: [codeParam], responses: { '201': { description: 'Payment URL' }, '403': problem, '409': problem, '503': problem } } },
    '/api/v1/citizen/dossiers/{code}/result': { post: { summary: 'Download the e-result, denial or stop notice (applicant only)', tags: ['Citizen'], parameters: [codeParam], responses: { '200': { description: 'HTML document with Repr-Digest' }, '403': problem, '409': problem } } },
    '/api/v1/payments/callback': { post: { summary: 'Payment gateway callback (HMAC-signed raw body)', tags: ['Integrations'], responses: { '200': { description: 'Recorded' }, '401': problem, '404': problem } } },
    '/api/v1/postal/callback': { post: { summary: 'Postal service status callback (HMAC-signed raw body)', tags: ['Integrations'], responses: { '200': { description: 'Recorded' }, '401': problem, '503': problem } } },
    '/api/v1/status/{code}': {
      get: {
        summary: 'Public status lookup (tra cứu hồ sơ)',
        tags: ['Citizen'],
        parameters: [codeParam],
        responses: { '200': { description: 'Code, procedure, masked applicant, receipt and appointment dates, status and public history' }, '400': problem, '404': problem },
      },
    },
  },
  components: {
    parameters: {
      DossierCode: { name: 'code', in: 'path', required: true, schema: { type: 'string', example: '000.20.20.H29-260310-0001' } },
      UserId: { name: 'X-User-Id', in: 'header', required: true, schema: { type: 'string' }, description: 'Officer username or id (development identity until SSO)' },
    },
    responses: {
      Problem: {
        description: 'RFC 9457 problem details',
        content: {
          'application/problem+json': {
            schema: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, errors: { type: 'array' } } },
          },
        },
      },
    },
  },
} as const;

/** A dependency-free HTML rendering of the spec (the centre's network may have no CDN access). */
export function renderDocsHtml(): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const rows = Object.entries(openApiDocument.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops as Record<string, { summary: string; tags: readonly string[] }>).map(
        ([method, op]) => `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary)}</td><td>${esc(op.tags.join(', '))}</td></tr>`,
      ),
    )
    .join('\n');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${esc(openApiDocument.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style></head>
<body><h1>${esc(openApiDocument.info.title)}</h1><p>${esc(openApiDocument.info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a></p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>For</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}
