import net from 'node:net';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes, type RouteSpec } from '../../api/contract';
import { citizenToken, officerToken, payFeeAtCounter, readAnswer, submitSample, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Property-based fuzzing of every endpoint of the contract: arbitrary JSON bodies, hostile
 * keys (__proto__, constructor), odd path parameters and query strings, sent by a caller
 * entitled to the endpoint. Whatever arrives, the answer is a 2xx or a 4xx with a reason,
 * never a 5xx. Then hostile input proper: control characters, unpaired surrogates and
 * malformed %-escapes in path parameters, query strings, JSON strings and headers are
 * refused with a 4xx every time, and the API still answers afterwards.
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

  /** Every endpoint but the signed callbacks, the metrics and the documentation page. */
  const fuzzedRoutes = () => declaredRoutes().filter((r) => r.access !== 'signature' && !['/metrics', '/api/docs'].includes(r.path));

  it('answers every endpoint with a 2xx or a 4xx, never a 5xx', async () => {
    const routes = fuzzedRoutes();
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
          // An event stream (GET /dossiers/events) never ends by itself: its status is the answer.
          if (/^text\/event-stream/.test(res.headers.get('content-type') ?? '')) await res.body?.cancel();
          else await res.arrayBuffer();
          // Recorded rather than thrown: one run lists every endpoint that breaks, with its input.
          if (res.status >= 500 && res.status !== 503) fiveHundreds.push(`${res.status} ${spec.method.toUpperCase()} ${path} ${JSON.stringify(b)?.slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
    }
    expect(fiveHundreds).toEqual([]);
  });
  describe('hostile input: control characters, unpaired surrogates, malformed %-escapes', () => {
    // Routes are declared as the app is built (in the stack's beforeAll): read them in the tests.
    const route = () => fc.constantFrom(...fuzzedRoutes());
    const hex = (n: number) => `%${n.toString(16).padStart(2, '0')}`;
    /** Percent-encoded control characters: C0 (tab and newline included), DEL, C1 (as UTF-8). */
    const control = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }).map(hex),
      fc.constant('%7F'),
      fc.integer({ min: 0x80, max: 0x9f }).map((c) => `%C2${hex(c)}`),
    );
    /** Escapes no UTF-8 decoder accepts, an unpaired surrogate among them (CESU-8 bytes, which is all a URL can carry of one). */
    const malformed = fc.oneof(
      fc.constantFrom('%', '%f', '%ff', '%FE', '%zz', '%%', '%c0%af', '%e0%a4', '%80', '%F8%88%80%80%80', '%C0%80'),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => `%ED${hex(0x80 | ((u >> 6) & 0x3f))}${hex(0x80 | (u & 0x3f))}`),
    );
    const safe = fc.stringMatching(/^[A-Za-z0-9_-]{0,6}$/);
    /** Tokens joined by a letter that is no hex digit, so two tokens never combine into a valid escape. */
    const hostileText = fc
      .tuple(fc.array(fc.oneof(safe, control, malformed), { maxLength: 4 }), fc.oneof(control, malformed), safe)
      .map(([tokens, bad, tail]) => [...tokens, bad, tail].join('x'))
      .map((text) => ({ text, malformed: !canDecode(text) }));

    function canDecode(text: string): boolean {
      try {
        decodeURIComponent(text);
        return true;
      } catch {
        return false;
      }
    }

    const realPath = (spec: RouteSpec) => spec.path.replace(':code', code).replace(/:(id|eid)/, 'x');
    const send = async (spec: RouteSpec, path: string, body?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'Idempotency-Key': uniqueKey('fz') };
      const token = tokenFor(spec);
      if (token) headers.Authorization = `Bearer ${token}`;
      const res = await fetch(`${api.baseUrl}${path}`, { method: spec.method.toUpperCase(), headers, body: spec.method === 'get' || spec.method === 'delete' ? undefined : (body ?? '{}') });
      return readAnswer(res);
    };

    it('a path parameter with one is a 400 naming the reason, on every route', async () => {
      await fc.assert(
        fc.asyncProperty(route(), hostileText, async (spec, { text, malformed: isMalformed }) => {
          // Routes without a parameter get the segment appended: refused before routing, never a 404.
          const path = /:(code|id|eid)/.test(spec.path) ? spec.path.replace(/:(code|id|eid)/, text).replace(':code', code).replace(/:(id|eid)/, 'x') : `${spec.path}/${text}`;
          const r = await send(spec, path);
          expect({ status: r.status, reason: r.body?.reason }, `${spec.method.toUpperCase()} ${path}`).toEqual({ status: 400, reason: isMalformed ? 'MalformedPercentEncoding' : 'ControlCharacter' });
          expect(r.body.errors[0].field).toBe('path');
        }),
        { numRuns: RUNS * 8 },
      );
    });

    it('a query key or value with one is a 400 (malformed) or a 422 naming the parameter, on every route', async () => {
      await fc.assert(
        fc.asyncProperty(route(), hostileText, safe, fc.boolean(), async (spec, { text, malformed: isMalformed }, other, inKey) => {
          const q = inKey ? `${text}=${other}` : `q${other}=${text}`;
          const path = `${realPath(spec)}?${q}`;
          const r = await send(spec, path);
          expect({ status: r.status, reason: r.body?.reason }, `${spec.method.toUpperCase()} ${path}`).toEqual({ status: isMalformed ? 400 : 422, reason: isMalformed ? 'MalformedPercentEncoding' : 'ControlCharacter' });
          expect(r.body.errors[0].field).toMatch(/^query/);
        }),
        { numRuns: RUNS * 8 },
      );
    });

    it('a JSON string holding a control character or an unpaired surrogate is a 422 naming the field, on every route with a body', async () => {
      const withBody = fc.constantFrom(...fuzzedRoutes().filter((r) => r.method !== 'get' && r.method !== 'delete' && !r.bodyContentType));
      // Only the poison may be refused: the text around it is Vietnamese, emoji, tabs and line breaks.
      const plain = fc.string({ unit: fc.constantFrom(...[...'Nguyễn Văn Ấn đã nộp hồ sơ, ngày 12.\t\r\n'], '😀', '\u00a0'), maxLength: 20 });
      const poison = fc.oneof(
        fc.oneof(fc.integer({ min: 0, max: 0x08 }), fc.integer({ min: 0x0b, max: 0x0c }), fc.integer({ min: 0x0e, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => ({ ch: String.fromCharCode(c), reason: 'ControlCharacter' })),
        fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => ({ ch: String.fromCharCode(c), reason: 'UnpairedSurrogate' })),
      );
      await fc.assert(
        fc.asyncProperty(withBody, plain, poison, plain, fc.constantFrom('reason', 'note', 'items', 'applicant'), async (spec, before, { ch, reason }, after, field) => {
          const text = `${before}${ch}${after}`;
          const value = field === 'items' ? ['Bản sao CCCD', text] : field === 'applicant' ? { fullName: text } : text;
          const expectedField = field === 'items' ? 'items[1]' : field === 'applicant' ? 'applicant.fullName' : field;
          const r = await send(spec, realPath(spec), JSON.stringify({ [field]: value }));
          expect({ status: r.status, reason: r.body?.reason }, `${spec.method.toUpperCase()} ${spec.path} ${JSON.stringify(text)}`).toEqual({ status: 422, reason });
          expect(r.body.errors[0].field).toBe(expectedField);
        }),
        { numRuns: RUNS * 8 },
      );
    });

    /** One request written byte for byte on a socket (fetch refuses to send what is tested here); its status code. */
    function rawRequest(head: Buffer): Promise<number> {
      const { port } = new URL(api.baseUrl);
      return new Promise((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        let answer = '';
        socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
        socket.on('data', (b) => {
          answer += b.toString('latin1');
          // An event stream never ends by itself: its head is the answer.
          if (/\r\ncontent-type: text\/event-stream/i.test(answer)) socket.destroy();
        });
        socket.on('error', reject);
        socket.on('close', () => {
          const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
          if (m) resolve(Number(m[1]));
          else reject(new Error(`no status line in ${JSON.stringify(answer.slice(0, 200))}`));
        });
        // Not end(): a half-closed socket may be dropped before a slow answer; the server closes it (Connection: close).
        socket.write(head);
      });
    }

    it('headers: raw control characters are refused by the parser (400), hostile credentials are a 401, nothing is a 5xx', async () => {
      const headerName = fc.constantFrom('Authorization', 'Idempotency-Key', 'X-Request-Id', 'Content-Type', 'Accept', 'Accept-Language', 'If-None-Match', 'X-Forwarded-For', 'X-Fuzz');
      /** Header bytes: a control character (CR and LF end a header line: not a value's), an unpaired surrogate in CESU-8 bytes, a malformed escape, obs-text. */
      const headerValue = fc.oneof(
        fc.tuple(safe, fc.oneof(fc.integer({ min: 0, max: 0x08 }), fc.integer({ min: 0x0b, max: 0x0c }), fc.integer({ min: 0x0e, max: 0x1f }), fc.constant(0x7f)), safe).map(([a, c, b]) => ({ bytes: Buffer.concat([Buffer.from(a), Buffer.from([c]), Buffer.from(b)]), control: true })),
        fc.tuple(safe, fc.integer({ min: 0xd800, max: 0xdfff }), safe).map(([a, u, b]) => ({ bytes: Buffer.concat([Buffer.from(a), Buffer.from([0xed, 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)]), Buffer.from(b)]), control: false })),
        fc.tuple(safe, malformed, safe).map(([a, m, b]) => ({ bytes: Buffer.from(`${a}${m}${b}`), control: false })),
        fc.uint8Array({ minLength: 1, maxLength: 12 }).map((a) => ({ bytes: Buffer.from(a.map((x) => 0x80 | x)), control: false })),
      );
      await fc.assert(
        fc.asyncProperty(route(), headerName, headerValue, async (spec, name, { bytes, control }) => {
          const token = tokenFor(spec);
          const path = realPath(spec);
          const hasBody = spec.method !== 'get' && spec.method !== 'delete';
          const lines = [
            `${spec.method.toUpperCase()} ${path} HTTP/1.1`,
            `Host: 127.0.0.1`,
            'Connection: close',
            ...(name !== 'Authorization' && token ? [`Authorization: Bearer ${token}`] : []),
            ...(name !== 'Content-Type' && hasBody ? ['Content-Type: application/json'] : []),
            ...(hasBody ? ['Content-Length: 2'] : []),
          ];
          const head = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n${name}: `), bytes, Buffer.from(`\r\n\r\n${hasBody ? '{}' : ''}`)]);
          const status = await rawRequest(head);
          const what = `${spec.method.toUpperCase()} ${path} ${name}: ${JSON.stringify(bytes.toString('latin1'))}`;
          if (control) expect(status, what).toBe(400);
          else if (name === 'Authorization') expect(status, what).toBe(401);
          else expect(status, what).toBeLessThan(500);
        }),
        { numRuns: RUNS * 8 },
      );
    });

    it('still answers /health afterwards', async () => {
      const r = await fetch(`${api.baseUrl}/health`);
      expect(r.status).toBe(200);
    });
  });
});
