import { z } from 'zod';
import { declareRoute, dossierCodeParam, IDEMPOTENCY_HEADER, isoInstant } from './contract';
import {
  applicantDossiersResponse,
  citizenSupplementBody,
  officerDossierResponse,
  processControlResponse,
  receiptDataResponse,
  statusLookupResponse,
  submissionBody,
  submissionResponse,
} from './dossier-schemas';
import { procedureListResponse, procedureResponse } from './catalogue-schemas';
import {
  agencyCalendarBody,
  agencyCalendarResponse,
  agencyEidParam,
  calendarCodeParam,
  calendarListResponse,
  calendarQuery,
  calendarResponse,
  createCalendarBody,
  createdCalendarResponse,
  deadlineExplanationResponse,
  newVersionBody,
  noQuery,
  recomputationsResponse,
  recomputeBody,
  recomputePreviewBody,
  recomputePreviewResponse,
  recomputeResponse,
} from './calendar-schemas';
import {
  callbackReceivedResponse,
  counterPaymentBody,
  dossierPaymentsResponse,
  noPaymentQuery,
  paymentIdParam,
  paymentOutcomeResponse,
  paymentView,
  startedPaymentResponse,
} from './payment-schemas';
import { slaPreviewBody, slaPreviewResponse } from './sla-preview-schemas';
import { stepCountsResponse } from './leg-schemas';
import {
  alertsResponse,
  auditTrailResponse,
  indicatorsQuery,
  indicatorsResponse,
  onTimeQuery,
  onTimeResponse,
  satisfactionQuery,
  satisfactionResponse,
  stepCountsQuery,
  supervisionWorklistResponse,
  worklistQuery,
} from './supervision-schemas';
import { citizenUploadListSchema, documentIdParams, documentSchema, dossierDocumentListSchema } from '../documents/schemas';
import { ACCEPTED_MEDIA_TYPES } from '../documents/media-types';
import {
  createSubscriptionBodySchema,
  deliveryListQuerySchema,
  deliveryPageSchema,
  deliverySchema,
  eventFilterSchema,
  idParamSchema,
  pingResultSchema,
  subscriptionSchema,
  subscriptionWithSecretSchema,
  updateSubscriptionBodySchema,
} from '../webhooks/schemas';

/**
 * Routes declared here rather than beside their handler: the ones whose handlers predate
 * the contract module or live outside `api/dossiers.ts`. Officer and citizen actions on a
 * dossier are declared where they are defined. Each entry names the zod schema the
 * handler validates with where there is one.
 */
const code = dossierCodeParam;
const eidParam = z.strictObject({ eid: z.string().min(1).max(64) });
const idParam = z.strictObject({ id: z.string().min(1).max(64) });
const P = { 401: 'Not signed in', 403: 'Not allowed', 404: 'Not found', 422: 'Invalid request' } as const;

// Answers of the operations routes, small enough to live with their declarations.
const dependencyCheck = z.strictObject({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
const dependencyChecks = z.strictObject({ postgres: dependencyCheck, redis: dependencyCheck, temporal: dependencyCheck });
const healthResponse = z.strictObject({ status: z.enum(['ok', 'degraded']), checks: dependencyChecks }).meta({ id: 'Health' });
const readyResponse = z.strictObject({ ready: z.boolean(), checks: dependencyChecks }).meta({ id: 'Readiness' });
const openApiDocumentResponse = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }).describe('OpenAPI 3.1');
const devCitizenTokenResponse = z.strictObject({ token: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int().describe('Seconds') }).meta({ id: 'DevCitizenToken' });
const eventTypesResponse = z.strictObject({ items: z.array(eventFilterSchema) }).meta({ id: 'WebhookEventTypes' });
const subscriptionListResponse = z.strictObject({ items: z.array(subscriptionSchema) }).meta({ id: 'WebhookSubscriptionList' });

// Operations and documentation
declareRoute({ method: 'get', path: '/health', summary: 'Dependency report (PostgreSQL, Redis, Temporal)', tags: ['Operations'], access: 'public', responses: { 200: 'All up', 503: 'Something is down' }, responseBodies: { 200: healthResponse } });
declareRoute({ method: 'get', path: '/ready', summary: 'Readiness: 200 only when every dependency answers', tags: ['Operations'], access: 'public', responses: { 200: 'Ready', 503: 'Not ready' }, responseBodies: { 200: readyResponse } });
declareRoute({ method: 'get', path: '/metrics', summary: 'Prometheus metrics (HTTP, queues, workflows, overdue dossiers per agency); with METRICS_TOKEN set, only with `Authorization: Bearer <token>`; not served in production without it', tags: ['Operations'], access: 'public', responses: { 200: 'Text exposition format', 401: 'METRICS_TOKEN is set and the request does not carry it' }, responseStreams: { 200: { mediaType: 'text/plain' } } });
declareRoute({ method: 'get', path: '/api/openapi.json', summary: 'This document (OpenAPI 3.1), generated from the schemas the API validates with', tags: ['Operations'], access: 'public', responses: { 200: 'OpenAPI document' }, responseBodies: { 200: openApiDocumentResponse } });
declareRoute({ method: 'get', path: '/api/docs', summary: 'Browsable API documentation', tags: ['Operations'], access: 'public', responses: { 200: 'HTML' }, responseStreams: { 200: { mediaType: 'text/html' } } });
declareRoute({
  enforceKeys: true, method: 'post',
  path: '/dev/citizen-token',
  summary: 'Development citizen sign-in standing in for VNeID (never in production)',
  tags: ['Development'],
  access: 'public',
  body: z.strictObject({ idNumber: z.string(), fullName: z.string().optional() }),
  responses: { 200: 'A citizen token', 422: 'Invalid ID number' },
  responseBodies: { 200: devCitizenTokenResponse },
});
// Not declared here: the development identity provider under /dev/idp/officers and /dev/idp/citizens
// (api/dev-identity-provider.ts). Its routes (discovery, /auth, /token, /jwks, …) and sign-in pages
// are oidc-provider's own, an identity provider's and not this API's, and never served in production.

// Catalogue and public lookups
declareRoute({ method: 'get', path: '/api/v1/procedures', summary: 'Procedure catalogue', tags: ['Catalogue'], access: 'public', responses: { 200: 'Procedures' }, responseBodies: { 200: procedureListResponse } });
declareRoute({ method: 'get', path: '/api/v1/procedures/:code', summary: 'One procedure', tags: ['Catalogue'], access: 'public', params: z.strictObject({ code: z.string() }), responses: { 200: 'Procedure', 404: 'Unknown' }, responseBodies: { 200: procedureResponse } });
declareRoute({
  enforceKeys: true, method: 'get',
  path: '/api/v1/status/:code',
  summary: 'Public status lookup (tra cứu hồ sơ): masked applicant, receipt and appointment dates, status, history. Needs the last 4 digits of the applicant’s ID number unless signed in as the applicant',
  tags: ['Citizen'],
  access: 'public-or-citizen',
  params: code,
  query: z.strictObject({ check: z.string().regex(/^\d{4}$/).optional().describe('Last 4 digits of the applicant’s ID number') }),
  responses: { 200: 'Status', 400: 'Malformed code or missing check', 404: 'Unknown code or wrong check (the same answer)', 429: 'Too many requests, or too many failed checks on this code or from this client (Retry-After; the same for unknown codes)' },
  responseBodies: { 200: statusLookupResponse },
});
declareRoute({ method: 'get', path: '/api/v1/citizen/dossiers', summary: 'The signed-in citizen’s own dossiers (lookup by ID number)', tags: ['Citizen'], access: 'citizen', responses: { 200: 'Dossiers', 401: P[401] }, responseBodies: { 200: applicantDossiersResponse } });
declareRoute({
  method: 'post',
  path: '/api/v1/sla/preview',
  summary: 'Public preview of an appointment date on an agency calendar (or the national default), with its explanation',
  tags: ['Citizen', 'Deadlines'],
  access: 'public',
  body: slaPreviewBody,
  responses: { 200: 'appointmentAt, dueAt, explanation[], daysSkipped[]', 404: 'Unknown agency or procedure', 422: 'Invalid request', 429: 'Too many requests' },
  responseBodies: { 200: slaPreviewResponse },
});

// Dossiers (submission, reading)
declareRoute({
  method: 'post',
  path: '/api/v1/dossiers',
  summary: 'Submit a dossier online (nộp hồ sơ trực tuyến), as the signed-in applicant',
  tags: ['Citizen'],
  access: 'citizen',
  body: submissionBody,
  headers: [IDEMPOTENCY_HEADER(true)],
  responses: { 201: 'Created, workflow started', 200: 'Same Idempotency-Key: the dossier created earlier', 202: 'Stored; processing starts shortly', 400: 'Missing Idempotency-Key', 401: P[401], 403: 'Not the signed-in citizen', 422: P[422] },
  responseBodies: { 200: submissionResponse, 201: submissionResponse, 202: submissionResponse },
});
declareRoute({
  method: 'post',
  path: '/api/v1/counter/dossiers',
  summary: 'Counter intake: a one-stop officer enters the dossier for the citizen (acceptNow: accept on the spot)',
  tags: ['Officer actions'],
  access: 'officer',
  body: submissionBody,
  headers: [IDEMPOTENCY_HEADER(true)],
  responses: { 201: 'Created (and accepted when acceptNow)', 200: 'Same Idempotency-Key', ...P },
  responseBodies: { 200: submissionResponse, 201: submissionResponse, 202: submissionResponse },
});
declareRoute({ method: 'get', path: '/api/v1/dossiers/:code', summary: 'Officer view of a dossier with its event log; `allowedActions` (see the AllowedAction schema): what the caller may do now; `requests`: the last supplement request (items, reason, deadline, the answer) and on-site visit (window, place, state) the citizen was asked for', tags: ['Officer actions'], access: 'officer', params: code, responses: { 200: 'Dossier', ...P }, responseBodies: { 200: officerDossierResponse } });
declareRoute({ method: 'get', path: '/api/v1/dossiers/:code/process-control', summary: 'Process-control sheet: every hand-off with its step budget due date and outcome', tags: ['Officer actions'], access: 'officer', params: code, responses: { 200: 'Hand-offs', ...P }, responseBodies: { 200: processControlResponse } });
declareRoute({ method: 'get', path: '/api/v1/dossiers/:code/audit', summary: 'Audit log of a dossier: every action with actor, role, agency, reason, before and after (supervisors, leaders, admins)', tags: ['Supervision'], access: 'officer', params: code, responses: { 200: 'Entries', ...P }, responseBodies: { 200: auditTrailResponse } });
declareRoute({ method: 'get', path: '/api/v1/dossiers/:code/receipt', summary: 'Form 01 receipt: receipt and appointment to the minute (HTML, or JSON with Accept: application/json)', tags: ['Officer actions'], access: 'officer', params: code, responses: { 200: 'Receipt', 409: 'Not received yet', ...P }, responseBodies: { 200: receiptDataResponse }, responseStreams: { 200: { mediaType: 'text/html' } } });
declareRoute({ enforceKeys: true, method: 'post', path: '/api/v1/citizen/dossiers/:code/receipt', summary: 'The applicant downloads their Form 01 receipt', tags: ['Citizen'], access: 'citizen', params: code, body: z.strictObject({}), responses: { 200: 'Receipt', 401: P[401], 404: 'No such dossier of theirs', 409: 'Not received yet' }, responseBodies: { 200: receiptDataResponse }, responseStreams: { 200: { mediaType: 'text/html' } } });
declareRoute({ enforceKeys: true, method: 'post', path: '/api/v1/citizen/dossiers/:code/result', summary: 'Download the e-result, denial or stop notice (applicant only), with Repr-Digest', tags: ['Citizen'], access: 'citizen', params: code, body: z.strictObject({}), responses: { 200: 'HTML document', 401: P[401], 404: 'No such dossier of theirs', 409: 'No result yet or fee unpaid' }, responseStreams: { 200: { mediaType: 'text/html' } } });
void citizenSupplementBody;

// Deadlines
declareRoute({
  enforceKeys: true, method: 'get',
  path: '/api/v1/dossiers/:code/deadline',
  summary: 'The deadline explained from the clock ledger: start, working time counted, days skipped, pauses, extensions, due date, outcome',
  tags: ['Deadlines'],
  access: 'officer',
  params: code,
  query: z.strictObject({ asOf: isoInstant.optional() }),
  responses: { 200: 'Derivation', ...P },
  responseBodies: { 200: deadlineExplanationResponse },
});
declareRoute({ enforceKeys: true, method: 'get', path: '/api/v1/alerts', summary: 'Deadline alerts of the signed-in officer', tags: ['Deadlines'], access: 'officer', query: z.strictObject({ unread: z.enum(['true', 'false']).optional() }), responses: { 200: 'Alerts', 401: P[401] }, responseBodies: { 200: alertsResponse } });
declareRoute({ method: 'post', path: '/api/v1/alerts/:id/read', summary: 'Mark an alert read', tags: ['Deadlines'], access: 'officer', params: idParam, responses: { 204: 'Read', 401: P[401], 404: P[404] } });

// Payments and integrations
declareRoute({ enforceKeys: true, method: 'get', path: '/api/v1/dossiers/:code/payments', summary: 'Fee due and payments of a dossier', tags: ['Officer actions'], access: 'officer', params: code, responses: { 200: 'Payments', ...P }, responseBodies: { 200: dossierPaymentsResponse } });
declareRoute({
  method: 'post',
  path: '/api/v1/dossiers/:code/payments',
  summary: 'Record cash or a transfer at the counter; issues the e-receipt',
  tags: ['Officer actions'],
  access: 'officer',
  params: code,
  query: noPaymentQuery,
  body: counterPaymentBody,
  headers: [IDEMPOTENCY_HEADER(false)],
  responses: { 201: 'Paid', 409: 'Already paid or ended', ...P },
  responseBodies: { 201: paymentView },
});
declareRoute({ enforceKeys: true, method: 'post', path: '/api/v1/citizen/dossiers/:code/payments', summary: 'Open an online payment of the fee; returns the gateway page', tags: ['Citizen'], access: 'citizen', params: code, body: z.strictObject({}), headers: [IDEMPOTENCY_HEADER(false)], responses: { 201: 'Payment URL', 401: P[401], 404: 'No such dossier of theirs', 409: 'Nothing to pay', 503: 'Gateway unavailable' }, responseBodies: { 201: startedPaymentResponse } });
declareRoute({ method: 'post', path: '/api/v1/payments/callback', summary: 'Payment gateway callback (HMAC-signed raw body)', tags: ['Integrations'], access: 'signature', responses: { 200: 'Recorded', 401: 'Bad signature', 404: 'Unknown payment' }, responseBodies: { 200: callbackReceivedResponse } });
declareRoute({
  enforceKeys: true,
  method: 'get',
  path: '/api/v1/payments/:paymentId',
  summary: 'The state of an online payment as recorded from the gateway’s signed callback, for the portal’s return page (/thanh-toan/ket-qua); keyed by the unguessable payment id, never by what the gateway appends to the way back; rate limited',
  tags: ['Citizen'],
  access: 'public',
  params: paymentIdParam,
  query: z.strictObject({}),
  responses: { 200: 'State, amount, e-receipt number, dossier code', 404: 'Unknown, malformed or counter payment id (the same answer)', 429: 'Too many requests (Retry-After)' },
  responseBodies: { 200: paymentOutcomeResponse },
});
declareRoute({
  enforceKeys: true,
  method: 'post',
  path: '/api/v1/payments/:paymentId/retry',
  summary: 'Pay again from the return page: the dossier’s open online payment, or a new one, while its fee is due',
  tags: ['Citizen'],
  access: 'public',
  params: paymentIdParam,
  body: z.strictObject({}),
  responses: { 201: 'Payment URL', 404: 'Unknown, malformed or counter payment id (the same answer)', 409: 'Already paid, or nothing to pay', 429: 'Too many requests (Retry-After)', 503: 'Gateway unavailable' },
  responseBodies: { 201: startedPaymentResponse },
});
declareRoute({ method: 'post', path: '/api/v1/postal/callback', summary: 'Postal service status callback (HMAC-signed raw body)', tags: ['Integrations'], access: 'signature', responses: { 200: 'Recorded', 401: 'Bad signature', 503: 'Try again' }, responseBodies: { 200: callbackReceivedResponse } });

// Calendars
const C = { params: calendarCodeParam } as const;
declareRoute({ method: 'get', path: '/api/v1/calendars', summary: 'Working calendars with their latest versions', tags: ['Calendars'], access: 'officer', query: noQuery, responses: { 200: 'Calendars', 401: P[401] }, responseBodies: { 200: calendarListResponse } });
declareRoute({ method: 'post', path: '/api/v1/calendars', summary: 'Create a calendar (version 1), over a base calendar or as a root (admin)', tags: ['Calendars'], access: 'admin', query: noQuery, body: createCalendarBody, responses: { 201: 'Created', 409: 'Exists', ...P }, responseBodies: { 201: createdCalendarResponse } });
declareRoute({ method: 'get', path: '/api/v1/calendars/:code', summary: 'One version of a calendar with merged days and version history', tags: ['Calendars'], access: 'officer', ...C, query: calendarQuery, responses: { 200: 'Calendar', ...P }, responseBodies: { 200: calendarResponse } });
declareRoute({ method: 'post', path: '/api/v1/calendars/:code/versions', summary: 'New version from basedOnVersion with changes; derived calendars follow (admin)', tags: ['Calendars'], access: 'admin', ...C, query: noQuery, body: newVersionBody, responses: { 201: 'New version', 409: 'Stale basedOnVersion', ...P }, responseBodies: { 201: createdCalendarResponse } });
declareRoute({ method: 'post', path: '/api/v1/calendars/:code/recompute-preview', summary: 'What a newer version would change for open dossiers (nothing is changed)', tags: ['Calendars'], access: 'officer', ...C, query: noQuery, body: recomputePreviewBody, responses: { 200: 'Dossiers with old and new due dates', ...P }, responseBodies: { 200: recomputePreviewResponse } });
declareRoute({ method: 'post', path: '/api/v1/calendars/:code/recompute', summary: 'Explicit, logged recomputation of open dossiers on a newer version (admin)', tags: ['Calendars'], access: 'admin', ...C, query: noQuery, body: recomputeBody, responses: { 200: 'Per dossier: applied or why not', ...P }, responseBodies: { 200: recomputeResponse } });
declareRoute({ method: 'get', path: '/api/v1/calendars/:code/recomputations', summary: 'Log of recomputations of a calendar', tags: ['Calendars'], access: 'officer', ...C, responses: { 200: 'Recomputations', ...P }, responseBodies: { 200: recomputationsResponse } });
declareRoute({ method: 'put', path: '/api/v1/agencies/:eid/calendar', summary: 'The calendar an agency works by from now on (admin)', tags: ['Calendars'], access: 'admin', params: agencyEidParam, query: noQuery, body: agencyCalendarBody, responses: { 200: 'Changed', ...P }, responseBodies: { 200: agencyCalendarResponse } });

// Supervision
declareRoute({
  method: 'get',
  path: '/api/v1/supervision/dossiers',
  summary: 'Worklist: due today, due within N working days, overdue, paused or at risk; counts by agency, procedure, officer and step; CSV',
  tags: ['Supervision'],
  access: 'officer',
  query: worklistQuery,
  responses: { 200: 'A page of dossiers, due first, with nextCursor (null on the last page); total and counts over the whole list', ...P },
  responseBodies: { 200: supervisionWorklistResponse }, responseStreams: { 200: { mediaType: 'text/csv' } },
});
declareRoute({ method: 'get', path: '/api/v1/supervision/on-time', summary: 'Early / on-time / late counts and rates by agency, procedure, officer or step; CSV', tags: ['Supervision'], access: 'officer', query: onTimeQuery, responses: { 200: 'Groups and totals', ...P }, responseBodies: { 200: onTimeResponse }, responseStreams: { 200: { mediaType: 'text/csv' } } });
declareRoute({ method: 'get', path: '/api/v1/supervision/indicators', summary: 'Decision 766 indicators from the event log (2.1, 2.2, 3.3, 3.6, 4.1) and the satisfaction ratings (5.4); CSV', tags: ['Supervision'], access: 'officer', query: indicatorsQuery, responses: { 200: 'Indicators', ...P }, responseBodies: { 200: indicatorsResponse }, responseStreams: { 200: { mediaType: 'text/csv' } } });
declareRoute({ method: 'get', path: '/api/v1/supervision/steps', summary: 'Routed dossiers (internal procedures as data): hand-offs closed in the period, early / on time / late, per step, unit and officer, the lead agency’s and the inter-agency legs’ (counted for the agency that received them)', tags: ['Supervision'], access: 'officer', query: stepCountsQuery, responses: { 200: 'Counts per step, unit and officer', ...P }, responseBodies: { 200: stepCountsResponse } });
declareRoute({ method: 'get', path: '/api/v1/supervision/satisfaction', summary: 'Satisfaction ratings (đánh giá mức độ hài lòng) given in the period, per agency or per officer who handled the dossier: counts and rates per level; CSV', tags: ['Supervision'], access: 'officer', query: satisfactionQuery, responses: { 200: 'Groups and totals', ...P }, responseBodies: { 200: satisfactionResponse }, responseStreams: { 200: { mediaType: 'text/csv' } } });

// Outbound webhooks (administrators)
const whId = z.strictObject({ id: idParamSchema });
const W = { 401: P[401], 403: 'Administrators only', 404: P[404], 422: P[422] } as const;
declareRoute({ method: 'get', path: '/api/v1/webhooks/event-types', summary: 'Event types a subscriber can receive', tags: ['Webhooks'], access: 'admin', responses: { 200: 'Event types', 401: P[401], 403: W[403] }, responseBodies: { 200: eventTypesResponse } });
declareRoute({ method: 'post', path: '/api/v1/webhooks/subscriptions', summary: 'Register a subscriber (e.g. the national portal sync); the signing secret is shown once', tags: ['Webhooks'], access: 'admin', body: createSubscriptionBodySchema, responses: { 201: 'Subscription with its secret', ...W }, responseBodies: { 201: subscriptionWithSecretSchema } });
declareRoute({ method: 'get', path: '/api/v1/webhooks/subscriptions', summary: 'Subscribers (secrets never shown again)', tags: ['Webhooks'], access: 'admin', responses: { 200: 'Subscriptions', 401: P[401], 403: W[403] }, responseBodies: { 200: subscriptionListResponse } });
declareRoute({ method: 'get', path: '/api/v1/webhooks/subscriptions/:id', summary: 'One subscriber with delivery counts', tags: ['Webhooks'], access: 'admin', params: whId, responses: { 200: 'Subscription', ...W }, responseBodies: { 200: subscriptionSchema } });
declareRoute({ method: 'patch', path: '/api/v1/webhooks/subscriptions/:id', summary: 'Change, pause or resume a subscriber', tags: ['Webhooks'], access: 'admin', params: whId, body: updateSubscriptionBodySchema, responses: { 200: 'Subscription', ...W }, responseBodies: { 200: subscriptionSchema } });
declareRoute({ method: 'delete', path: '/api/v1/webhooks/subscriptions/:id', summary: 'Delete a subscriber and its delivery log (pause it to keep the log)', tags: ['Webhooks'], access: 'admin', params: whId, responses: { 204: 'Deleted', ...W } });
declareRoute({ method: 'post', path: '/api/v1/webhooks/subscriptions/:id/rotate-secret', summary: 'New signing secret, shown once', tags: ['Webhooks'], access: 'admin', params: whId, responses: { 200: 'Subscription with its new secret', ...W }, responseBodies: { 200: subscriptionWithSecretSchema } });
declareRoute({ method: 'post', path: '/api/v1/webhooks/subscriptions/:id/ping', summary: 'Send a signed ping now (not logged, not retried)', tags: ['Webhooks'], access: 'admin', params: whId, responses: { 200: 'Outcome', ...W }, responseBodies: { 200: pingResultSchema } });
declareRoute({ method: 'get', path: '/api/v1/webhooks/deliveries', summary: 'Delivery log with every attempt, newest first', tags: ['Webhooks'], access: 'admin', query: deliveryListQuerySchema, responses: { 200: 'Deliveries', ...W }, responseBodies: { 200: deliveryPageSchema } });
declareRoute({ method: 'get', path: '/api/v1/webhooks/deliveries/:id', summary: 'One delivery with its payload and attempts', tags: ['Webhooks'], access: 'admin', params: whId, responses: { 200: 'Delivery', ...W }, responseBodies: { 200: deliverySchema } });
declareRoute({ method: 'post', path: '/api/v1/webhooks/deliveries/:id/replay', summary: 'Send a delivery again, whatever its status (admin replay)', tags: ['Webhooks'], access: 'admin', params: whId, responses: { 202: 'Queued', 409: 'Subscriber paused', ...W }, responseBodies: { 202: deliverySchema } });

// Documents (files in the blob store; type from the bytes, SHA-256 recorded)
const UP = { 201: 'Stored: { id, filename, name, mediaType, sizeBytes, sha256, createdAt }', 401: P[401], 403: P[403], 404: P[404], 413: 'Too large', 415: 'Type not accepted (judged from the bytes)', 422: P[422] } as const;
const upload = 'multipart/form-data';
declareRoute({ method: 'post', path: '/api/v1/citizen/documents', summary: 'A citizen uploads a document (one `file`, optional `name`) before naming it by fileId in a submission or supplement', tags: ['Documents', 'Citizen'], access: 'citizen', bodyContentType: upload, headers: [IDEMPOTENCY_HEADER(false)], responses: UP, responseBodies: { 201: documentSchema } });
declareRoute({ method: 'post', path: '/api/v1/dossiers/:code/documents', summary: 'An officer of the agency adds a document to a dossier (scans, verification minutes, photos)', tags: ['Documents'], access: 'officer', params: code, bodyContentType: upload, headers: [IDEMPOTENCY_HEADER(false)], responses: UP, responseBodies: { 201: documentSchema } });
declareRoute({ method: 'post', path: '/api/v1/agencies/:eid/documents', summary: 'A one-stop officer scans papers at the counter before the dossier exists', tags: ['Documents'], access: 'officer', params: eidParam, bodyContentType: upload, headers: [IDEMPOTENCY_HEADER(false)], responses: UP, responseBodies: { 201: documentSchema } });
declareRoute({ method: 'get', path: '/api/v1/documents/:id', summary: 'Download a document (streamed, Repr-Digest), for its owner or the officers of its agency; others get 404 like an unknown id', tags: ['Documents'], access: 'officer-or-citizen', params: documentIdParams, responses: { 200: 'The file', 401: P[401], 404: P[404] }, responseStreams: { 200: { mediaType: [...ACCEPTED_MEDIA_TYPES] } } });
declareRoute({ method: 'get', path: '/api/v1/dossiers/:code/documents', summary: 'Documents of a dossier, for its agency’s officers', tags: ['Documents'], access: 'officer', params: code, responses: { 200: 'Documents', ...P }, responseBodies: { 200: dossierDocumentListSchema } });
declareRoute({ method: 'get', path: '/api/v1/citizen/dossiers/:code/documents', summary: 'Documents of the applicant’s own dossier', tags: ['Documents', 'Citizen'], access: 'citizen', params: code, responses: { 200: 'Documents', 401: P[401], 404: P[404] }, responseBodies: { 200: dossierDocumentListSchema } });
declareRoute({ method: 'get', path: '/api/v1/citizen/documents', summary: 'The citizen’s own uploads', tags: ['Documents', 'Citizen'], access: 'citizen', responses: { 200: 'Documents', 401: P[401] }, responseBodies: { 200: citizenUploadListSchema } });
