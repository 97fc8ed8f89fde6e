import { get } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookupCacheOf } from '../../api/app';
import { applicantIds, eventually, http, payFeeAtCounter, submitSample, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 18, target 3: the public lookup's answers are kept in the API process
 * (dossiers/lookup-cache.ts), and a dossier's change shows in the lookup within one second,
 * because every writer of what the lookup shows notifies the change at commit and the cache
 * listens. Shown on the real stack: a dossier looked up (kept), then changed by a payment at the
 * counter and by an officer's action, read again until the change shows, with a limit of 1 s;
 * the same after the LISTEN connection was cut (pg_terminate_backend), which empties the cache.
 * The delays measured are printed.
 */
describe('public lookup cache', () => {
  const { api } = useStack({ name: 'lookup-cache' });
  const idNumber = applicantIds('0795');
  const cache = () => {
    const c = lookupCacheOf(api.app);
    if (!c) throw new Error('the app keeps no lookup cache');
    return c;
  };
  let code: string;
  let check: string;

  const lookup = (): Promise<HttpAnswer> => http('GET', `${api.baseUrl}/api/v1/status/${code}?check=${check}`);
  /** Reads the lookup until `shows` holds, for 1 s at most: the delay from the call, or a failure naming what was seen. */
  const within1s = async (what: string, shows: (b: any) => boolean): Promise<number> => {
    const t0 = performance.now();
    let last: HttpAnswer | undefined;
    while (performance.now() - t0 < 1000) {
      last = await lookup();
      if (last.status === 200 && shows(last.body)) {
        const ms = Math.round(performance.now() - t0);
        process.stdout.write(`lookup cache: ${what} shown ${ms} ms after the answer\n`);
        return ms;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${what}: not shown within 1 s; last answer ${last?.status} ${JSON.stringify(last?.body)}`);
  };
  /** Looks the dossier up until it is served from the cache. */
  const kept = async () => {
    await eventually(
      async () => {
        const before = cache().stats().hits;
        const r = await lookup();
        expect(r.status).toBe(200);
        return cache().stats().hits - before;
      },
      (hits) => hits === 1,
      5_000,
    );
  };

  beforeAll(async () => {
    const id = idNumber();
    const r = await submitSample(api.baseUrl, id, { deliveryMethod: 'counter' }, 'lookup-cache');
    expect(r.status).toBe(201);
    code = r.body.code;
    check = id.slice(-4);
    await eventually(async () => cache().listening(), Boolean, 10_000);
    await eventually(lookup, (s) => s.body.history?.length === 1);
  });

  it('keeps a found answer, with its ETag, and never a "not found"', async () => {
    await kept();
    const a = await lookup();
    const b = await lookup();
    expect(a.body).toEqual(b.body);
    expect(a.headers.get('etag')).toBeTruthy();
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    expect(b.headers.get('cache-control')).toBe('no-store');
    // A conditional request of the same answer: 304 (node:http, as fetch adds Cache-Control: no-cache to it).
    const again = await new Promise<number>((resolve, reject) => {
      get(`${api.baseUrl}/api/v1/status/${code}?check=${check}`, { headers: { 'If-None-Match': a.headers.get('etag')! } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(again).toBe(304);
    // A wrong check of a kept code misses, as an unknown code does: both read the database and get the same 404.
    const wrong = String((Number(check) + 1) % 10_000).padStart(4, '0');
    const before = cache().stats();
    const w = await http('GET', `${api.baseUrl}/api/v1/status/${code}?check=${wrong}`);
    const u = await http('GET', `${api.baseUrl}/api/v1/status/000.20.20.H29-991231-9977?check=${check}`);
    expect([w.status, u.status]).toEqual([404, 404]);
    expect(cache().stats().hits).toBe(before.hits);
    expect(cache().stats().misses).toBe(before.misses + 2);
  });

  it('shows a payment at the counter and an officer’s action within 1 s', async () => {
    await kept();
    const unpaid = (await lookup()).body;
    expect(unpaid.fee?.status).toBe('unpaid');
    expect(unpaid.receipts).toEqual([]);
    await payFeeAtCounter(api.baseUrl, code);
    const paidMs = await within1s('the payment (fee paid, e-receipt)', (b) => b.fee?.status === 'paid' && b.receipts.length === 1);
    expect(paidMs).toBeLessThan(1000);

    await kept();
    const accepted = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/intake/accept`, { body: {}, headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const acceptMs = await within1s('the acceptance at intake (status, history)', (b) => b.status.code !== 'SUBMITTED' && b.history.length > 1);
    expect(acceptMs).toBeLessThan(1000);
  });

  it('empties itself when the LISTEN connection drops, and shows changes within 1 s once it listens again', async () => {
    await kept();
    expect(cache().size()).toBeGreaterThan(0);
    const pid = cache().backendPid();
    expect(pid).toEqual(expect.any(Number));
    const t0 = performance.now();
    await api.db.raw('select pg_terminate_backend(?)', [pid]);
    await eventually(async () => cache().listening(), (on) => !on, 2_000);
    // Lost: nothing kept, nothing served from it.
    expect(cache().size()).toBe(0);
    const hits = cache().stats().hits;
    expect((await lookup()).status).toBe(200);
    expect(cache().stats().hits).toBe(hits);
    // It listens again on a new connection (after about 1 s) and keeps answers again.
    await eventually(async () => cache().backendPid(), (p) => p !== null && p !== pid, 5_000);
    process.stdout.write(`lookup cache: listening again ${Math.round(performance.now() - t0)} ms after the connection was cut\n`);
    await kept();

    const assignee = await eventually(
      () => api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username'),
      (row) => Boolean(row?.username),
      10_000,
    );
    const shown = (await lookup()).body;
    const proposed = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/review/proposal`, { body: { proposal: 'approve' }, headers: { 'X-User-Id': assignee!.username } });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    const ms = await within1s('the proposal after the reconnection', (b) => b.status.code !== shown.status.code && b.history.length > shown.history.length);
    expect(ms).toBeLessThan(1000);
  });
});
