import { beforeAll, describe, expect, it } from 'vitest';
import { trustProxyConfig } from '../../platform/config';
import { citizenToken, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 14, finding 2: the 4 check digits of the public lookup cannot be brute-forced. A
 * spoofed X-Forwarded-For is no fresh budget unless a proxy is configured; failed checks lock
 * out the code (5 failures, longer each time) and the client, unknown codes exactly as known
 * ones, with answers that are the same for both, locked or not; the applicant signed in is
 * never locked out.
 */
const OWNER = '079301554321';
const UNKNOWN = '000.20.20.H29-991231-9876';

type Answer = { status: number; headers: Headers; body: any };
const get = async (url: string, headers: Record<string, string> = {}): Promise<Answer> => {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: await res.json() };
};
/**
 * What an answer tells, minus what names the request itself (its URL and id) and the clock
 * (the date, the seconds left of a window or lock-out, which two requests apart may differ by one).
 */
const told = (a: Answer) => {
  const { instance: _instance, retryAfterSeconds: _seconds, ...body } = a.body;
  const clock = ['date', 'x-request-id', 'content-length', 'etag', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'];
  const headers = [...a.headers.entries()].filter(([k]) => !clock.includes(k));
  return { status: a.status, body: { ...body, detail: String(body.detail).replace(/\d+ giây/, 'N giây') }, headers };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TRUST_PROXY', () => {
  it('trusts no proxy unless told, takes what Express takes, and refuses to trust everyone', () => {
    expect(trustProxyConfig({})).toBe(false);
    expect(trustProxyConfig({ TRUST_PROXY: '' })).toBe(false);
    expect(trustProxyConfig({ TRUST_PROXY: 'false' })).toBe(false);
    expect(trustProxyConfig({ TRUST_PROXY: '1' })).toBe(1);
    expect(trustProxyConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,2001:db8::/32,192.168.1.10' })).toEqual(['loopback', '10.0.0.0/8', '2001:db8::/32', '192.168.1.10']);
    expect(() => trustProxyConfig({ TRUST_PROXY: 'true' })).toThrow(/any X-Forwarded-For/);
    expect(() => trustProxyConfig({ TRUST_PROXY: 'proxy.example.vn' })).toThrow(/TRUST_PROXY lists proxy.example.vn/);
    expect(() => trustProxyConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });
});

describe('per-client budget', () => {
  const { api } = useStack({ name: 'bf-spoof', worker: false, api: { publicRateLimit: { limit: 4, windowSeconds: 60 } } });
  const { api: proxied } = useStack({ name: 'bf-proxied', worker: false, api: { publicRateLimit: { limit: 2, windowSeconds: 60 }, trustProxy: ['loopback'] } });

  it('gives a spoofed X-Forwarded-For no fresh budget by default', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await get(`${api.baseUrl}/api/v1/status/${UNKNOWN}?check=${String(i).padStart(4, '0')}`, { 'X-Forwarded-For': `203.0.113.${i + 1}` })).status);
    expect(answers).toEqual([404, 404, 404, 404, 429, 429, 429]);
  });

  it('counts per forwarded client only behind a configured proxy', async () => {
    const as = async (ip: string) => (await get(`${proxied.baseUrl}/api/v1/status/${UNKNOWN}?check=1234`, { 'X-Forwarded-For': ip })).status;
    expect([await as('198.51.100.1'), await as('198.51.100.1'), await as('198.51.100.1')]).toEqual([404, 404, 429]);
    expect(await as('198.51.100.2')).toBe(404); // another client behind the trusted proxy
  });
});

describe('per-code lock-out', () => {
  // Lock-outs of 2 s, then 4 s: the growth is watched in seconds instead of minutes.
  const { api } = useStack({ name: 'bf-code', worker: false, api: { lookupLockout: { failuresPerCode: 5, failuresPerClient: 1000, lockoutSeconds: [2, 4] } } });
  let code: string;

  beforeAll(async () => {
    const r = await submitSample(api.baseUrl, OWNER, {}, 'bf');
    expect(r.status).toBe(201);
    code = r.body.code;
    // The unknown code must be as long as the real one, so that even the sizes compare.
    expect(UNKNOWN.length).toBe(code.length);
  });

  const lookup = (c: string, check: string) => get(`${api.baseUrl}/api/v1/status/${c}?check=${check}`);
  const guesses = (c: string, n: number, from = 0) => Promise.all(Array.from({ length: n }, (_, i) => lookup(c, String(1000 + from + i))));

  it('locks a code after 5 failed checks, unknown codes exactly as known ones, then longer each time; the owner signed in reads on', async () => {
    expect((await lookup(code, '4321')).status).toBe(200);

    // Five failures: each a plain "not found", the same for the real and the unknown code.
    const onReal: Answer[] = [];
    const onUnknown: Answer[] = [];
    for (let i = 0; i < 5; i++) {
      onReal.push(await lookup(code, String(1000 + i)));
      onUnknown.push(await lookup(UNKNOWN, String(1000 + i)));
    }
    expect(onReal.map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    expect(onReal.map(told)).toEqual(onUnknown.map(told));

    // Locked: even the right check gets 429, and the answer is the one an unknown code gets.
    const locked = await lookup(code, '4321');
    const lockedUnknown = await lookup(UNKNOWN, '4321');
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ reason: 'LookupLocked', retryAfterSeconds: expect.any(Number) });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect(Object.keys(locked.body).sort()).toEqual(['detail', 'instance', 'reason', 'retryAfterSeconds', 'status', 'title', 'type']); // nothing of the dossier
    expect(told(locked)).toEqual(told(lockedUnknown));

    // The applicant signed in is not locked out, on the lookup or their own list.
    const owner = { Authorization: `Bearer ${await citizenToken(OWNER)}` };
    const own = await get(`${api.baseUrl}/api/v1/status/${code}`, owner);
    expect(own.status).toBe(200);
    expect(own.body.code).toBe(code);
    const list = await get(`${api.baseUrl}/api/v1/citizen/dossiers`, owner);
    expect(list.body.dossiers.map((d: { code: string }) => d.code)).toContain(code);

    // Once the lock-out is over the right check reads again; five more failures lock for longer.
    await sleep(2_200);
    expect((await lookup(code, '4321')).status).toBe(200);
    expect((await guesses(code, 5, 10)).map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    expect((await guesses(UNKNOWN, 5, 10)).map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    const longer = await lookup(code, '4321');
    expect(longer.status).toBe(429);
    expect(Number(longer.headers.get('retry-after'))).toBeGreaterThan(2);
    expect(Number(longer.headers.get('retry-after'))).toBeLessThanOrEqual(4);
    expect(told(longer)).toEqual(told(await lookup(UNKNOWN, '4321')));
    expect((await get(`${api.baseUrl}/api/v1/status/${code}`, owner)).status).toBe(200);
  });

  it('takes about the same time to answer a locked known code and a locked unknown one', async () => {
    const other = '000.20.20.H29-991231-9875';
    if ((await lookup(code, '0000')).status !== 429) await guesses(code, 5, 30);
    const median = async (c: string) => {
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        expect((await lookup(c, '0000')).status).toBe(429);
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[7]!;
    };
    await median(code); // warm-up
    const known = await median(code);
    await guesses(other, 5, 20); // locked too, from its own failures
    const unknown = await median(other);
    expect(Math.abs(known - unknown)).toBeLessThan(Math.max(known, unknown) * 0.75 + 2);
  });
});

describe('per-client lock-out', () => {
  const { api } = useStack({ name: 'bf-client', worker: false, api: { lookupLockout: { failuresPerCode: 1000, failuresPerClient: 3, lockoutSeconds: [60] } } });

  it('locks a client that fails checks across many codes, whatever X-Forwarded-For it sends', async () => {
    const code = (await submitSample(api.baseUrl, '079301556789', {}, 'bf')).body.code as string;
    const walk = [1, 2, 3].map((n) => `000.20.20.H29-991231-${String(n).padStart(4, '0')}`);
    const answers = [];
    for (const [i, c] of walk.entries()) answers.push((await get(`${api.baseUrl}/api/v1/status/${c}?check=1111`, { 'X-Forwarded-For': `203.0.113.${i + 10}` })).status);
    expect(answers).toEqual([404, 404, 404]);
    const right = await get(`${api.baseUrl}/api/v1/status/${code}?check=6789`, { 'X-Forwarded-For': '203.0.113.99' });
    expect(right.status).toBe(429);
    expect(right.body.reason).toBe('LookupLocked');
    // Signed in, the applicant still reads their own dossier.
    expect((await get(`${api.baseUrl}/api/v1/status/${code}`, { Authorization: `Bearer ${await citizenToken('079301556789')}` })).status).toBe(200);
  });
});
