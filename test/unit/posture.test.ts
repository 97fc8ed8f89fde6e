import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_CITIZEN_SECRET, DEV_OFFICER_SECRET, loadConfig, PUBLISHED_SECRETS, SANDBOX_PAYMENT_SECRET, SANDBOX_POSTAL_SECRET } from '../../platform/config';
import { enforcePosture, postureFindings, UnsafeConfigurationError, type Finding } from '../../platform/posture';
import { doctor } from '../../scripts/doctor';
import { devIdentityProvider } from '../../api/dev-identity-provider';
import { safeProductionEnv } from '../helpers/production-env';

const ROOT = path.join(__dirname, '..', '..');

/** The findings of an environment, judged as production runs it. */
function findings(env: Record<string, string>): Finding[] {
  return postureFindings(loadConfig(env), env);
}
const dangers = (env: Record<string, string>) => findings(env).filter((f) => f.severity === 'danger').map((f) => f.setting);
const warnings = (env: Record<string, string>) => findings(env).filter((f) => f.severity === 'warning').map((f) => f.setting);

describe('production posture rules', () => {
  it('finds nothing dangerous, and nothing to warn about, in a complete production configuration', () => {
    expect(findings(safeProductionEnv())).toEqual([]);
  });

  // One unsafe value at a time on top of the safe configuration: exactly that setting is dangerous.
  it.each([
    ['not production', { NODE_ENV: 'development' }, 'NODE_ENV'],
    ['no payment gateway (sandbox)', { PAYMENT_GATEWAY_URL: '' }, 'PAYMENT_GATEWAY_URL'],
    ['the payment sandbox as "gateway"', { PAYMENT_GATEWAY_URL: 'https://dichvucong.example.gov.vn/sandbox/payment-gateway' }, 'PAYMENT_GATEWAY_URL'],
    ['no payment secret (no fallback to the sandbox one)', { PAYMENT_SECRET: '' }, 'PAYMENT_SECRET'],
    ['the published sandbox payment secret', { PAYMENT_SECRET: SANDBOX_PAYMENT_SECRET }, 'PAYMENT_SECRET'],
    ['no postal service (sandbox)', { POSTAL_SERVICE_URL: '' }, 'POSTAL_SERVICE_URL'],
    ['no postal secret', { POSTAL_SECRET: '' }, 'POSTAL_SECRET'],
    ['the published sandbox postal secret', { POSTAL_SECRET: SANDBOX_POSTAL_SECRET }, 'POSTAL_SECRET'],
    ['the development officer secret, set explicitly', { AUTH_OFFICER_SECRET: DEV_OFFICER_SECRET }, 'AUTH_OFFICER_SECRET'],
    ['the development citizen secret, set explicitly', { AUTH_CITIZEN_SECRET: DEV_CITIZEN_SECRET }, 'AUTH_CITIZEN_SECRET'],
    ['the .env.example placeholder as a secret', { AUTH_OFFICER_SECRET: 'at-least-32-characters-of-secret' }, 'AUTH_OFFICER_SECRET'],
    ['a short token secret', { AUTH_CITIZEN_SECRET: 'short-secret-0123456789' }, 'AUTH_CITIZEN_SECRET'],
    ['no way to verify officer tokens', { AUTH_OFFICER_SECRET: '' }, 'AUTH_OFFICER_JWKS_URL'],
    ['a short metrics token', { METRICS_TOKEN: 'abc' }, 'METRICS_TOKEN'],
    ['a test suite secret as metrics token', { METRICS_TOKEN: 'test-payment-secret-0123456789' }, 'METRICS_TOKEN'],
    ['the database password compose used to default to', { DATABASE_URL: 'postgres://dossier:dossier@postgres:5432/dossier' }, 'DATABASE_URL'],
    ['no public address (callbacks to 127.0.0.1)', { PUBLIC_BASE_URL: '' }, 'PUBLIC_BASE_URL'],
    ['a loopback public address', { PUBLIC_BASE_URL: 'http://localhost:3000' }, 'PUBLIC_BASE_URL'],
  ])('%s is dangerous', (_what, unsafe, setting) => {
    expect(dangers({ ...safeProductionEnv(), ...unsafe })).toEqual([setting]);
  });

  it.each([
    ['webhooks to private networks', { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS'],
    ['a public address without TLS', { PUBLIC_BASE_URL: 'http://dichvucong.example.gov.vn' }, 'PUBLIC_BASE_URL'],
    ['a payment gateway over http', { PAYMENT_GATEWAY_URL: 'http://payment.example.vn/merchant' }, 'PAYMENT_GATEWAY_URL'],
    ['metrics neither behind a token nor on their own port', { METRICS_TOKEN: '' }, 'METRICS_TOKEN'],
    ['a metrics port open beyond loopback', { METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }, 'METRICS_HOST'],
    ['the development citizen issuer asked for', { AUTH_DEV_CITIZEN_ISSUER: 'true' }, 'AUTH_DEV_CITIZEN_ISSUER'],
    ['the development identity provider asked for', { DEV_IDENTITY_PROVIDER: 'true' }, 'DEV_IDENTITY_PROVIDER'],
    ['a development issuer name', { AUTH_OFFICER_ISSUER: 'dossier-platform-dev-officers' }, 'AUTH_OFFICER_ISSUER'],
    ['no SMTP relay', { SMTP_URL: '' }, 'SMTP_URL'],
    ['SMS that only the sandbox sends', { NOTIFY_CITIZEN_CHANNELS: 'sms,email' }, 'NOTIFY_CITIZEN_CHANNELS'],
    ['Temporal across the network without TLS', { TEMPORAL_ADDRESS: 'temporal.internal:7233' }, 'TEMPORAL_TLS'],
    ['behind a TLS proxy that is not named', { TRUST_PROXY: '' }, 'TRUST_PROXY'],
  ])('%s is a warning, not a refusal', (_what, weak, setting) => {
    const env = { ...safeProductionEnv(), ...weak };
    expect(warnings(env)).toEqual([setting]);
    expect(dangers(env)).toEqual([]);
  });

  it('never falls back to a published secret in production, and still does in development', () => {
    const prod = loadConfig({ NODE_ENV: 'production' });
    expect([prod.payment.secret, prod.postal.secret, prod.auth.officer.secret, prod.auth.citizen.secret]).toEqual(['', '', undefined, undefined]);
    const dev = loadConfig({});
    expect([dev.payment.secret, dev.postal.secret]).toEqual([SANDBOX_PAYMENT_SECRET, SANDBOX_POSTAL_SECRET]);
  });

  it('makes a production process refuse to start on a dangerous setting, naming it, and prints the warnings', () => {
    const printed: string[] = [];
    const env = { ...safeProductionEnv(), PAYMENT_SECRET: SANDBOX_PAYMENT_SECRET, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
    let thrown: unknown;
    try {
      enforcePosture(loadConfig(env), env, (line) => printed.push(line));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UnsafeConfigurationError);
    expect((thrown as UnsafeConfigurationError).findings.map((f) => f.setting)).toEqual(['PAYMENT_SECRET']);
    expect((thrown as Error).message).toContain('[danger] PAYMENT_SECRET');
    expect(printed).toEqual([expect.stringContaining('[warning] WEBHOOK_ALLOW_PRIVATE_NETWORKS')]);
    // Outside production nothing is enforced (npm start runs on the sandboxes).
    expect(() => enforcePosture(loadConfig({}), {}, () => undefined)).not.toThrow();
  });
});

describe('the development identity provider in production', () => {
  it('is never configured, whatever DEV_IDENTITY_PROVIDER says', () => {
    expect(loadConfig({ ...safeProductionEnv(), DEV_IDENTITY_PROVIDER: 'true' }).auth.devIdentityProvider).toBe(false);
    expect(loadConfig({}).auth.devIdentityProvider).toBe(true);
    expect(loadConfig({ DEV_IDENTITY_PROVIDER: 'false' }).auth.devIdentityProvider).toBe(false);
  });

  it('is a danger in a configuration made by hand, and the production start refuses it', () => {
    const env = safeProductionEnv();
    const config = loadConfig(env);
    const unsafe = { ...config, auth: { ...config.auth, devIdentityProvider: true } };
    expect(postureFindings(unsafe, env).filter((f) => f.severity === 'danger').map((f) => f.setting)).toEqual(['DEV_IDENTITY_PROVIDER']);
    expect(() => enforcePosture(unsafe, env, () => undefined)).toThrow(UnsafeConfigurationError);
  });

  it('refuses to be mounted under NODE_ENV=production', () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => devIdentityProvider({ db: undefined as never, publicBaseUrl: 'https://dichvucong.example.gov.vn', audience: { officers: 'dossier-api', citizens: 'dossier-api' } })).toThrow(/never mounted in production/);
    } finally {
      process.env.NODE_ENV = before;
    }
  });
});

describe('published secrets', () => {
  /** `NAME=value` (also commented out) in .env.example, `NAME: ${NAME:-default}` in docker-compose.yml. */
  // Names that hold a secret (a token lifetime is a number, not a secret).
  const SECRETISH = /(SECRET|TOKEN(?!_LIFETIME)|PASSWORD|PWD|API_KEY|ACCESS_KEY)/;

  it('.env.example holds no secret value, and the values it used to hold are on the published list', () => {
    const values = [...fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8').matchAll(/^#?\s*([A-Z_]+)=(\S*)/gm)].filter(([, name]) => SECRETISH.test(name!));
    expect(values.map(([, name]) => name)).toEqual(expect.arrayContaining(['PAYMENT_SECRET', 'POSTAL_SECRET', 'AUTH_OFFICER_SECRET', 'METRICS_TOKEN']));
    expect(values.filter(([, , value]) => value !== '')).toEqual([]);
    for (const old of ['sandbox-secret-for-local-use-only', 'postal-sandbox-secret-local-only', 'at-least-32-characters-of-secret']) expect(PUBLISHED_SECRETS.has(old)).toBe(true);
  });

  it('docker-compose.yml gives no secret a default: each is required or empty', () => {
    const compose = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    const defaults = [...compose.matchAll(/\$\{([A-Z_]+):-([^}]*)\}/g)].filter(([, name]) => SECRETISH.test(name!));
    expect(defaults.filter(([, , value]) => value !== '')).toEqual([]);
    for (const required of ['POSTGRES_PASSWORD', 'PUBLIC_BASE_URL', 'PAYMENT_GATEWAY_URL', 'PAYMENT_SECRET', 'POSTAL_SERVICE_URL', 'POSTAL_SECRET']) {
      expect(compose).toMatch(new RegExp(`\\$\\{${required}:\\?`));
    }
  });
});

describe('npm run doctor', () => {
  it('lists every unsafe setting with its severity and fails on a dangerous one', () => {
    const lines: string[] = [];
    const env = { ...safeProductionEnv(), PAYMENT_GATEWAY_URL: '', AUTH_OFFICER_SECRET: DEV_OFFICER_SECRET, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', METRICS_TOKEN: '' };
    expect(doctor(env, (l) => lines.push(l))).toBe(1);
    expect(lines.filter((l) => l.startsWith('  ['))).toEqual([
      expect.stringMatching(/^ {2}\[danger\] AUTH_OFFICER_SECRET: .*công bố/),
      expect.stringMatching(/^ {2}\[danger\] PAYMENT_GATEWAY_URL: .*thử nghiệm/),
      expect.stringMatching(/^ {2}\[warning\] WEBHOOK_ALLOW_PRIVATE_NETWORKS: /),
      expect.stringMatching(/^ {2}\[warning\] METRICS_TOKEN: /),
    ]);
    expect(lines.at(-1)).toMatch(/2 thiết lập nguy hiểm, 2 cảnh báo/);
  });

  it('passes a safe configuration, and reports an unreadable one as dangerous', () => {
    const lines: string[] = [];
    expect(doctor(safeProductionEnv(), (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toMatch(/không có thiết lập nguy hiểm/);
    const broken: string[] = [];
    expect(doctor({ ...safeProductionEnv(), PORT: 'eighty' }, (l) => broken.push(l))).toBe(1);
    expect(broken).toContainEqual(expect.stringMatching(/\[danger\] configuration: PORT must be a port number/));
  });

  it('runs as an npm script: its output on stdout, exit status 1 on the development defaults, 0 when safe', () => {
    const run = (env: Record<string, string>) => {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NODE_ENV|AUTH_|PAYMENT_|POSTAL_|PUBLIC_BASE_URL|METRICS_|SMTP_URL|NOTIFY_|WEBHOOK_)/.test(k)));
      return spawnSync('npm', ['run', '-s', 'doctor'], { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8' });
    };
    const unsafe = run({});
    expect(unsafe.status).toBe(1);
    expect(unsafe.stdout).toContain('[danger] NODE_ENV');
    expect(unsafe.stdout).toContain('[danger] PAYMENT_GATEWAY_URL');
    const safe = run(safeProductionEnv());
    expect(safe.stdout).toMatch(/không có thiết lập nguy hiểm/);
    expect(safe.status).toBe(0);
  });
});
