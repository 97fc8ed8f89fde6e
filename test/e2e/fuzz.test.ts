import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes, type RouteSpec } from '../../api/contract';
import { citizenToken, officerToken, payFeeAtCounter, submitSample, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Property-based fuzzing of every endpoint of the contract: arbitrary JSON bodies, hostile
 * keys (__proto__, constructor), odd path parameters and query strings, sent by a caller
 * entitled to the endpoint. Whatever arrives, the answer is a 2xx or a 4xx with a reason,
 * never a 5xx.
 */
const RUNS = Number(process.env.FUZZ_RUNS || 40);

describe('fuzzing every endpoint: 4xx, never 5xx', () => {
  const { api } = useStack({ name: 'fuzz' });
  let code: string;
  const tokens: Record<string, string> = {};
  const fiveHundreds: string[] = [];

  beforeAll(async () => {
    const r = await submitSample(api.baseUrl, '079303330001', {}, 'fuzz');
    code = r.body.code;
    await payFeeAtCounter(api.baseUrl, code);
    tokens.officer = await officerToken('lanhdao.saigon');
    tokens.admin = await officerToken('quantri');
    tokens.citizen = await citizenToken('079303330001');
  });

  const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '$where', '\u0000', 'a'.repeat(300), 'idNumber');
  const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom(null, -1, 1e308, '', ' ', '2026-02-30T25:61:00+07:00', "'; drop table dossiers; --"));
  const body = fc.oneof(
    fc.dictionary(fc.oneof(fc.string({ maxLength: 20 }), hostileKey), value, { maxKeys: 8 }),
    fc.jsonValue({ maxDepth: 4 }),
    fc.constantFrom('not json', '{"unterminated": ', '[]', '"a string"', '12', 'null'),
  );
  const param = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', '000.20.20.H29-260101-0001', '-1', '99999999999999999999'));
  const query = fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 40 }), { maxKeys: 4 });

  function tokenFor(spec: RouteSpec): string | undefined {
    if (spec.access === 'admin') return tokens.admin;
    if (spec.access === 'officer' || spec.access === 'officer-or-citizen') return tokens.officer;
    if (spec.access === 'citizen' || spec.access === 'public-or-citizen') return tokens.citizen;
    return undefined;
  }

  it('answers every endpoint with a 2xx or a 4xx, never a 5xx', async () => {
    const routes = declaredRoutes().filter((r) => r.access !== 'signature' && !['/metrics', '/api/docs'].includes(r.path));
    expect(routes.length).toBeGreaterThan(60);
    for (const spec of routes) {
      await fc.assert(
        fc.asyncProperty(body, param, fc.boolean(), query, async (b, p, realCode, q) => {
          const path = spec.path
            .replace(':code', encodeURIComponent(realCode ? code : p) || 'x')
            .replace(/:(id|eid)/, encodeURIComponent(p) || 'x');
          const qs = new URLSearchParams(q).toString();
          const headers: Record<string, string> = { 'content-type': 'application/json', 'Idempotency-Key': uniqueKey('fz') };
          const token = tokenFor(spec);
          if (token) headers.Authorization = `Bearer ${token}`;
          const res = await fetch(`${api.baseUrl}${path}${qs ? `?${qs}` : ''}`, {
            method: spec.method.toUpperCase(),
            headers,
            body: spec.method === 'get' || spec.method === 'delete' ? undefined : typeof b === 'string' ? b : JSON.stringify(b),
          });
          await res.arrayBuffer();
          // Recorded rather than thrown: one run lists every endpoint that breaks, with its input.
          if (res.status >= 500 && res.status !== 503) fiveHundreds.push(`${res.status} ${spec.method.toUpperCase()} ${path} ${JSON.stringify(b)?.slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
    }
    expect(fiveHundreds).toEqual([]);
  });
});
