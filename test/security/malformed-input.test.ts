import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdf } from '../helpers/document-fixtures';
import {
  applicantIds,
  citizenToken,
  http,
  officerToken,
  readAnswer,
  SAMPLE_SUBMISSION,
  stackEnv,
  startProcess,
  submitSample,
  uniqueKey,
  type HttpAnswer,
  type ProcessUnderTest,
} from '../helpers/stack';
import { freePort } from '../../platform/temporal-dev-server';
import { useStack } from '../helpers/use-stack';

/**
 * Malformed requests (issue 14, findings 0, 3 and 4): whatever the path, query string or
 * body holds, the answer is a 4xx problem+json with a reason code and a Vietnamese detail,
 * nothing is stored, and no process dies. What an officer or citizen types into a live
 * dossier is covered by refused-input-workable.test.ts.
 */

/** A Vietnamese sentence: it has the letters only Vietnamese has. */
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;

function expectProblem(r: HttpAnswer, status: number, reason: string): void {
  expect({ status: r.status, reason: r.body?.reason }, JSON.stringify(r.body)).toEqual({ status, reason });
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body.detail).toMatch(VIETNAMESE);
}

/** A request sent as is: fetch would re-encode neither a malformed %-escape nor a raw one. */
async function raw(baseUrl: string, method: string, path: string, opts: { token?: string; body?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  return readAnswer(await fetch(`${baseUrl}${path}`, { method, headers, body: opts.body }));
}

describe('malformed input', () => {
  const { api } = useStack({ name: 'malformed', worker: false });
  const nextIdNumber = applicantIds('0791');
  const auditRowsOf = async (requestId: string | null) => Number((await api.db('audit_log').where('request_id', requestId).count({ n: '*' }))[0]!.n);

  describe('paths: a malformed %-escape or a control character is a 400 before any database work', () => {
    const cases: Array<[string, string, string, 'anonymous' | 'officer' | 'citizen']> = [
      ['GET', '/api/v1/procedures/%00', 'ControlCharacter', 'anonymous'],
      ['GET', '/api/v1/procedures/KT%7fHKD', 'ControlCharacter', 'anonymous'], // DEL
      ['GET', '/api/v1/procedures/%c2%85', 'ControlCharacter', 'anonymous'], // NEL, a C1 control
      ['GET', '/api/v1/dossiers/%ff', 'MalformedPercentEncoding', 'officer'],
      ['GET', '/api/v1/dossiers/%ff', 'MalformedPercentEncoding', 'anonymous'],
      ['GET', '/api/v1/documents/%c0%af', 'MalformedPercentEncoding', 'citizen'], // an overlong "/"
      ['GET', '/api/v1/documents/%ed%a0%80', 'MalformedPercentEncoding', 'citizen'], // a surrogate encoded as UTF-8
      ['GET', '/api/v1/status/000.20.20.H29-260101-0001%0a?check=1234', 'ControlCharacter', 'anonymous'],
      ['GET', '/api/v1/status/%e0%a4%a', 'MalformedPercentEncoding', 'anonymous'], // cut short
      ['POST', '/api/v1/dossiers/%ff/cancel', 'MalformedPercentEncoding', 'anonymous'],
      ['POST', '/api/v1/dossiers/%ff/cancel', 'MalformedPercentEncoding', 'officer'],
      ['POST', '/api/v1/dossiers/000.20.20.H29-260101-0001%00/intake/accept', 'ControlCharacter', 'officer'],
      ['POST', '/api/v1/citizen/dossiers/%ff/withdraw', 'MalformedPercentEncoding', 'citizen'],
      ['POST', '/api/v1/agencies/%ff/documents', 'MalformedPercentEncoding', 'officer'],
      ['GET', '/health/%ff', 'MalformedPercentEncoding', 'anonymous'],
      ['POST', '/sandbox/payment-gateway/%ff', 'MalformedPercentEncoding', 'anonymous'],
    ];
    it.each(cases)('%s %s (%s, %s)', async (method, path, reason, who) => {
      const token = who === 'officer' ? await officerToken('lanhdao.saigon') : who === 'citizen' ? await citizenToken('079303330001') : undefined;
      const r = await raw(api.baseUrl, method, path, { token, body: method === 'POST' ? JSON.stringify({ reason: 'Dừng' }) : undefined });
      expectProblem(r, 400, reason);
      expect(r.body.errors).toEqual([{ field: 'path', message: expect.stringMatching(VIETNAMESE) }]);
      // Refused before the audit trail (the first thing that writes) saw it.
      await new Promise((res) => setTimeout(res, 50));
      expect(await auditRowsOf(r.headers.get('x-request-id'))).toBe(0);
    });

    it('lets a well-formed escape through to the route (a 404 for an unknown procedure, not a 400)', async () => {
      const r = await raw(api.baseUrl, 'GET', '/api/v1/procedures/KT%2DNOPE');
      expect(r.status).toBe(404);
    });
  });

  describe('query strings', () => {
    it('a malformed %-escape in a query value or key is a 400', async () => {
      expectProblem(await raw(api.baseUrl, 'GET', '/api/v1/status/000.20.20.H29-260101-0001?check=%ff'), 400, 'MalformedPercentEncoding');
      expectProblem(await raw(api.baseUrl, 'GET', '/api/v1/procedures?%c0=1'), 400, 'MalformedPercentEncoding');
    });

    it('a control character (tab and newline included) in a query value is a 422 naming the parameter', async () => {
      const nul = await raw(api.baseUrl, 'GET', '/api/v1/status/000.20.20.H29-260101-0001?check=12%004');
      expectProblem(nul, 422, 'ControlCharacter');
      expect(nul.body.errors).toEqual([{ field: 'query.check', message: expect.stringContaining('U+0000'), reason: 'ControlCharacter' }]);
      const tab = await raw(api.baseUrl, 'GET', '/api/v1/alerts?unread=%0atrue', { token: await officerToken('giamsat.saigon') });
      expectProblem(tab, 422, 'ControlCharacter');
      expect(tab.body.errors).toEqual([{ field: 'query.unread', message: expect.stringContaining('U+000A'), reason: 'ControlCharacter' }]);
    });
  });

  describe('JSON bodies: nested at most 32 deep, checked before anything walks them', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

    it('an anonymous body 5,000 deep with an Idempotency-Key is a 400 and stores no key', async () => {
      const key = uniqueKey('deep');
      const r = await raw(api.baseUrl, 'POST', '/api/v1/dossiers', { body: nested(5000), headers: { 'Idempotency-Key': key } });
      expectProblem(r, 400, 'NestingTooDeep');
      expect(r.body.maxDepth).toBe(32);
      expect(await api.db('idempotency_keys').where('key', key).first()).toBeUndefined();
    });

    it('33 levels are refused, 32 reach the contract (which then says what is wrong with the fields)', async () => {
      const token = await officerToken('lanhdao.saigon');
      const path = '/api/v1/dossiers/000.20.20.H29-260101-0001/cancel';
      expectProblem(await raw(api.baseUrl, 'POST', path, { token, body: `{"reason":${nested(32)}}` }), 400, 'NestingTooDeep');
      const deepest = await raw(api.baseUrl, 'POST', '/api/v1/dossiers', { token: await citizenToken('079303330001'), body: `{"applicant":${nested(31)}}`, headers: { 'Idempotency-Key': uniqueKey('deep') } });
      expect(deepest.status, JSON.stringify(deepest.body)).toBe(422);
      expect(deepest.body.reason).not.toBe('NestingTooDeep');
    });

    it('a body whose strings hold brackets is not mistaken for a deep one', async () => {
      const idNumber = nextIdNumber();
      const r = await submitSample(api.baseUrl, idNumber, { documents: [{ name: `Giấy tờ ${'[{'.repeat(40)} (bản sao)` }] });
      expect(r.status).toBe(201);
    });
  });

  describe('JSON bodies: control characters and unpaired surrogates are a 422 naming the field, and nothing is stored', () => {
    const dossiersOf = async (idNumber: string) => Number((await api.db('dossiers').where('applicant_id_number', idNumber).count({ n: '*' }))[0]!.n);

    it('NUL in an online submission’s applicant name (a 500 before)', async () => {
      const idNumber = nextIdNumber();
      const key = uniqueKey('nul');
      const r = await http('POST', `${api.baseUrl}/api/v1/dossiers`, {
        body: { ...SAMPLE_SUBMISSION, applicant: { ...SAMPLE_SUBMISSION.applicant, idNumber, fullName: 'Nguyễn\u0000Văn An' } },
        headers: { 'Idempotency-Key': key },
      });
      expectProblem(r, 422, 'ControlCharacter');
      expect(r.body.errors).toEqual([{ field: 'applicant.fullName', message: 'chứa ký tự điều khiển không được phép (U+0000) ở vị trí 7', reason: 'ControlCharacter' }]);
      expect(await dossiersOf(idNumber)).toBe(0);
      expect(await api.db('idempotency_keys').where('key', key).first()).toBeUndefined();
    });

    it('BEL in a counter-typed address (stored before), and an unpaired surrogate in a document name', async () => {
      const idNumber = nextIdNumber();
      const body = {
        procedureCode: 'TP-CHUNGTHUC',
        agencyEid: '000.20.20.H29',
        deliveryMethod: 'counter',
        applicant: { fullName: 'Hoàng Thị Lan', idNumber, address: '12 Lê Lợi\u0007, Phường Sài Gòn' },
        documents: [{ name: 'Bản chính giấy khai sinh' }, { name: 'Bản sao \ud800' }],
      };
      const r = await http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body, headers: { 'Idempotency-Key': uniqueKey('bel'), 'X-User-Id': 'motcua.saigon' } });
      expectProblem(r, 422, 'ControlCharacter');
      expect(r.body.errors.map((e: { field: string; reason: string }) => [e.field, e.reason])).toEqual([
        ['applicant.address', 'ControlCharacter'],
        ['documents[1].name', 'UnpairedSurrogate'],
      ]);
      expect(await dossiersOf(idNumber)).toBe(0);
      // Multi-line text keeps its tabs and line breaks.
      const ok = await http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, {
        body: { ...body, applicant: { ...body.applicant, address: '12 Lê Lợi,\r\n\tPhường Sài Gòn' }, documents: [{ name: 'Bản sao' }] },
        headers: { 'Idempotency-Key': uniqueKey('bel'), 'X-User-Id': 'motcua.saigon' },
      });
      expect(ok.status).toBe(201);
      expect((await api.db('dossiers').where('applicant_id_number', idNumber).first('applicant_address')).applicant_address).toBe('12 Lê Lợi,\r\n\tPhường Sài Gòn');
    });

    it('DEL and C1 controls in a value, NUL in a key', async () => {
      const idNumber = nextIdNumber();
      const r = await http('POST', `${api.baseUrl}/api/v1/dossiers`, {
        body: { ...SAMPLE_SUBMISSION, applicant: { ...SAMPLE_SUBMISSION.applicant, idNumber, phone: '0912345678\u007f', email: 'an\u009b@example.vn' }, 'x\u0000': 1 },
        headers: { 'Idempotency-Key': uniqueKey('c1') },
      });
      expectProblem(r, 422, 'ControlCharacter');
      expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['applicant.phone', 'applicant.email', 'x\\u0000']);
      expect(await dossiersOf(idNumber)).toBe(0);
    });
  });

  describe('multipart uploads: the `name` field', () => {
    const upload = async (idNumber: string, parts: Array<[string, string] | 'file'>) => {
      const form = new FormData();
      for (const p of parts) {
        if (p === 'file') form.append('file', new Blob([pdf()], { type: 'application/pdf' }), 'to-khai.pdf');
        else form.append(p[0], p[1]);
      }
      return readAnswer(await fetch(`${api.baseUrl}/api/v1/citizen/documents`, { method: 'POST', headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` }, body: form }));
    };
    const documentsOf = async (idNumber: string) => Number((await api.db('documents').where('owner_id_number', idNumber).count({ n: '*' }))[0]!.n);

    it.each([
      ['NUL before the file', [['name', 'Tờ khai\u0000CT01'], 'file'] as Array<[string, string] | 'file'>, 'ControlCharacter'],
      ['ESC after the file', ['file', ['name', 'Tờ khai \u001b[31mCT01']] as Array<[string, string] | 'file'>, 'ControlCharacter'],
      ['a C1 control', [['name', 'Tờ khai\u0085'], 'file'] as Array<[string, string] | 'file'>, 'ControlCharacter'],
    ])('%s: a 422 naming `name`, and no document kept', async (_what, parts, reason) => {
      const idNumber = nextIdNumber();
      const r = await upload(idNumber, parts);
      expectProblem(r, 422, reason);
      expect(r.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(VIETNAMESE), reason }]);
      expect(await documentsOf(idNumber)).toBe(0);
      // The same upload with a clean name is kept.
      expect((await upload(idNumber, [['name', 'Tờ khai CT01'], 'file'])).status).toBe(201);
      expect(await documentsOf(idNumber)).toBe(1);
    });
  });
});

describe('the API process survives malformed requests (finding 0)', () => {
  let apiProcess: ProcessUnderTest;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    apiProcess = await startProcess('api', 'api/main.ts', stackEnv({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), /api: listening/);
  });
  afterAll(async () => {
    await apiProcess?.signal('SIGTERM');
  });

  it('answers POST /dossiers/%ff/cancel ten times with a 400, then /health with a 200 from the same process', async () => {
    const pid = apiProcess.child.pid;
    for (let i = 0; i < 10; i++) {
      const r = await raw(baseUrl, 'POST', '/api/v1/dossiers/%ff/cancel', { body: '{"reason":"x"}' });
      expectProblem(r, 400, 'MalformedPercentEncoding');
    }
    // Anything thrown after the answer (a response hook) would kill the process only once the event loop turns.
    await new Promise((r) => setTimeout(r, 500));
    const health = await raw(baseUrl, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(apiProcess.child.exitCode).toBeNull();
    expect(apiProcess.child.signalCode).toBeNull();
    const started = [...apiProcess.output().matchAll(/api: listening on \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(started).toEqual([pid]);
    expect(apiProcess.output()).not.toMatch(/URIError|uncaught/i);
  });
});
