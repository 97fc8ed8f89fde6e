import path from 'node:path';
import type { AuthConfig } from '../api/auth';

/**
 * All configuration comes from environment variables (documented in README and
 * .env.example); this is the only module that reads process.env for settings.
 */
export interface AppConfig {
  /** Interface the API binds; loopback unless a gateway in front of it is configured. */
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  taskQueue: string;
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
  /** Token issuers for officers and citizens (JWT verified with jose). */
  auth: AuthConfig;
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
  };
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const tlsCertPath = env.TEMPORAL_TLS_CERT || undefined;
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  return {
    host: env.HOST || '127.0.0.1',
    port: int('PORT', 3000, env),
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/dossier',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    queuePrefix: env.QUEUE_PREFIX || 'dossier',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'dossiers',
    dataDir: path.resolve(env.DATA_DIR || path.join(__dirname, '..', 'data')),
    publicBaseUrl: env.PUBLIC_BASE_URL || `http://127.0.0.1:${int('PORT', 3000, env)}`,
    payment: {
      secret: env.PAYMENT_SECRET || 'sandbox-secret-for-local-use-only',
      gatewayUrl: env.PAYMENT_GATEWAY_URL || undefined,
      validityMinutes: Math.max(1, Math.round(millis('PAYMENT_VALIDITY_MINUTES', 15, env))),
    },
    postal: {
      secret: env.POSTAL_SECRET || 'postal-sandbox-secret-local-only',
      serviceUrl: env.POSTAL_SERVICE_URL || undefined,
      province: env.CENTRE_PROVINCE || 'Thành phố Hồ Chí Minh',
    },
    submissionReconcile: {
      intervalMs: Math.max(millis('SUBMISSION_RECONCILE_INTERVAL_MS', 30_000, env), 500),
      graceMs: millis('SUBMISSION_RECONCILE_GRACE_MS', 30_000, env),
    },
    publicRateLimitPerMinute: count('PUBLIC_RATE_LIMIT_PER_MINUTE', 60, env),
    auth: authConfig(env),
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
    },
  };
}

/** Development secrets: fine on a laptop, refused in production (NODE_ENV=production). */
export const DEV_OFFICER_SECRET = 'dev-officer-token-secret-not-for-production-0001';
export const DEV_CITIZEN_SECRET = 'dev-citizen-token-secret-not-for-production-0001';

export function authConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const production = env.NODE_ENV === 'production';
  const officerJwks = env.AUTH_OFFICER_JWKS_URL || undefined;
  const citizenJwks = env.AUTH_CITIZEN_JWKS_URL || undefined;
  const officerSecret = env.AUTH_OFFICER_SECRET || (production ? undefined : DEV_OFFICER_SECRET);
  const citizenSecret = env.AUTH_CITIZEN_SECRET || (production ? undefined : DEV_CITIZEN_SECRET);
  if (production && !officerJwks && !officerSecret) throw new Error('production needs AUTH_OFFICER_JWKS_URL (or AUTH_OFFICER_SECRET)');
  if (production && !citizenJwks && !citizenSecret) throw new Error('production needs AUTH_CITIZEN_JWKS_URL (or AUTH_CITIZEN_SECRET)');
  return {
    officer: {
      issuer: env.AUTH_OFFICER_ISSUER || 'dossier-platform-dev-officers',
      audience: env.AUTH_OFFICER_AUDIENCE || 'dossier-api',
      secret: officerSecret,
      jwksUrl: officerJwks,
    },
    citizen: {
      issuer: env.AUTH_CITIZEN_ISSUER || 'dossier-platform-dev-citizens',
      audience: env.AUTH_CITIZEN_AUDIENCE || 'dossier-api',
      secret: citizenSecret,
      jwksUrl: citizenJwks,
    },
    devCitizenIssuer: !production && env.AUTH_DEV_CITIZEN_ISSUER !== 'false',
  };
}
