import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_OFFICER_SECRET, SANDBOX_PAYMENT_SECRET, SANDBOX_POSTAL_SECRET } from '../../platform/config';
import { freePort } from '../../platform/temporal-dev-server';
import { safeProductionEnv } from '../helpers/production-env';
import { ROOT, stackEnv, startProcess, type ProcessUnderTest } from '../helpers/stack';

/**
 * Issue 14, findings 1, 9 and 10 on the real API process (`api/main.ts`, as `npm start` and the
 * image run it) with NODE_ENV=production: it refuses to start without real providers or with a
 * secret anyone can read in this repository, naming the setting; with a complete configuration
 * it serves no sandbox, no /dev, and /metrics only with its token, in its exact case.
 */

/** Runs an entry point until it exits (it must, within 60 s): its exit code and everything it printed. */
async function runToExit(entry: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b) => (output += b));
  child.stderr.on('data', (b) => (output += b));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

const without = (env: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(env).filter(([k]) => !names.includes(k)));

describe('production start-up refusals', () => {
  it('the API refuses to start without real payment and postal providers, naming each missing setting', async () => {
    const env = stackEnv(without(safeProductionEnv(), 'PAYMENT_GATEWAY_URL', 'PAYMENT_SECRET', 'POSTAL_SERVICE_URL', 'POSTAL_SECRET'));
    const { code, output } = await runToExit('api/main.ts', { ...env, PORT: String(await freePort()) });
    expect(code).toBe(1);
    for (const setting of ['PAYMENT_GATEWAY_URL', 'PAYMENT_SECRET', 'POSTAL_SERVICE_URL', 'POSTAL_SECRET']) expect(output).toContain(`[danger] ${setting}`);
    expect(output).not.toContain('listening');
  });

  it.each([
    ['AUTH_OFFICER_SECRET set explicitly to the development value', { AUTH_OFFICER_SECRET: DEV_OFFICER_SECRET }, 'AUTH_OFFICER_SECRET'],
    ['PAYMENT_SECRET set to the published sandbox value', { PAYMENT_SECRET: SANDBOX_PAYMENT_SECRET }, 'PAYMENT_SECRET'],
    ['POSTAL_SECRET set to the published sandbox value', { POSTAL_SECRET: SANDBOX_POSTAL_SECRET }, 'POSTAL_SECRET'],
    ['METRICS_TOKEN set to the .env.example placeholder', { METRICS_TOKEN: 'at-least-32-characters-of-secret' }, 'METRICS_TOKEN'],
  ])('the API refuses to start with %s', async (_what, unsafe, setting) => {
    const { code, output } = await runToExit('api/main.ts', { ...stackEnv({ ...safeProductionEnv(), ...unsafe }), PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`\\[danger\\] ${setting}: .*công bố`));
    // Only the published secret is wrong: nothing else is reported as dangerous.
    expect(output.match(/\[danger\]/g)).toHaveLength(1);
    expect(output).not.toContain('listening');
  });

  it('the worker refuses to start on the same rules', async () => {
    const { code, output } = await runToExit('worker/main.ts', stackEnv({ ...without(safeProductionEnv(), 'PAYMENT_GATEWAY_URL'), AUTH_CITIZEN_SECRET: 'dev-citizen-token-secret-not-for-production-0001' }));
    expect(code).toBe(1);
    expect(output).toContain('[danger] PAYMENT_GATEWAY_URL');
    expect(output).toContain('[danger] AUTH_CITIZEN_SECRET');
    expect(output).not.toContain('polling task queue');
  });
});

describe('the API in production with a complete configuration', () => {
  const env = safeProductionEnv();
  let api: ProcessUnderTest;
  let base: string;
  let metricsBase: string;

  beforeAll(async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    metricsBase = `http://127.0.0.1:${metricsPort}`;
    api = await startProcess('api', 'api/main.ts', stackEnv({ ...env, HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: String(metricsPort) }), /api: listening/);
  });
  afterAll(async () => {
    await api?.signal('SIGTERM');
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

  it('starts, printing no warning', () => {
    expect(api.output()).not.toMatch(/\[(danger|warning)\]/);
  });

  it('serves no sandbox and no /dev route (no development identity provider)', async () => {
    const probes: Array<[string, string, unknown?]> = [
      ['GET', '/sandbox/payment-gateway/pay/SBX0123456789ABCDEF0123'],
      ['POST', '/sandbox/payment-gateway/payments', { paymentId: 'x', amountVnd: 1 }],
      ['POST', '/sandbox/payment-gateway/pay/SBX0123456789ABCDEF0123', { action: 'pay' }],
      ['POST', '/sandbox/postal/shipments', { shipmentId: 'x' }],
      ['POST', '/sandbox/postal/shipments/EB123456785VN/events', { status: 'delivered', receivedBy: 'x' }],
      ['POST', '/dev/citizen-token', { idNumber: '079123456789' }],
      // The development identity provider (api/dev-identity-provider.ts) is never mounted.
      ['GET', '/dev/idp/officers/.well-known/openid-configuration'],
      ['GET', '/dev/idp/citizens/.well-known/openid-configuration'],
      ['GET', '/dev/idp/officers/jwks'],
      ['GET', '/dev/idp/citizens/auth?client_id=dossier-portal&response_type=code&scope=openid'],
    ];
    for (const [method, p, body] of probes) {
      const res = await fetch(`${base}${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(res.status, `${method} ${p}`).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(((await res.json()) as { title: string }).title).toBe('Not found');
    }
  });

  it('serves /metrics only with its bearer token, and only in its exact case', async () => {
    const anonymous = await get(`${base}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(((await anonymous.json()) as { reason: string }).reason).toBe('MetricsTokenRequired');
    expect((await get(`${base}/metrics`, { Authorization: `Bearer ${env.PAYMENT_SECRET}` })).status).toBe(401);
    expect((await get(`${base}/metrics`, { Authorization: env.METRICS_TOKEN! })).status).toBe(401); // not a bearer scheme

    const scraped = await get(`${base}/metrics`, { Authorization: `Bearer ${env.METRICS_TOKEN}` });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('# TYPE http_requests_total counter');

    for (const p of ['/METRICS', '/Metrics', '/mEtrics']) {
      expect((await get(`${base}${p}`)).status, p).toBe(404);
      // With the token: not metrics either (the token is no user's token: the authenticator refuses it).
      const withToken = await get(`${base}${p}`, { Authorization: `Bearer ${env.METRICS_TOKEN}` });
      expect(withToken.status, p).toBe(401);
      expect(await withToken.text()).not.toContain('http_requests_total');
    }
  });

  it('serves the metrics port on loopback without a token, and nothing else there', async () => {
    const scraped = await get(`${metricsBase}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('# TYPE http_requests_total counter');
    expect((await get(`${metricsBase}/METRICS`)).status).toBe(404);
    expect((await get(`${metricsBase}/api/v1/procedures`)).status).toBe(404);
  });
});
