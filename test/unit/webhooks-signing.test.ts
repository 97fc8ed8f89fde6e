import { createHmac } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { webhookConfig } from '../../platform/config';
import * as schemas from '../../webhooks/schemas';
import { webhookBackoffDelay } from '../../webhooks/relay';
import { sendWebhook } from '../../webhooks/send';
import { generateWebhookSecret, signWebhook, verifyWebhookSignature, webhookMac } from '../../webhooks/signing';
import { isNonPublicAddress, staticUrlProblem, subscriberUrlProblem } from '../../webhooks/url-policy';
import { freePort } from '../../platform/temporal-dev-server';
import { startWebhookSubscriber } from '../helpers/webhook-subscriber';

/** The parts of outbound webhooks that need no running system: signatures, URL policy, backoff, schemas. */
describe('webhook signatures', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ id: 'dossier-1-2', type: 'dossier.status_changed', change: { seq: 2, to: 'RECEIVED' }, note: 'Hồ sơ đầy đủ' });
  const now = 1_800_000_000;

  it('verifies what it signs, over the exact bytes, string or Buffer', () => {
    const header = signWebhook(secret, body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, header, body, 300, now)).toEqual({ ok: true, timestamp: now });
    expect(verifyWebhookSignature(secret, header, Buffer.from(body, 'utf8'), 300, now + 299)).toEqual({ ok: true, timestamp: now });
    // The MAC is HMAC-SHA256 over "<t>.<body>", so subscribers in any language can check it.
    expect(webhookMac(secret, now, body)).toBe(createHmac('sha256', secret).update(`${now}.${body}`).digest('hex'));
  });

  it('refuses a tampered body, a wrong secret, a stale or future timestamp, and malformed headers', () => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature(secret, header, body.replace('RECEIVED', 'COMPLETED'), 300, now)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
    expect(verifyWebhookSignature(generateWebhookSecret(), header, body, 300, now)).toMatchObject({ ok: false });
    expect(verifyWebhookSignature(secret, header, body, 300, now + 301)).toMatchObject({ ok: false, reason: expect.stringContaining('tolerance') });
    expect(verifyWebhookSignature(secret, header, body, 300, now - 301)).toMatchObject({ ok: false, reason: expect.stringContaining('tolerance') });
    // The timestamp is inside the MAC: moving it forward to dodge the tolerance breaks the signature.
    const moved = header.replace(`t=${now}`, `t=${now + 1000}`);
    expect(verifyWebhookSignature(secret, moved, body, 300, now + 1000)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
    for (const bad of [undefined, '', 'garbage', `t=${now}`, `v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${now},t=${now},v1=${'a'.repeat(64)}`, `t=${now},v1=zz`]) {
      expect(verifyWebhookSignature(secret, bad, body, 300, now).ok).toBe(false);
    }
    expect(verifyWebhookSignature('', header, body, 300, now).ok).toBe(false);
  });

  it('accepts any matching v1 among several and ignores unknown schemes', () => {
    const good = signWebhook(secret, body, now).split(',v1=')[1];
    expect(verifyWebhookSignature(secret, `t=${now},v1=${'0'.repeat(64)},v2=whatever,v1=${good}`, body, 300, now).ok).toBe(true);
  });

  it('makes long, distinct secrets', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(generateWebhookSecret());
  });
});

describe('webhook URL policy', () => {
  const strict = { allowPrivateNetworks: false };
  const lax = { allowPrivateNetworks: true };

  it('accepts http(s) only, never credentials in the URL', () => {
    expect(staticUrlProblem('https://dichvucong.gov.vn/api/hooks', strict)).toBeNull();
    expect(staticUrlProblem('ftp://example.vn/x', lax)).toMatch(/http/);
    expect(staticUrlProblem('file:///etc/passwd', lax)).toMatch(/http/);
    expect(staticUrlProblem('https://user:pass@example.vn/x', lax)).toMatch(/mật khẩu/);
    expect(staticUrlProblem('https://token@example.vn/x', lax)).toMatch(/mật khẩu/);
    expect(staticUrlProblem('not a url', lax)).toMatch(/URL/);
  });

  it('refuses loopback, private, link-local and mapped addresses unless allowed', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1']) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '203.162.4.191', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isNonPublicAddress(a), a).toBe(false);
    expect(staticUrlProblem('http://169.254.169.254/latest/meta-data', strict)).toMatch(/nội bộ/);
    expect(staticUrlProblem('http://[::1]:8080/x', strict)).toMatch(/nội bộ/);
    expect(staticUrlProblem('http://127.0.0.1:8080/x', lax)).toBeNull();
  });

  it('resolves names when private networks are refused', async () => {
    expect(await subscriberUrlProblem('http://localhost:9/x', strict)).toMatch(/nội bộ|phân giải/);
    expect(await subscriberUrlProblem('http://localhost:9/x', lax)).toBeNull();
    expect(await subscriberUrlProblem('http://no-such-host.invalid/x', strict)).toMatch(/phân giải/);
  });

  it('allows private networks outside production by default, and never in production unless told', () => {
    expect(webhookConfig({}).allowPrivateNetworks).toBe(true);
    expect(webhookConfig({ NODE_ENV: 'production' }).allowPrivateNetworks).toBe(false);
    expect(webhookConfig({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).allowPrivateNetworks).toBe(true);
    expect(webhookConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }).allowPrivateNetworks).toBe(false);
    expect(() => webhookConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(/true or false/);
  });
});

describe('webhook retry schedule', () => {
  it('doubles from the base up to the ceiling, jittered down by at most a fifth', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 6].map((n) => webhookBackoffDelay(n, 10_000, 60_000, noJitter))).toEqual([10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    expect(webhookBackoffDelay(1, 10_000, 60_000, () => 1)).toBe(8_000);
    const c = webhookConfig({});
    expect(c).toMatchObject({ maxAttempts: 15, backoffMs: 10_000, backoffMaxMs: 3_600_000, timeoutMs: 10_000 });
    // The default schedule keeps trying for several hours before a delivery is dead.
    let total = 0;
    for (let n = 1; n < c.maxAttempts; n++) total += webhookBackoffDelay(n, c.backoffMs, c.backoffMaxMs, noJitter);
    expect(total / 3_600_000).toBeGreaterThan(5);
  });
});

describe('webhook schemas', () => {
  it('are strict and exportable as JSON Schema for the OpenAPI document', () => {
    expect(schemas.createSubscriptionBodySchema.safeParse({ name: 'Cổng DVC', url: 'https://dvc.example.vn/h', agencyID: '000.20.20.H29' }).success).toBe(false);
    expect(schemas.createSubscriptionBodySchema.safeParse({ name: 'Cổng DVC', url: 'https://dvc.example.vn/h', events: ['dossier.status_changed'] }).success).toBe(true);
    expect(schemas.updateSubscriptionBodySchema.safeParse({}).success).toBe(false);
    for (const [name, schema] of Object.entries(schemas)) {
      if (schema instanceof z.ZodType) expect(() => z.toJSONSchema(schema, { io: 'input' }), name).not.toThrow();
    }
  });
});

describe('webhook sender', () => {
  const message = { rawBody: JSON.stringify({ id: 'dossier-9-1', type: 'dossier.status_changed' }), eventId: 'dossier-9-1', eventType: 'dossier.status_changed', deliveryId: '9', attempt: 1 };

  it('checks the addresses it connects to, not only the URL as saved', async () => {
    const subscriber = await startWebhookSubscriber({ secret: 'whsec_sender' });
    try {
      const port = new URL(subscriber.url).port;
      const strict = { allowPrivateNetworks: false };
      // A name that resolves to loopback (as a re-pointed DNS record would) is refused at connect time.
      const byName = await sendWebhook({ url: `http://localhost:${port}/hooks/dossiers`, secret: 'whsec_sender' }, message, { timeoutMs: 2000, policy: strict });
      expect(byName).toMatchObject({ ok: false, permanent: true, statusCode: null, error: expect.stringContaining('EWEBHOOKPOLICY') });
      const literal = await sendWebhook({ url: subscriber.url, secret: 'whsec_sender' }, message, { timeoutMs: 2000, policy: strict });
      expect(literal).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining('policy') });
      expect(subscriber.requests).toHaveLength(0);

      const allowed = await sendWebhook({ url: `http://localhost:${port}/hooks/dossiers`, secret: 'whsec_sender' }, message, { timeoutMs: 2000, policy: { allowPrivateNetworks: true } });
      expect(allowed).toMatchObject({ ok: true, statusCode: 204, error: null, permanent: false });
      expect(subscriber.requests[0]).toMatchObject({ verified: true, rawBody: message.rawBody });
      expect(subscriber.requests[0]!.headers['x-dossier-delivery-attempt']).toBe('1');
    } finally {
      await subscriber.close();
    }
  });

  it('gives up on a subscriber that does not answer in time, and does not follow redirects', async () => {
    const port = await freePort();
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      const lax = { allowPrivateNetworks: true };
      const slow = await sendWebhook({ url: `http://127.0.0.1:${port}/slow`, secret: 's' }, message, { timeoutMs: 300, policy: lax });
      expect(slow).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 300 ms', permanent: false });
      expect(slow.durationMs).toBeGreaterThanOrEqual(290);
      const redirected = await sendWebhook({ url: `http://127.0.0.1:${port}/moved`, secret: 's' }, message, { timeoutMs: 1000, policy: lax });
      expect(redirected).toMatchObject({ ok: false, statusCode: 302, error: 'HTTP 302' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
