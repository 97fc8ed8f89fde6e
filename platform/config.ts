import { isIP } from 'node:net';
import path from 'node:path';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, type AuthConfig } from '../domain/principal';

/**
 * All configuration comes from environment variables (documented in README and
 * .env.example); this is the only module that reads process.env for settings.
 */
export interface AppConfig {
  /**
   * NODE_ENV=production: no sandbox providers, no development secrets or issuers, /metrics only
   * behind METRICS_TOKEN, and the API and worker refuse to start on a dangerous setting
   * (platform/posture.ts).
   */
  production: boolean;
  /** Interface the API binds; loopback unless a gateway in front of it is configured. */
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  taskQueue: string;
  /**
   * What this worker process runs (WORKER_ROLE). `all`: everything, as `npm start` runs it.
   * `workflows`: the dossier workflows and their local activities only, so an officer's Update
   * never waits in this process behind follow-up activities or relays. `activities`: the
   * follow-up activities, the relays (notifications, webhooks) and maintenance. Production runs
   * one or more of each, sharing the task queue.
   */
  workerRole: WorkerRole;
  dataDir: string;
  /** Base URL at which citizens' browsers and third parties (gateway callbacks) reach this API. */
  publicBaseUrl: string;
  payment: {
    /** Shared secret with the payment gateway (HMAC of callbacks and requests). */
    secret: string;
    /** The gateway's API; empty: the sandbox gateway runs inside the API at /sandbox/payment-gateway. */
    gatewayUrl: string | undefined;
    validityMinutes: number;
  };
  postal: {
    secret: string;
    /** The postal service's API; empty: the sandbox runs inside the API at /sandbox/postal. */
    serviceUrl: string | undefined;
    /** Province of the sending one-stop centres, on the sender address. */
    province: string;
  };
  /** How often, and after how long, submissions whose workflow never started are started again. */
  submissionReconcile: { intervalMs: number; graceMs: number };
  /** Requests per minute and client IP on the public status lookup and deadline preview; 0: no limit. */
  publicRateLimitPerMinute: number;
  /** Proxies whose X-Forwarded-For is believed (Express `trust proxy`); none unless TRUST_PROXY says so. */
  trustProxy: TrustProxy;
  /** Who may read the Prometheus metrics, and where. */
  metrics: MetricsConfig;
  /** Token issuers for officers and citizens (JWT verified with jose). */
  auth: AuthConfig;
  /** Uploaded documents: where the bytes go and how large they may be. */
  documents: DocumentsConfig;
  /** Outbound webhooks to registered subscribers (relay, retries, URL policy). */
  webhooks: WebhookConfig;
  /** Messages to citizens and officers: channels, providers, retries, rate limits. */
  notifications: NotificationConfig;
  temporal: {
    /** Set when an existing cluster is used; otherwise `npm start` runs a dev server. */
    address: string | undefined;
    namespace: string;
    devServerPort: number;
    uiPort: number;
    tls: boolean;
    tlsCertPath: string | undefined;
    tlsKeyPath: string | undefined;
    tlsCaPath: string | undefined;
    tlsServerName: string | undefined;
    apiKey: string | undefined;
    /**
     * Dossier workflows a worker keeps in memory between their tasks (sticky cache). Most open
     * dossiers wait days for a person; those beyond the cache are replayed from their history
     * when they next have work. This bounds the worker's memory (BENCHMARKS.md, scenario d).
     */
    maxCachedWorkflows: number;
    /**
     * The SDK's promise stack traces in the workflow threads (TEMPORAL_WORKFLOW_STACK_TRACES=true),
     * for the Temporal UI's "Stack Trace" tab. Off by default: they cost a third of the workflow
     * threads' CPU (worker/workflow-stack-traces.ts). Turn them on in a worker to debug a stuck workflow.
     */
    workflowStackTraces: boolean;
  };
}

export const WORKER_ROLES = ['all', 'workflows', 'activities'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

function workerRole(env: NodeJS.ProcessEnv): WorkerRole {
  const raw = env.WORKER_ROLE || 'all';
  if (!(WORKER_ROLES as readonly string[]).includes(raw)) throw new Error(`WORKER_ROLE must be one of ${WORKER_ROLES.join(', ')}, got "${raw}"`);
  return raw as WorkerRole;
}

function millis(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of milliseconds, got "${raw}"`);
  return n;
}

function count(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return n;
}

export interface MetricsConfig {
  /** Bearer token that opens /metrics on the API port; without it /metrics there is open in development and absent in production. */
  token: string | undefined;
  /** A separate port serving only /metrics (no token), bound to `host`. */
  port: number | undefined;
  /** Interface of the metrics port; loopback unless set. */
  host: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const tlsCertPath = env.TEMPORAL_TLS_CERT || undefined;
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  // Production never falls back to a secret written in this repository: unset stays empty, and the posture check refuses it.
  const production = env.NODE_ENV === 'production';
  const devDefault = (value: string) => (production ? '' : value);
  return {
    production,
    host: env.HOST || '127.0.0.1',
    port: int('PORT', 3000, env),
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/dossier',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    queuePrefix: env.QUEUE_PREFIX || 'dossier',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'dossiers',
    workerRole: workerRole(env),
    dataDir: path.resolve(env.DATA_DIR || path.join(__dirname, '..', 'data')),
    publicBaseUrl: env.PUBLIC_BASE_URL || `http://127.0.0.1:${int('PORT', 3000, env)}`,
    payment: {
      secret: env.PAYMENT_SECRET || devDefault(SANDBOX_PAYMENT_SECRET),
      gatewayUrl: env.PAYMENT_GATEWAY_URL || undefined,
      validityMinutes: Math.max(1, Math.round(millis('PAYMENT_VALIDITY_MINUTES', 15, env))),
    },
    postal: {
      secret: env.POSTAL_SECRET || devDefault(SANDBOX_POSTAL_SECRET),
      serviceUrl: env.POSTAL_SERVICE_URL || undefined,
      province: env.CENTRE_PROVINCE || 'Thành phố Hồ Chí Minh',
    },
    submissionReconcile: {
      intervalMs: Math.max(millis('SUBMISSION_RECONCILE_INTERVAL_MS', 30_000, env), 500),
      graceMs: millis('SUBMISSION_RECONCILE_GRACE_MS', 30_000, env),
    },
    publicRateLimitPerMinute: count('PUBLIC_RATE_LIMIT_PER_MINUTE', 60, env),
    trustProxy: trustProxyConfig(env),
    metrics: {
      token: env.METRICS_TOKEN || undefined,
      port: env.METRICS_PORT ? int('METRICS_PORT', 0, env) : undefined,
      host: env.METRICS_HOST || '127.0.0.1',
    },
    auth: authConfig(env),
    documents: documentsConfig(env),
    webhooks: webhookConfig(env),
    notifications: notificationConfig(env),
    temporal: {
      address: env.TEMPORAL_ADDRESS || undefined,
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      devServerPort: int('TEMPORAL_PORT', 7233, env),
      uiPort: int('TEMPORAL_UI_PORT', 8233, env),
      tls: env.TEMPORAL_TLS === 'true' || Boolean(tlsCertPath) || Boolean(apiKey),
      tlsCertPath,
      tlsKeyPath: env.TEMPORAL_TLS_KEY || undefined,
      tlsCaPath: env.TEMPORAL_TLS_CA || undefined,
      tlsServerName: env.TEMPORAL_TLS_SERVER_NAME || undefined,
      apiKey,
      maxCachedWorkflows: count('TEMPORAL_MAX_CACHED_WORKFLOWS', 1000, env),
      workflowStackTraces: env.TEMPORAL_WORKFLOW_STACK_TRACES === 'true',
    },
  };
}

/**
 * Express `trust proxy`: `false` (no proxy: the client is the socket's peer), a number of hops,
 * or addresses, subnets and Express's names (loopback, linklocal, uniquelocal). Rate limits and
 * lock-outs count per client address: a proxy trusted by mistake lets every caller pick its
 * own address in X-Forwarded-For, so nothing is trusted unless configured, and never everyone.
 */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

export function trustProxyConfig(env: NodeJS.ProcessEnv = process.env): TrustProxy {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false' || raw === 'none') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (raw === 'true') throw new Error('TRUST_PROXY=true would believe any X-Forwarded-For; name the proxies (addresses, subnets, loopback) or the number of hops');
  const list = raw.split(',').map((a) => a.trim()).filter(Boolean);
  const bad = list.filter((a) => {
    if (PROXY_NAMES.includes(a)) return false;
    const [address, bits, ...rest] = a.split('/');
    const family = isIP(address ?? '');
    if (!family || rest.length) return true;
    return bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  if (bad.length) throw new Error(`TRUST_PROXY lists ${bad.join(', ')}: use IP addresses, subnets (10.0.0.0/8), ${PROXY_NAMES.join(', ')}, or a number of hops`);
  return list;
}

/** Development and sandbox secrets: defaults on a laptop, never used in production (NODE_ENV=production). */
export const DEV_OFFICER_SECRET = 'dev-officer-token-secret-not-for-production-0001';
export const DEV_CITIZEN_SECRET = 'dev-citizen-token-secret-not-for-production-0001';
export const SANDBOX_PAYMENT_SECRET = 'sandbox-secret-for-local-use-only';
export const SANDBOX_POSTAL_SECRET = 'postal-sandbox-secret-local-only';

/**
 * The one list of secrets written in this repository — defaults in the code, .env.example,
 * docker-compose.yml, the test suites and benchmarks: anyone who reads the repository knows
 * them, so production refuses every setting that holds one (platform/posture.ts).
 * test/unit/posture.test.ts checks .env.example and docker-compose.yml against it: a secret
 * added there must be added here.
 */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  DEV_OFFICER_SECRET,
  DEV_CITIZEN_SECRET,
  SANDBOX_PAYMENT_SECRET,
  SANDBOX_POSTAL_SECRET,
  // .env.example and docker-compose.yml placeholders, and the database password compose used to default to
  'at-least-32-characters-of-secret',
  'dossier',
  // the test suites' and benchmarks' own
  'test-payment-secret-0123456789',
  'test-postal-secret-0123456789',
  'sandbox-secret-for-tests-0123456789',
  'postal-test-secret',
  'sandbox/secret/key/for/tests/only/0000001',
]);

export function authConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const production = env.NODE_ENV === 'production';
  const officerJwks = env.AUTH_OFFICER_JWKS_URL || undefined;
  const citizenJwks = env.AUTH_CITIZEN_JWKS_URL || undefined;
  const officerSecret = env.AUTH_OFFICER_SECRET || (production ? undefined : DEV_OFFICER_SECRET);
  const citizenSecret = env.AUTH_CITIZEN_SECRET || (production ? undefined : DEV_CITIZEN_SECRET);
  // Tokens live at most this long (exp − iat): a stolen token is worth hours, not forever.
  const maxLifetimeSeconds = count('AUTH_MAX_TOKEN_LIFETIME_SECONDS', DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, env);
  if (maxLifetimeSeconds < 60) throw new Error('AUTH_MAX_TOKEN_LIFETIME_SECONDS must be at least 60');
  // In production without a JWKS URL or a secret, the API refuses to start (api/auth.ts); the worker needs neither.
  return {
    officer: {
      issuer: env.AUTH_OFFICER_ISSUER || 'dossier-platform-dev-officers',
      audience: env.AUTH_OFFICER_AUDIENCE || 'dossier-api',
      secret: officerSecret,
      jwksUrl: officerJwks,
      maxLifetimeSeconds,
    },
    citizen: {
      issuer: env.AUTH_CITIZEN_ISSUER || 'dossier-platform-dev-citizens',
      audience: env.AUTH_CITIZEN_AUDIENCE || 'dossier-api',
      secret: citizenSecret,
      jwksUrl: citizenJwks,
      maxLifetimeSeconds,
    },
    devCitizenIssuer: !production && env.AUTH_DEV_CITIZEN_ISSUER !== 'false',
    // The OpenID Connect development issuers at /dev/idp (officers, citizens); never in production.
    devIdentityProvider: !production && env.DEV_IDENTITY_PROVIDER !== 'false',
  };
}

export interface WebhookConfig {
  /**
   * Whether subscriber URLs may point at loopback, private or link-local addresses. Off in
   * production so an administrator's typo (or a stolen admin token) cannot make the worker
   * probe the internal network; on elsewhere so a subscriber on localhost works.
   */
  allowPrivateNetworks: boolean;
  /** Sends per delivery before it is 'dead' (an administrator may still replay it). */
  maxAttempts: number;
  /** First retry delay; each next one doubles, up to `backoffMaxMs`, with some jitter. */
  backoffMs: number;
  backoffMaxMs: number;
  /** Whole request (connect, send, answer) before an attempt counts as failed. */
  timeoutMs: number;
  /** How often the worker moves new deliveries from PostgreSQL into the queue. */
  relayIntervalMs: number;
}

export function webhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const raw = env.WEBHOOK_ALLOW_PRIVATE_NETWORKS;
  if (raw !== undefined && raw !== '' && raw !== 'true' && raw !== 'false') throw new Error(`WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false, got "${raw}"`);
  return {
    allowPrivateNetworks: raw === 'true' || ((raw === undefined || raw === '') && env.NODE_ENV !== 'production'),
    maxAttempts: Math.max(1, count('WEBHOOK_MAX_ATTEMPTS', 15, env)),
    backoffMs: Math.max(10, millis('WEBHOOK_BACKOFF_MS', 10_000, env)),
    backoffMaxMs: Math.max(10, millis('WEBHOOK_BACKOFF_MAX_MS', 3_600_000, env)),
    timeoutMs: Math.max(100, millis('WEBHOOK_TIMEOUT_MS', 10_000, env)),
    relayIntervalMs: Math.max(50, millis('WEBHOOK_RELAY_INTERVAL_MS', 1_000, env)),
  };
}

export interface DocumentsConfig {
  /** `local`: files under `dir`; `s3`: an S3-compatible bucket. */
  store: 'local' | 's3';
  dir: string;
  /** Largest file accepted by an upload, in bytes. */
  maxUploadBytes: number;
  s3: {
    endpoint: string | undefined;
    region: string;
    bucket: string;
    /** Empty: the AWS SDK's default chain (environment, profile, instance role). */
    accessKeyId: string | undefined;
    secretAccessKey: string | undefined;
    forcePathStyle: boolean;
    prefix: string;
    /** Bytes held in memory per upload (one multipart part); S3's floor is 5 MiB. */
    partSizeBytes: number;
  };
}

export function documentsConfig(env: NodeJS.ProcessEnv = process.env): DocumentsConfig {
  const store = env.DOCUMENTS_STORE || 'local';
  if (store !== 'local' && store !== 's3') throw new Error(`DOCUMENTS_STORE must be local or s3, got "${store}"`);
  const endpoint = env.DOCUMENTS_S3_ENDPOINT || undefined;
  const bucket = env.DOCUMENTS_S3_BUCKET || '';
  if (store === 's3' && !bucket) throw new Error('DOCUMENTS_STORE=s3 needs DOCUMENTS_S3_BUCKET');
  const accessKeyId = env.DOCUMENTS_S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.DOCUMENTS_S3_SECRET_ACCESS_KEY || undefined;
  if (!accessKeyId !== !secretAccessKey) throw new Error('set both DOCUMENTS_S3_ACCESS_KEY_ID and DOCUMENTS_S3_SECRET_ACCESS_KEY, or neither');
  const pathStyle = env.DOCUMENTS_S3_FORCE_PATH_STYLE;
  if (pathStyle !== undefined && pathStyle !== '' && pathStyle !== 'true' && pathStyle !== 'false') throw new Error(`DOCUMENTS_S3_FORCE_PATH_STYLE must be true or false, got "${pathStyle}"`);
  const maxUploadBytes = count('MAX_UPLOAD_BYTES', 10 * 1024 * 1024, env);
  if (maxUploadBytes < 1) throw new Error('MAX_UPLOAD_BYTES must be at least 1');
  const partSizeBytes = count('DOCUMENTS_S3_PART_SIZE_BYTES', 5 * 1024 * 1024, env);
  if (partSizeBytes < 5 * 1024 * 1024) throw new Error('DOCUMENTS_S3_PART_SIZE_BYTES must be at least 5242880 (S3 multipart minimum)');
  const dataDir = path.resolve(env.DATA_DIR || path.join(__dirname, '..', 'data'));
  return {
    store,
    dir: path.resolve(env.DOCUMENTS_DIR || path.join(dataDir, 'documents')),
    maxUploadBytes,
    s3: {
      endpoint,
      region: env.DOCUMENTS_S3_REGION || 'us-east-1',
      bucket,
      accessKeyId,
      secretAccessKey,
      // S3-compatible services behind a custom endpoint mostly need path-style URLs.
      forcePathStyle: pathStyle === 'true' || ((pathStyle === undefined || pathStyle === '') && endpoint !== undefined),
      prefix: env.DOCUMENTS_S3_PREFIX ?? 'documents/',
      partSizeBytes,
    },
  };
}

export type NotificationChannel = 'email' | 'sms' | 'zalo';
export const NOTIFICATION_CHANNELS: readonly NotificationChannel[] = ['email', 'sms', 'zalo'];

export interface NotificationConfig {
  /** Channels a citizen is told on, when the dossier has the address (Zalo goes by phone). */
  citizenChannels: NotificationChannel[];
  /** Channels an officer is told on, when their user record has the address. */
  officerChannels: NotificationChannel[];
  /** SMTP relay (smtp://user:pass@host:587); empty: e-mails are written as .eml files into `outboxDir`/email. */
  smtpUrl: string | undefined;
  emailFrom: string;
  /** Development outbox: .eml files and what the sandbox SMS and Zalo gateways accepted. */
  outboxDir: string;
  /** Sends per message and channel before it goes to the dead-letter queue. */
  attempts: number;
  /** First retry delay; it doubles at each attempt. */
  backoffMs: number;
  /** How long a 'sending' claim stands before a redelivered job may take it over (longer than any provider call). */
  claimLeaseMs: number;
  /** BullMQ lock of an active job: a worker that died is noticed after about twice this. */
  jobLockMs: number;
  /** Per-provider rate limit, messages per second (0: none). */
  perSecond: Record<NotificationChannel, number>;
  /** Recipients the sandbox providers fail with a retryable error (to watch retries and the dead-letter queue). */
  sandboxFailRecipients: string[];
  /** Our template name → ZNS template id approved by Zalo; unmapped ones use the sandbox ids. */
  zaloTemplateIds: Record<string, string>;
}

function channelList(name: string, fallback: NotificationChannel[], env: NodeJS.ProcessEnv): NotificationChannel[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const list = raw.split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = list.filter((c) => !(NOTIFICATION_CHANNELS as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`${name} lists unknown channel(s) ${unknown.join(', ')}; use ${NOTIFICATION_CHANNELS.join(', ')}`);
  return [...new Set(list)] as NotificationChannel[];
}

export function notificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  const dataDir = path.resolve(env.DATA_DIR || path.join(__dirname, '..', 'data'));
  const zaloTemplateIds: Record<string, string> = {};
  for (const pair of (env.ZALO_TEMPLATE_IDS ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [template, id] = pair.split('=').map((p) => p.trim());
    if (!template || !id) throw new Error(`ZALO_TEMPLATE_IDS must read template=id,template=id; got "${pair}"`);
    zaloTemplateIds[template] = id;
  }
  return {
    citizenChannels: channelList('NOTIFY_CITIZEN_CHANNELS', ['sms', 'email'], env),
    officerChannels: channelList('NOTIFY_OFFICER_CHANNELS', ['email', 'sms'], env),
    smtpUrl: env.SMTP_URL || undefined,
    emailFrom: env.EMAIL_FROM || 'Bộ phận Một cửa <no-reply@motcua.localhost>',
    outboxDir: path.resolve(env.NOTIFY_OUTBOX_DIR || path.join(dataDir, 'outbox')),
    attempts: Math.max(1, count('NOTIFY_ATTEMPTS', 8, env)),
    backoffMs: Math.max(10, millis('NOTIFY_BACKOFF_MS', 2_000, env)),
    claimLeaseMs: Math.max(100, millis('NOTIFY_CLAIM_LEASE_MS', 120_000, env)),
    jobLockMs: Math.max(500, millis('NOTIFY_JOB_LOCK_MS', 30_000, env)),
    perSecond: {
      email: count('NOTIFY_EMAIL_PER_SECOND', 10, env),
      sms: count('NOTIFY_SMS_PER_SECOND', 20, env),
      zalo: count('NOTIFY_ZALO_PER_SECOND', 10, env),
    },
    sandboxFailRecipients: (env.NOTIFY_SANDBOX_FAIL_RECIPIENTS ?? '').split(',').map((r) => r.trim()).filter(Boolean),
    zaloTemplateIds,
  };
}
