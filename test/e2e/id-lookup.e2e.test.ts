import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { sandboxSmsProvider, sandboxSmsDir } from '../../integrations/sms/sandbox';
import { normalizeVnMobile } from '../../integrations/sms/provider';
import { applicantIds, eventually, http, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 16 item 10: the lookup by ID number ("tra cứu bằng mã hồ sơ hoặc căn cước công
 * dân"), on the real stack: the API in this process, the worker process relaying the outbox
 * to the sandbox SMS gateway and the e-mail outbox. The ID number alone shows nothing; a
 * one-time code sent to the contact on file shows the list, masked.
 */
describe('lookup by ID number with a one-time code', () => {
  // Lock-outs out of the way here: they have their own API below, with low thresholds.
  const high = { failuresPerCode: 10_000, failuresPerClient: 10_000 };
  const { api } = useStack({ name: 'id-lookup', api: { idLookup: { sends: high, wrongCodes: high } } });
  // Codes that live 8 s, to see one expire (no worker: the stack's worker above sends for both).
  const { api: shortLived } = useStack({ name: 'id-lookup-ttl', worker: false, api: { idLookup: { ttlSeconds: 8, sends: high, wrongCodes: high } } });
  // 2 codes per ID number and 4 per client.
  const { api: strictSends } = useStack({ name: 'id-lookup-sends', worker: false, api: { idLookup: { sends: { failuresPerCode: 2, failuresPerClient: 4 }, wrongCodes: high } } });
  // 3 wrong codes per ID number and 5 per client.
  const { api: strictCodes } = useStack({ name: 'id-lookup-codes', worker: false, api: { idLookup: { sends: high, wrongCodes: { failuresPerCode: 3, failuresPerClient: 5 } } } });
  const idNumber = applicantIds('0793');
  const smsDir = sandboxSmsDir(path.join(os.tmpdir(), `dossier-outbox-${inject('runId')}`));
  let phoneSeq = 0;
  const newPhone = () => `09${String(process.pid).padStart(5, '0').slice(-5)}${String(++phoneSeq).padStart(3, '0')}`;

  const ask = (base: string, id: string) => http('POST', `${base}/api/v1/status/by-id-number`, { body: { idNumber: id } });
  const verify = (base: string, id: string, code: string) => http('POST', `${base}/api/v1/status/by-id-number/verify`, { body: { idNumber: id, code } });

  /** An applicant with a dossier of their own, a phone and an e-mail nobody else in this suite has. */
  async function applicant(fullName = 'Nguyễn Văn An') {
    const id = idNumber();
    const phone = newPhone();
    const email = `id-lookup-${id}@example.vn`;
    const r = await submitSample(api.baseUrl, id, { applicant: { fullName, idNumber: id, phone, email } }, 'id-lookup');
    expect(r.status).toBe(201);
    return { id, phone, email, fullName, code: r.body.code as string };
  }

  /** The code in the newest SMS the sandbox gateway accepted for this phone after `since`. */
  async function smsCode(phone: string, since: number): Promise<{ code: string; text: string }> {
    const to = normalizeVnMobile(phone);
    const sms = await eventually(
      async () => sandboxSmsProvider({ dir: smsDir }).accepted().filter((m) => m.to === to && Date.parse(m.acceptedAt) >= since && /Ma xac thuc tra cuu/.test(m.text)),
      (list) => list.length > 0,
    );
    const text = sms.sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt)).at(-1)!.text;
    return { code: /(\d{6})/.exec(text)![1]!, text };
  }

  it('answers the same whether or not the ID number has dossiers, and sends the code by SMS and e-mail only to the one on file', async () => {
    const a = await applicant();
    const nobody = idNumber(); // no dossier
    const [before] = await api.db('notification_outbox').where('template', 'lookup_code').count<{ count: string }[]>('* as count');
    const since = Date.now() - 1000;
    const known = await ask(api.baseUrl, a.id);
    const unknown = await ask(api.baseUrl, nobody);
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    expect(known.body.message).toMatch(/^Nếu số giấy tờ này có hồ sơ, mã xác thực đã được gửi/);
    expect(known.headers.get('cache-control')).toBe('no-store');
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());

    // The SMS reached the sandbox gateway with the code; the e-mail went too.
    const { code, text } = await smsCode(a.phone, since);
    expect(text).toMatch(/hieu luc 5 phut/);
    expect(text).not.toContain(a.id);
    const sent = await eventually(
      () => api.db('notifications').where({ template: 'lookup_code', status: 'sent' }).whereIn('recipient', [a.phone, a.email]).select('channel', 'body'),
      (rows) => rows.length === 2,
    );
    expect(sent.map((r) => r.channel).sort()).toEqual(['email', 'sms']);
    // The delivery log keeps the message with the code blanked.
    for (const row of sent) {
      expect(row.body).not.toContain(code);
      expect(row.body).toContain('••••••');
    }
    // One message for the known ID, none for the other.
    const [after] = await api.db('notification_outbox').where('template', 'lookup_code').count<{ count: string }[]>('* as count');
    expect(Number(after!.count) - Number(before!.count)).toBe(1);

    // The timing: asking for either takes about as long (nothing awaited depends on dossiers existing).
    const median = async (id: string) => {
      const times: number[] = [];
      for (let i = 0; i < 9; i++) {
        const t = performance.now();
        expect((await ask(api.baseUrl, id)).status).toBe(202);
        times.push(performance.now() - t);
      }
      return times.sort((x, y) => x - y)[4]!;
    };
    const [k, u] = [await median(a.id), await median(nobody)];
    expect(Math.abs(k - u)).toBeLessThan(Math.max(k, u) * 0.75 + 5);
  });

  it('the code gives the list of that person’s dossiers with the seed’s fields, masked; a wrong code is refused; a code works once', async () => {
    const a = await applicant('Trần Thị Bích Ngọc');
    const second = await submitSample(api.baseUrl, a.id, { applicant: { fullName: a.fullName, idNumber: a.id, phone: a.phone, email: a.email } }, 'id-lookup');
    const other = await applicant('Lê Văn Khoa');
    const since = Date.now() - 1000;
    expect((await ask(api.baseUrl, a.id)).status).toBe(202);
    const { code } = await smsCode(a.phone, since);

    const wrong = await verify(api.baseUrl, a.id, code === '000000' ? '000001' : '000000');
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ reason: 'LookupCodeWrong', attemptsLeft: 4 });
    expect(wrong.body.detail).toBe('Mã xác thực không đúng. Ông/Bà còn 4 lần nhập.');
    // The right code for someone else's ID number is a wrong code there.
    expect((await verify(api.baseUrl, other.id, code)).body.reason).toMatch(/LookupCode(Wrong|Expired)/);

    const list = await verify(api.baseUrl, a.id, code);
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    expect(list.body.dossiers.map((d: { code: string }) => d.code).sort()).toEqual([a.code, second.body.code].sort());
    expect(list.body.dossiers[0]).toMatchObject({
      code: expect.any(String),
      procedure: { code: 'KT-HKD', name: expect.any(String) },
      applicant: { fullName: 'T*** T*** B*** N***' },
      status: { code: 'SUBMITTED', label: 'Đã nộp, chờ tiếp nhận' },
    });
    expect(list.body.dossiers[0]).toHaveProperty('receivedAt');
    expect(list.body.dossiers[0]).toHaveProperty('appointmentAt');
    const text = JSON.stringify(list.body);
    for (const secret of [a.fullName, a.id, a.phone, a.email, other.code, 'Lê Văn Khoa']) expect(text).not.toContain(secret);

    // One use: the same code again is no longer valid.
    const again = await verify(api.baseUrl, a.id, code);
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ reason: 'LookupCodeExpired' });
    expect(again.body.detail).toMatch(/Mã xác thực đã hết hiệu lực/);

    // Malformed input: Vietnamese field errors.
    const bad = await http('POST', `${api.baseUrl}/api/v1/status/by-id-number`, { body: { idNumber: '12345' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ field: 'idNumber', message: expect.stringMatching(/CCCD gồm 12 chữ số/) });
    expect((await http('POST', `${api.baseUrl}/api/v1/status/by-id-number/verify`, { body: { idNumber: a.id, code: '12a' } })).status).toBe(422);
  });

  it('limits the attempts: after 5 wrong codes the code is void, even the right one', async () => {
    const a = await applicant();
    const since = Date.now() - 1000;
    expect((await ask(api.baseUrl, a.id)).status).toBe(202);
    const { code } = await smsCode(a.phone, since);
    const wrongCode = code === '999999' ? '999998' : '999999';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await verify(api.baseUrl, a.id, wrongCode)).body);
    expect(answers.slice(0, 4).map((b) => b.attemptsLeft)).toEqual([4, 3, 2, 1]);
    expect(answers[4]).toMatchObject({ reason: 'LookupCodeExpired' });
    const right = await verify(api.baseUrl, a.id, code);
    expect(right.status).toBe(422);
    expect(right.body.reason).toBe('LookupCodeExpired');
    // A new code works again.
    const since2 = Date.now(); // after the first SMS arrived
    expect((await ask(api.baseUrl, a.id)).status).toBe(202);
    const fresh = await smsCode(a.phone, since2);
    expect(fresh.code).not.toBe(undefined);
    expect((await verify(api.baseUrl, a.id, fresh.code)).status).toBe(200);
  });

  it('refuses an expired code', async () => {
    const a = await applicant();
    const since = Date.now() - 1000;
    const asked = await ask(shortLived.baseUrl, a.id);
    expect(asked.body.expiresInSeconds).toBe(8);
    const { code } = await smsCode(a.phone, since);
    await new Promise((r) => setTimeout(r, Math.max(0, since + 1000 + 8_500 - Date.now())));
    const late = await verify(shortLived.baseUrl, a.id, code);
    expect(late.status).toBe(422);
    expect(late.body.reason).toBe('LookupCodeExpired');
  });

  it('rate limits codes asked per ID number and per client', async () => {
    const a = await applicant();
    // Per ID number: 2 codes, then 429 for that number.
    expect((await ask(strictSends.baseUrl, a.id)).status).toBe(202);
    expect((await ask(strictSends.baseUrl, a.id)).status).toBe(202);
    const third = await ask(strictSends.baseUrl, a.id);
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ reason: 'LookupCodeRequestsLocked' });
    expect(third.body.detail).toMatch(/quá nhiều lần/);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // Per client: 4 codes asked from this address, whatever the numbers (the refused one is not counted).
    expect((await ask(strictSends.baseUrl, idNumber())).status).toBe(202);
    expect((await ask(strictSends.baseUrl, idNumber())).status).toBe(202);
    const client = await ask(strictSends.baseUrl, idNumber());
    expect(client.status).toBe(429);
    expect(client.body.reason).toBe('LookupCodeRequestsLocked');
  });

  it('rate limits wrong codes per ID number (the right code included once locked) and per client', async () => {
    const b = await applicant();
    const since = Date.now() - 1000;
    expect((await ask(strictCodes.baseUrl, b.id)).status).toBe(202);
    const { code } = await smsCode(b.phone, since);
    const wrongCode = code === '111111' ? '111112' : '111111';
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await verify(strictCodes.baseUrl, b.id, wrongCode)).status);
    expect(statuses).toEqual([422, 422, 422, 429]);
    const locked = await verify(strictCodes.baseUrl, b.id, code);
    expect(locked.status).toBe(429);
    expect(locked.body.reason).toBe('LookupCodeLocked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Per client: 5 wrong codes from this address lock it for every number (3 counted above, then 2 more).
    const c = idNumber();
    expect((await verify(strictCodes.baseUrl, c, '123456')).status).toBe(422);
    expect((await verify(strictCodes.baseUrl, c, '123456')).status).toBe(422);
    expect((await verify(strictCodes.baseUrl, idNumber(), '123456')).status).toBe(429);
  });
});
