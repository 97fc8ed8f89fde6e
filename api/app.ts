import express from 'express';
import type { Client } from '@temporalio/client';
import { createDossierClient } from '../dossiers/client';
import type { Redis } from 'ioredis';
import type { Db } from '../db/connection';
import { authenticate, principalOf, type AuthConfig } from './auth';
import { auditRoutes, auditTrail } from './audit';
import { IDEMPOTENT_CREATES, idempotentCreate } from './idempotency';
import { rejectUnknownFields } from './contract';
import { jsonNestingLimit, rejectMalformedUrl, rejectUnsafeText } from './input-safety';
import { requestId, requestIdOf } from './request-id';
import { apiMetrics, metricsRoutes, type Metrics, type MetricsAccess } from './metrics';
import { securityHeaders } from './security-headers';
import { noteArrival } from './server-timing';
import { logger } from '../platform/logger';
import { officerAccountCache, type OfficerAccountCache, type OfficerAccountCacheOptions } from '../platform/identity';
import { onResponseFinished } from '../platform/response-hooks';
import { calendarRoutes } from './calendars';
import { internalProcedureRoutes } from './internal-procedures';
import { devTokenRoutes } from './dev-tokens';
import { DEV_IDP_PATH, devIdentityProvider, devIssuerConfigs } from './dev-identity-provider';
import { authConfig, type TrustProxy } from '../platform/config';
import { catalogueRoutes } from './catalogue';
import { chainRoutes } from './chains';
import { deadlineRoutes } from './deadline';
import { dossierRoutes } from './dossiers';
import { documentRoutes, type DocumentRoutesOptions } from './documents';
import { healthRoutes } from './health';
import { paymentCallbackRoute, paymentRoutes } from './payments';
import type { PaymentProvider } from '../integrations/payment/provider';
import type { PostalProvider } from '../integrations/postal/provider';
import type { SandboxGateway } from '../integrations/payment/sandbox-gateway';
import type { SandboxPostalService } from '../integrations/postal/sandbox-postal-service';
import { postalCallbackRoute } from './postal';
import { eResultRoutes } from './e-result';
import { intakeReceiptRoutes } from './intake-receipt';
import { formRoutes } from './forms';
import { sandboxPaymentGatewayRoutes } from './sandbox-payment-gateway';
import { sandboxPostalRoutes } from './sandbox-postal';
import { docsRoutes } from './openapi';
import { errorHandler, HttpProblem, sendProblem } from './problem';
import { checkGuard, lookupGate, rateLimit, type CheckGuardOptions } from './rate-limit';
import { slaPreviewRoutes } from './sla-preview';
import { ratingRoutes } from './ratings';
import { idLookupCodes, type IdLookupSettings } from '../dossiers/id-lookup';
import { publicStatusRoute, statusRoutes } from './status';
import { lookupCache, type LookupCache, type LookupCacheOptions } from '../dossiers/lookup-cache';
import { supervisionRoutes } from './supervision';
import { webhookRoutes } from './webhooks';
import { findWebDir, webRoutes } from './web';
import { worklistRoutes } from './worklist';
import { legRoutes } from './legs';
import { dossierEventRoutes } from './dossier-events';
import { liveQueueHub, type LiveQueueHub, type LiveQueueOptions } from '../dossiers/live-queue';
import client from 'prom-client';
import { responseValidation, responseValidationMode, type ResponseValidationLog, type ResponseValidationMode } from './response-validation';

export interface AppDeps {
  db: Db;
  redis: Redis;
  temporal: Client;
  taskQueue: string;
  payments?: {
    provider: PaymentProvider;
    publicBaseUrl: string;
    validityMinutes: number;
    /** The sandbox gateway, mounted at /sandbox/payment-gateway when no real gateway is configured. */
    sandbox?: SandboxGateway;
  };
  postal?: {
    provider: PostalProvider;
    /** The sandbox postal service, mounted at /sandbox/postal when no real one is configured. */
    sandbox?: SandboxPostalService;
  };
  /**
   * Public endpoints (status lookup, deadline preview): requests per client IP and window
   * (default 60 a minute; 0 switches it off), counted in Redis under `keyPrefix` (default '').
   */
  publicRateLimit?: { limit?: number; windowSeconds?: number; keyPrefix?: string };
  /** Lock-outs after failed checks of the status lookup, per code and client (api/rate-limit.ts `checkGuard`; its defaults when absent). */
  lookupLockout?: Omit<CheckGuardOptions, 'redis' | 'keyPrefix'>;
  /**
   * The lookup by ID number (dossiers/id-lookup.ts): code lifetime and wrong tries, and the
   * lock-outs (api/rate-limit.ts `checkGuard`) of asking for codes (default: 3 per ID number,
   * 10 per client, then 15 min, 1 h, 24 h) and of wrong codes (its defaults: 5 per ID number,
   * 20 per client, then 1 min, 5 min, 30 min, 24 h).
   */
  idLookup?: IdLookupSettings & { sends?: Omit<CheckGuardOptions, 'redis' | 'keyPrefix' | 'name'>; wrongCodes?: Omit<CheckGuardOptions, 'redis' | 'keyPrefix' | 'name'> };
  /** Proxies whose X-Forwarded-For gives the client's address (TRUST_PROXY); none when absent. */
  trustProxy?: TrustProxy;
  /** Token issuers; the development issuers when absent. */
  auth?: AuthConfig;
  /**
   * Where browsers reach this API (PUBLIC_BASE_URL): the development identity provider's issuers
   * live under it and the QR code of Form 01 opens the lookup there; the payments' publicBaseUrl,
   * else http://127.0.0.1:3000, when absent.
   */
  publicBaseUrl?: string;
  /** BullMQ key prefix of this deployment, for the queue metrics. */
  queuePrefix?: string;
  /** Blob store and upload limits for documents; from the configuration (DOCUMENTS_*, MAX_UPLOAD_BYTES) when absent. */
  documents?: DocumentRoutesOptions;
  /** /metrics: the collector (made here when absent) and who may read it on this port (anyone when absent). */
  metrics?: { collector?: Metrics; access: MetricsAccess };
  /** The built portal and console (api/web.ts): their folder, found beside the code when absent; `false` serves none. */
  web?: { dir: string } | false;
  /** The officers' event streams (GET /api/v1/dossiers/events): heartbeat, limits (dossiers/live-queue.ts defaults when absent). */
  liveQueues?: LiveQueueOptions;
  /**
   * Successful JSON answers checked against their declared schemas (api/response-validation.ts),
   * for test stacks: RESPONSE_VALIDATION when absent; always off in production.
   */
  responseValidation?: ResponseValidationMode;
  /**
   * The public lookup's answers kept in this process until their dossier changes
   * (dossiers/lookup-cache.ts): its size and safety lifetime (defaults when absent); `false` keeps none.
   */
  lookupCache?: LookupCacheOptions | false;
  /**
   * The accounts officers' tokens name, kept in this process until they change
   * (platform/identity.ts `officerAccountCache`): its size and safety lifetime (defaults when
   * absent); `false` reads `users` on every request.
   */
  officerAccounts?: OfficerAccountCacheOptions | false;
}

const hubs = new WeakMap<express.Express, LiveQueueHub>();
const accountCaches = new WeakMap<express.Express, OfficerAccountCache>();
const lookupCaches = new WeakMap<express.Express, LookupCache>();

/** The lookup cache of an app made by createApp (null when it keeps none): for tests. */
export function lookupCacheOf(app: express.Express): LookupCache | null {
  return lookupCaches.get(app) ?? null;
}
const responseLogs = new WeakMap<express.Express, ResponseValidationLog>();

/** What the response validation of an app made by createApp saw (null when it is off). */
export function responseValidationOf(app: express.Express): ResponseValidationLog | null {
  return responseLogs.get(app) ?? null;
}

/** The live-queue hub of an app made by createApp: its subscribers, for tests and metrics. */
export function liveQueuesOf(app: express.Express): LiveQueueHub {
  const hub = hubs.get(app);
  if (!hub) throw new Error('not an app made by createApp');
  return hub;
}

/**
 * Ends the app's event streams and closes its LISTEN connections (the live queues', the
 * lookup cache's and the officer accounts'): call it before closing the
 * HTTP server, which otherwise waits for the streams (they never end by themselves).
 */
export async function closeLiveQueues(app: express.Express): Promise<void> {
  await Promise.all([hubs.get(app)?.close(), lookupCaches.get(app)?.close(), accountCaches.get(app)?.close()]);
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  // `/METRICS` is not `/metrics`: set before the first route (the app's router reads it once); routers use apiRouter().
  app.set('case sensitive routing', true);
  // Every Temporal call about a dossier goes through this one client.
  const dossiers = createDossierClient({ temporal: deps.temporal, taskQueue: deps.taskQueue });
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(requestId());
  const validation = process.env.NODE_ENV === 'production' ? 'off' : (deps.responseValidation ?? responseValidationMode(process.env.RESPONSE_VALIDATION));
  if (validation !== 'off') {
    const log: ResponseValidationLog = { mismatches: [], seen: new Set() };
    responseLogs.set(app, log);
    app.use(responseValidation(validation, log));
  }
  const metrics = deps.metrics?.collector ?? apiMetrics({ db: deps.db, redis: deps.redis, queuePrefix: deps.queuePrefix ?? 'dossier' });
  app.use(metrics.middleware);
  // One LISTEN connection for this process's officers' event streams, opened with the first.
  const liveQueues = liveQueueHub(deps.db, deps.liveQueues);
  hubs.set(app, liveQueues);
  new client.Gauge({
    name: 'dossier_event_streams',
    help: 'Officers’ live-queue event streams open (GET /api/v1/dossiers/events)',
    registers: [metrics.registry],
    collect() {
      this.set(liveQueues.subscriberCount());
    },
  });
  app.use((req, res, next) => {
    // Also the start of an officer's action's `before` (Server-Timing): one clock for both.
    const started = noteArrival(req);
    onResponseFinished(res, 'request log', () => {
      const p = principalOf(req);
      logger.info(
        {
          requestId: requestIdOf(req),
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: performance.now() - started,
          principal: p?.kind === 'officer' ? p.username : p?.kind === 'citizen' ? 'citizen' : undefined,
        },
        'request',
      );
    });
    next();
  });
  // A URL that cannot be decoded, or holds a control character, goes no further than this (400).
  app.use(rejectMalformedUrl());
  // The public lookup as citizens ask it (a code and its 4 check digits, no token): answered here,
  // before the middleware it does not need; the rate limit and the lock-outs in one Redis call.
  const keyPrefix = deps.publicRateLimit?.keyPrefix ?? '';
  const lookupGuard = checkGuard({ redis: deps.redis, keyPrefix, ...deps.lookupLockout });
  const cache = deps.lookupCache === false ? null : lookupCache(deps.db, deps.lookupCache);
  if (cache) {
    lookupCaches.set(app, cache);
    new client.Gauge({
      name: 'dossier_lookup_cache_answers',
      help: 'Public status lookup answers kept in this process (dossiers/lookup-cache.ts)',
      registers: [metrics.registry],
      collect() {
        this.set(cache.size());
      },
    });
    new client.Gauge({
      name: 'dossier_lookup_cache_lookups',
      help: 'Public status lookups answered from the cache (hit) or not (miss) since the process started',
      labelNames: ['outcome'],
      registers: [metrics.registry],
      collect() {
        const s = cache.stats();
        this.set({ outcome: 'hit' }, s.hits);
        this.set({ outcome: 'miss' }, s.misses);
      },
    });
  }
  app.use(
    '/api/v1',
    publicStatusRoute({
      db: deps.db,
      gate: lookupGate({
        redis: deps.redis,
        keyPrefix,
        rateLimit: { name: 'status', limit: deps.publicRateLimit?.limit ?? 60, windowSeconds: deps.publicRateLimit?.windowSeconds ?? 60 },
        guardName: deps.lookupLockout?.name,
      }),
      guard: lookupGuard,
      cache,
    }),
  );
  app.use(metricsRoutes(metrics, deps.metrics?.access ?? 'open'));
  // Signed bodies must reach their verifiers byte for byte: these come before the JSON parser.
  if (deps.payments?.sandbox) app.use('/sandbox/payment-gateway', sandboxPaymentGatewayRoutes(deps.payments.sandbox));
  const payments = deps.payments ? { db: deps.db, dossiers, ...deps.payments } : undefined;
  if (payments) app.use(paymentCallbackRoute(payments));
  if (deps.postal?.sandbox) app.use('/sandbox/postal', sandboxPostalRoutes(deps.postal.sandbox));
  if (deps.postal) app.use(postalCallbackRoute({ db: deps.db, dossiers, provider: deps.postal.provider }));
  // Who is calling is known before any work on the body: a refused token costs no parse.
  let auth = deps.auth ?? authConfig({});
  if (auth.devIdentityProvider && process.env.NODE_ENV !== 'production') {
    // The development OpenID Connect issuers (their own routes and pages, not in the OpenAPI contract),
    // trusted by their JWKS beside the HS256 issuers of scripts and tests.
    const idp = {
      db: deps.db,
      publicBaseUrl: deps.publicBaseUrl ?? deps.payments?.publicBaseUrl ?? 'http://127.0.0.1:3000',
      audience: { officers: auth.officer.audience, citizens: auth.citizen.audience },
      maxLifetimeSeconds: auth.officer.maxLifetimeSeconds,
    };
    auth = { ...auth, oidc: { ...devIssuerConfigs(idp), ...auth.oidc } };
    app.use(DEV_IDP_PATH, devIdentityProvider(idp));
  }
  // The accounts officers' tokens name, kept in this process until they change (platform/identity.ts).
  const accounts = deps.officerAccounts === false ? null : officerAccountCache(deps.db, deps.officerAccounts);
  if (accounts) accountCaches.set(app, accounts);
  app.use(authenticate(deps.db, auth, { accounts }));
  app.use(express.json({ limit: '256kb', verify: jsonNestingLimit() }));
  app.use(auditTrail(deps.db));
  // Control characters and unpaired surrogates in the body or the query: a 422, before any route reads them.
  app.use(rejectUnsafeText());
  app.use(rejectUnknownFields());
  app.use(idempotentCreate(deps.db, IDEMPOTENT_CREATES));
  if (auth.devCitizenIssuer) app.use('/dev', devTokenRoutes(auth));

  app.use(healthRoutes({ db: deps.db, redis: deps.redis, temporal: () => deps.temporal }));
  app.use(docsRoutes());
  const publicLimit = (name: string) =>
    rateLimit({
      redis: deps.redis,
      name,
      limit: deps.publicRateLimit?.limit ?? 60,
      windowSeconds: deps.publicRateLimit?.windowSeconds ?? 60,
      keyPrefix: deps.publicRateLimit?.keyPrefix ?? '',
    });
  app.use('/api/v1', catalogueRoutes(deps.db));
  app.use('/api/v1', chainRoutes({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue }));
  app.use('/api/v1/status', publicLimit('status'));
  const { sends, wrongCodes, ...codeSettings } = deps.idLookup ?? {};
  app.use(
    '/api/v1',
    statusRoutes(deps.db, lookupGuard, {
      codes: idLookupCodes(deps.redis, { keyPrefix, ...codeSettings }),
      sendGuard: checkGuard({ redis: deps.redis, keyPrefix, name: 'id-lookup-send', failuresPerCode: 3, failuresPerClient: 10, lockoutSeconds: [900, 3600, 86_400], ...sends }),
      codeGuard: checkGuard({ redis: deps.redis, keyPrefix, name: 'id-lookup-code', ...wrongCodes }),
    }),
  );
  app.use('/api/v1', slaPreviewRoutes({ db: deps.db, limiter: publicLimit('sla-preview') }));
  app.use('/api/v1', calendarRoutes({ db: deps.db, dossiers }));
  app.use('/api/v1', internalProcedureRoutes({ db: deps.db }));
  app.use('/api/v1', deadlineRoutes(deps.db));
  app.use('/api/v1', auditRoutes(deps.db));
  // Before the dossier routes: /dossiers/events is no dossier code.
  app.use('/api/v1', dossierEventRoutes({ db: deps.db, hub: liveQueues, heartbeatMs: deps.liveQueues?.heartbeatMs ?? 15_000 }));
  app.use('/api/v1', dossierRoutes({ db: deps.db, dossiers }));
  if (payments) app.use('/api/v1', paymentRoutes(payments, publicLimit('payment-outcome')));
  app.use('/api/v1', eResultRoutes(deps.db));
  // The QR code on Form 01 opens the public lookup at the API's public address.
  const forms = { publicBaseUrl: deps.publicBaseUrl ?? deps.payments?.publicBaseUrl ?? 'http://127.0.0.1:3000' };
  app.use('/api/v1', intakeReceiptRoutes(deps.db, forms));
  app.use('/api/v1', formRoutes(deps.db, forms));
  app.use('/api/v1', supervisionRoutes({ db: deps.db }));
  app.use('/api/v1', ratingRoutes(deps.db));
  app.use('/api/v1', worklistRoutes({ db: deps.db }));
  app.use('/api/v1', legRoutes({ db: deps.db, dossiers }));
  // Multipart uploads are streamed by the document routes themselves (express.json leaves them alone).
  app.use('/api/v1', documentRoutes(deps.db, deps.documents));
  app.use('/api/v1', webhookRoutes({ db: deps.db }));
  // The portal at / and the console at /console/, after every API route (browsers' navigations only).
  const webDir = deps.web === false ? null : (deps.web?.dir ?? findWebDir());
  if (webDir) app.use(webRoutes(webDir));
  else if (deps.web !== false) logger.warn('the web front end is not built (npm run build): / and /console/ answer 404');

  app.use((req, res) => sendProblem(res, req, new HttpProblem(404, 'Not found', `Không có địa chỉ ${req.method} ${req.path}.`)));
  app.use(errorHandler);
  return app;
}
