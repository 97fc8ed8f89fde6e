import { beforeAll, describe, expect, it } from 'vitest';
import { citizenToken, http, SAMPLE_SUBMISSION, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The public status lookup must not leak: names masked, nothing else personal, the code
 * alone is not enough (codes are sequential), an unknown code and a wrong check look the
 * same, the owner signed in sees their own list and nobody else's, and a client that
 * hammers it is slowed down.
 */
describe('public lookup privacy', () => {
  const { api } = useStack({ name: 'lookup', worker: false });
  const { api: limited } = useStack({ name: 'lookup-limited', worker: false, api: { publicRateLimit: { limit: 5, windowSeconds: 60 } } });
  const applicant = { fullName: 'Nguyễn Thị Bích Ngọc', idNumber: '079301004321', phone: '0909123456', email: 'ngoc@example.vn' };
  const other = { fullName: 'Trần Văn Khoa', idNumber: '079301008765', phone: '0909765432' };
  const codes: string[] = [];

  beforeAll(async () => {
    for (const who of [applicant, other, applicant]) {
      const r = await http('POST', `${api.baseUrl}/api/v1/dossiers`, { body: { ...SAMPLE_SUBMISSION, applicant: who }, headers: { 'Idempotency-Key': uniqueKey('lookup') } });
      expect(r.status).toBe(201);
      codes.push(r.body.code);
    }
  });

  const raw = (base: string, path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers }).then(async (r) => ({ status: r.status, headers: r.headers, body: (await r.json()) as any }));
  const shape = (b: Record<string, unknown>) => ({ type: b.type, title: b.title, status: b.status, detail: b.detail });

  it('masks the applicant and shows nothing else personal', async () => {
    const r = await raw(api.baseUrl, `/api/v1/status/${codes[0]}?check=4321`);
    expect(r.status).toBe(200);
    expect(r.body.applicant).toEqual({ fullName: 'N*** T*** B*** N***' }); // fixed width: the length of a name says nothing
    const text = JSON.stringify(r.body);
    for (const secret of ['Nguyễn Thị Bích Ngọc', '079301004321', '0909123456', 'ngoc@example.vn']) expect(text).not.toContain(secret);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('needs the last 4 digits of the ID number; an unknown code and a wrong check get the same answer', async () => {
    expect((await raw(api.baseUrl, `/api/v1/status/${codes[0]}`)).status).toBe(400);
    const wrong = await raw(api.baseUrl, `/api/v1/status/${codes[0]}?check=8765`);
    const unknown = await raw(api.baseUrl, `/api/v1/status/000.20.20.H29-991231-9999?check=4321`);
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(shape(wrong.body)).toEqual(shape(unknown.body));
    expect(Object.keys(wrong.body).sort()).toEqual(Object.keys(unknown.body).sort());
  });

  it('walking the sequential codes with a guessed check yields nothing', async () => {
    const [prefix, day, seq] = [codes[1]!.split('-')[0], codes[1]!.split('-')[1], Number(codes[1]!.split('-')[2])];
    const neighbours = [-2, -1, 1, 2, 50].map((d) => `${prefix}-${day}-${String(seq + d).padStart(4, '0')}`);
    const answers = await Promise.all(neighbours.map((c) => raw(api.baseUrl, `/api/v1/status/${c}?check=0000`)));
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    expect(new Set(answers.map((a) => JSON.stringify(shape(a.body)))).size).toBe(1);
  });

  it('takes about the same time for an unknown code as for a known code with a wrong check', async () => {
    const median = async (path: string) => {
      const times: number[] = [];
      for (let i = 0; i < 25; i++) {
        const t = performance.now();
        await raw(api.baseUrl, path);
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[12]!;
    };
    await median(`/api/v1/status/${codes[0]}?check=0000`); // warm-up
    const known = await median(`/api/v1/status/${codes[0]}?check=0000`);
    const unknown = await median(`/api/v1/status/000.20.20.H29-991231-9998?check=0000`);
    // Same query, same comparison: a difference is noise, not a signal an attacker could read.
    expect(Math.abs(known - unknown)).toBeLessThan(Math.max(known, unknown) * 0.75 + 2);
  });

  it('the signed-in applicant sees their own dossiers without a check, and only theirs', async () => {
    const mine = await citizenToken(applicant.idNumber);
    const own = await raw(api.baseUrl, `/api/v1/status/${codes[0]}`, { Authorization: `Bearer ${mine}` });
    expect(own.status).toBe(200);
    const notMine = await raw(api.baseUrl, `/api/v1/status/${codes[1]}`, { Authorization: `Bearer ${mine}` });
    expect(notMine.status).toBe(404);
    const list = await raw(api.baseUrl, `/api/v1/citizen/dossiers`, { Authorization: `Bearer ${mine}` });
    expect(list.status).toBe(200);
    const listed = list.body.dossiers.map((d: { code: string }) => d.code);
    expect(listed).toEqual(expect.arrayContaining([codes[0], codes[2]]));
    expect(listed).not.toContain(codes[1]);
    expect(JSON.stringify(list.body)).not.toContain(other.fullName);
    expect((await raw(api.baseUrl, `/api/v1/citizen/dossiers`)).status).toBe(401);
  });

  it('slows down a client that asks too often (Redis, per client)', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await raw(limited.baseUrl, `/api/v1/status/${codes[0]}?check=4321`)).status);
    expect(answers.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.slice(5)).toEqual([429, 429]);
    const last = await raw(limited.baseUrl, `/api/v1/status/${codes[0]}?check=4321`);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.body.detail).toMatch(/Quá nhiều yêu cầu/);
  });
});
