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
    '/api/v1/dossiers/{code}/review/supplement-request': action('Request one supplement during processing (the clock policy applies); a leader may ask again with overrideReason, and the dossier then counts late', {
      items: { type: 'array', items: { type: 'string' } },
      reason: { type: 'string' },
      overrideReason: { type: 'string' },
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
    '/api/v1/dossiers/{code}/deadline': {
      get: {
        summary: 'The deadline explained from the clock ledger: start, working time counted, days skipped, pauses, extensions, the due date and, after the decision, early / on time / late',
        tags: ['Deadlines'],
        parameters: [codeParam, officerHeader, { name: 'asOf', in: 'query', schema: { type: 'string', format: 'date-time' } }],
        responses: { '200': { description: 'Derivation (dueAt, appointmentAt, segments, extensions, daysSkipped, explanation[], ledger[], outcome)' }, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/v1/dossiers/{code}/deadline/extension': action('Leader extends the time limit before the due date (gia hạn), with reason and legal basis', {
      workingDays: { type: 'number' },
      workingHours: { type: 'number' },
      reason: { type: 'string' },
      legalBasis: { type: 'string' },
    }),
    '/api/v1/dossiers/{code}/deadline/reappointment': action('Agency head apologises with one new appointment (Form 04), at least one working day before the due date; the statistics keep the legal due date', {
      reason: { type: 'string' },
      appointmentAt: { type: 'string', format: 'date-time' },
      workingDaysAfterDue: { type: 'integer' },
    }),
    '/api/v1/dossiers/{code}/clock/pause': action('Stop the clock for a clock-excluded step (e.g. the citizen paying land obligations), with reason and legal basis', { reason: { type: 'string' }, legalBasis: { type: 'string' } }),
    '/api/v1/dossiers/{code}/clock/resume': action('Restart the clock after a clock-excluded step', { note: { type: 'string' } }),
    '/api/v1/dossiers/{code}/receipt': { get: { summary: 'Form 01 receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả): receipt and appointment to the minute; HTML, or JSON with Accept: application/json', tags: ['Officer actions'], parameters: [codeParam, officerHeader], responses: { '200': { description: 'Receipt' }, '401': problem, '403': problem, '404': problem, '409': problem } } },
    '/api/v1/citizen/dossiers/{code}/receipt': { post: { summary: 'The applicant downloads their Form 01 receipt (body: idNumber)', tags: ['Citizen'], parameters: [codeParam], responses: { '200': { description: 'Receipt' }, '403': problem, '404': problem, '409': problem } } },
    '/api/v1/alerts': { get: { summary: 'Deadline alerts of the calling officer (at risk, overdue, escalation)', tags: ['Deadlines'], parameters: [officerHeader, { name: 'unread', in: 'query', schema: { type: 'boolean' } }], responses: { '200': { description: 'Alerts, newest first' }, '401': problem } } },
    '/api/v1/alerts/{id}/read': { post: { summary: 'Mark an alert read', tags: ['Deadlines'], parameters: [officerHeader, { name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '204': { description: 'Read' }, '401': problem, '404': problem } } },
    '/api/v1/sla/preview': {
      post: {
        summary: 'Public preview of an appointment date on an agency calendar (or the national default), with its explanation; rate-limited',
        tags: ['Citizen', 'Deadlines'],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['receivedAt'],
                properties: {
                  agencyCode: { type: 'string', example: '000.20.20.H29' },
                  receivedAt: { type: 'string', format: 'date-time', example: '2026-02-13T10:00:00+07:00' },
                  timeLimit: { type: 'object', description: '{ workingDays, counting? } | { workingHours } | { calendarDays } | { sameDay: true, cutoff? }', example: { workingDays: 5 } },
                  procedureCode: { type: 'string', description: 'Instead of timeLimit: the procedure’s own limit' },
                },
              },
            },
          },
        },
        responses: { '200': { description: '{ appointmentAt, dueAt, calendar, timeLimit, explanation[], daysSkipped[] }' }, '404': problem, '422': problem, '429': problem },
      },
    },
    '/api/v1/calendars': {
      get: { summary: 'Working calendars with their latest versions', tags: ['Calendars'], parameters: [officerHeader], responses: { '200': { description: 'Calendars' }, '401': problem } },
      post: { summary: 'Create a calendar (version 1), over a base calendar or as a root (admin)', tags: ['Calendars'], parameters: [officerHeader], responses: { '201': { description: 'Created' }, '401': problem, '403': problem, '409': problem, '422': problem } },
    },
    '/api/v1/calendars/{code}': {
      get: { summary: 'One version of a calendar (latest unless ?version=N) with merged days and version history', tags: ['Calendars'], parameters: [officerHeader, { name: 'code', in: 'path', required: true, schema: { type: 'string' } }, { name: 'version', in: 'query', schema: { type: 'integer' } }], responses: { '200': { description: 'Calendar' }, '404': problem } },
    },
    '/api/v1/calendars/{code}/versions': {
      post: { summary: 'New version from basedOnVersion with changes (hours, days, coverage); derived calendars follow (admin)', tags: ['Calendars'], parameters: [officerHeader, { name: 'code', in: 'path', required: true, schema: { type: 'string' } }], responses: { '201': { description: 'New version, and the derived versions it created' }, '403': problem, '409': problem, '422': problem } },
    },
    '/api/v1/calendars/{code}/recompute-preview': {
      post: { summary: 'What a newer version would change for open dossiers dated by an older one (nothing is changed)', tags: ['Calendars'], parameters: [officerHeader, { name: 'code', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'Dossiers with old and new due dates' } } },
    },
    '/api/v1/calendars/{code}/recompute': {
      post: { summary: 'Explicit, logged recomputation of open dossiers on a newer version (admin)', tags: ['Calendars'], parameters: [officerHeader, { name: 'code', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'Per dossier: applied or the reason it was not' }, '403': problem, '422': problem } },
    },
    '/api/v1/calendars/{code}/recomputations': {
      get: { summary: 'Log of recomputations of a calendar', tags: ['Calendars'], parameters: [officerHeader, { name: 'code', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'Recomputations' } } },
    },
    '/api/v1/agencies/{eid}/calendar': {
      put: { summary: 'The calendar an agency works by from now on (admin)', tags: ['Calendars'], parameters: [officerHeader, { name: 'eid', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'Changed' }, '403': problem, '404': problem, '422': problem } },
    },
    '/api/v1/supervision/dossiers': {
      get: {
        summary: 'Supervisor worklist: due today, due within N working days, overdue, paused or at risk; filters and counts by agency, procedure, officer and step; CSV with format=csv',
        tags: ['Supervision'],
        parameters: [
          officerHeader,
          { name: 'view', in: 'query', required: true, schema: { enum: ['due_today', 'due_within', 'overdue', 'paused', 'at_risk'] } },
          { name: 'days', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 60 } },
          { name: 'agency', in: 'query', schema: { type: 'string' } },
          { name: 'procedure', in: 'query', schema: { type: 'string' } },
          { name: 'officer', in: 'query', schema: { type: 'string' } },
          { name: 'step', in: 'query', schema: { type: 'string' } },
          { name: 'asOf', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'format', in: 'query', schema: { enum: ['json', 'csv'] } },
        ],
        responses: { '200': { description: 'Dossiers and counts' }, '401': problem, '403': problem, '422': problem },
      },
    },
    '/api/v1/supervision/on-time': {
      get: {
        summary: 'Early / on-time / late counts and rates over a period, by agency, procedure, officer or step; CSV with format=csv',
        tags: ['Supervision'],
        parameters: [officerHeader, { name: 'from', in: 'query', required: true, schema: { type: 'string' } }, { name: 'to', in: 'query', required: true, schema: { type: 'string' } }, { name: 'groupBy', in: 'query', schema: { enum: ['agency', 'procedure', 'officer', 'step'] } }, { name: 'agency', in: 'query', schema: { type: 'string' } }, { name: 'format', in: 'query', schema: { enum: ['json', 'csv'] } }],
        responses: { '200': { description: 'Groups and totals' }, '401': problem, '403': problem, '422': problem },
      },
    },
    '/api/v1/supervision/indicators': {
      get: {
        summary: 'Decision 766 indicators computed from the event log: 2.1 on time, 2.2 average time, 3.3 online share, 3.6 online payment, 4.1 e-result; CSV with format=csv',
        tags: ['Supervision'],
        parameters: [officerHeader, { name: 'from', in: 'query', required: true, schema: { type: 'string' } }, { name: 'to', in: 'query', required: true, schema: { type: 'string' } }, { name: 'agency', in: 'query', schema: { type: 'string' } }, { name: 'format', in: 'query', schema: { enum: ['json', 'csv'] } }],
        responses: { '200': { description: 'Indicators with numerator, denominator, rate, threshold and score' }, '401': problem, '403': problem, '422': problem },
      },
    },
    '/api/v1/status/{code}': {
      get: {
        summary: 'Public status lookup (tra cứu hồ sơ)',
        tags: ['Citizen'],
        parameters: [codeParam],
        responses: { '200': { description: 'Code, procedure, masked applicant, receipt and appointment dates, status and public history' }, '400': problem, '404': problem, '429': problem },
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
