import type { Server } from 'node:http';
import express from 'express';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { rateLimit } from '../../api/rate-limit';
import { freePort } from '../../platform/temporal-dev-server';
import { http } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Public deadline preview (POST /api/v1/sla/preview) on the seeded VN-STATE calendar v1, with the
 * worked examples of docs/domain.md §5.2, and the Redis rate limit of the public endpoints.
 */
describe('SLA preview', () => {
  const { api } = useStack({ name: 'sla', worker: false });

  const preview = (body: unknown) => http('POST', `${api.baseUrl}/api/v1/sla/preview`, { body });

  it('dates Fri 13 Feb 2026 10:00 + 5 working days across Tết to Fri 27 Feb 10:00, and says why', async () => {
    const r = await preview({ agencyCode: '000.20.20.H29', receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: 5 } });
    expect(r.status).toBe(200);
    // 40 working hours: Fri 13 10:00–17:00 = 5.5 h; 14–22 Feb off (weekends + Tết Mon 16 – Fri 20);
    // Mon 23 – Thu 26 = 32 h (37.5); Fri 27 07:30 + 2.5 h = 10:00.
    expect(r.body).toMatchObject({
      appointmentAt: '2026-02-27T10:00:00+07:00',
      dueAt: '2026-02-27T10:00:00+07:00',
      calendar: { code: 'VN-STATE', version: 1 },
      agency: { eid: '000.20.20.H29' },
      timeLimit: { unit: 'working_days', value: 5, counting: 'working_hours' },
    });
    expect(r.body.daysSkipped).toHaveLength(9);
    expect(r.body.daysSkipped).toContainEqual({ day: '2026-02-17', name: 'Tết Bính Ngọ (mùng 1)' });
    expect(r.body.daysSkipped).toContainEqual({ day: '2026-02-14', name: 'Nghỉ cuối tuần (thứ Bảy)' });
    const text = r.body.explanation.join('\n');
    expect(text).toContain('Tết Bính Ngọ (29 tháng Chạp)');
    expect(text).toContain('16/02');
    expect(text).toContain('10:00 thứ Sáu 27/02/2026');
  });

  it('counts working hours across the lunch break and the night', async () => {
    // Mon 9 Mar 2026 16:00 + 4 h: 1 h until 17:00, then Tue 07:30 + 3 h = 10:30.
    const r = await preview({ receivedAt: '2026-03-09T16:00:00+07:00', timeLimit: { workingHours: 4 } });
    expect(r.status).toBe(200);
    expect(r.body.appointmentAt).toBe('2026-03-10T10:30:00+07:00');
    expect(r.body.timeLimit).toEqual({ unit: 'working_hours', value: 4 });
    // Received during the lunch break: counting starts at 13:00, 2 h → 15:00.
    const lunch = await preview({ receivedAt: '2026-03-09T12:00:00+07:00', timeLimit: { workingHours: 2 } });
    expect(lunch.body.appointmentAt).toBe('2026-03-09T15:00:00+07:00');
    expect(lunch.body.countingFrom).toBe('2026-03-09T12:00:00+07:00');
    expect(lunch.body.explanation.join('\n')).toContain('Ngoài giờ làm việc: thời hạn bắt đầu tính từ 13:00');
  });

  it('counts whole days without the day of receipt (docs/domain.md §5.2 worked examples)', async () => {
    const whole = (receivedAt: string, workingDays: number) => preview({ receivedAt, timeLimit: { workingDays, counting: 'whole_days' } });
    // Fri 21 Aug 2026 + 3: Sat 22 Aug is a make-up working day, Mon 24, Tue 25.
    expect((await whole('2026-08-21T09:00:00+07:00', 3)).body.appointmentAt).toBe('2026-08-25T17:00:00+07:00');
    // Fri 25 Apr 2025 + 3: Sat 26 Apr (make-up), Mon 28, Tue 29.
    expect((await whole('2025-04-25T09:00:00+07:00', 3)).body.appointmentAt).toBe('2025-04-29T17:00:00+07:00');
    // Fri 24 Apr 2026 + 1: Mon 27 Apr is the compensatory day for Giỗ Tổ (Sun 26) → Tue 28.
    const hung = await whole('2026-04-24T09:00:00+07:00', 1);
    expect(hung.body.appointmentAt).toBe('2026-04-28T17:00:00+07:00');
    expect(hung.body.timeLimit).toEqual({ unit: 'working_days', value: 1, counting: 'whole_days' });
    expect(hung.body.daysSkipped).toContainEqual({ day: '2026-04-27', name: 'Nghỉ bù Giỗ Tổ Hùng Vương (26/4 là Chủ nhật)' });
  });

  it('takes the limit from the catalogue by procedure code', async () => {
    // KT-HKD: 3 working days. Mon 9 Mar 10:00: 5.5 + 8 + 8 = 21.5 h by Wed close, Thu 07:30 + 2.5 h.
    const r = await preview({ agencyCode: '000.20.20.H29', receivedAt: '2026-03-09T10:00:00+07:00', procedureCode: 'KT-HKD' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      appointmentAt: '2026-03-12T10:00:00+07:00',
      procedure: { code: 'KT-HKD' },
      timeLimit: { unit: 'working_days', value: 3, counting: 'working_hours' },
    });
  });

  it('returns same-day procedures the next working day when received after the 15:00 cut-off', async () => {
    const before = await preview({ receivedAt: '2026-03-05T14:30:00+07:00', timeLimit: { sameDay: true } });
    expect(before.body.appointmentAt).toBe('2026-03-05T17:00:00+07:00');
    expect(before.body.timeLimit).toEqual({ unit: 'same_day', cutoff: '15:00' });
    const after = await preview({ receivedAt: '2026-03-05T15:30:00+07:00', timeLimit: { sameDay: true } });
    expect(after.body.appointmentAt).toBe('2026-03-06T17:00:00+07:00');
    // TP-TRICHLUC (civil-status extract) is same-day with a 15:00 cut-off: Friday after 15:00 → Monday.
    const friday = await preview({ receivedAt: '2026-03-06T15:10:00+07:00', procedureCode: 'TP-TRICHLUC' });
    expect(friday.body.appointmentAt).toBe('2026-03-09T17:00:00+07:00');
    const earlyCutoff = await preview({ receivedAt: '2026-03-05T14:30:00+07:00', timeLimit: { sameDay: true, cutoff: '14:00' } });
    expect(earlyCutoff.body.appointmentAt).toBe('2026-03-06T17:00:00+07:00');
  });

  it('uses the national calendar without an agency, and counts calendar days to the next working day', async () => {
    // Mon 9 Feb 2026 + 10 days = Thu 19 Feb (Tết); 20 Tết, 21–22 weekend → Mon 23 Feb at close.
    const r = await preview({ receivedAt: '2026-02-09T09:00:00+07:00', timeLimit: { calendarDays: 10 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ appointmentAt: '2026-02-23T17:00:00+07:00', calendar: { code: 'VN-STATE', version: 1 }, agency: null });
    // The catalogue's own form of a limit is accepted too.
    const catalogueForm = await preview({ receivedAt: '2026-02-13T10:00:00Z', timeLimit: { unit: 'working_days', value: 5 } });
    // 10:00Z is 17:00 in Hà Nội: counting starts Mon 23 Feb 07:30, 40 h → Fri 27 Feb 17:00.
    expect(catalogueForm.body.appointmentAt).toBe('2026-02-27T17:00:00+07:00');
    expect(catalogueForm.body.receivedAt).toBe('2026-02-13T17:00:00+07:00');
  });

  it('refuses bad input with a Vietnamese detail', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ timeLimit: { workingDays: 5 } }, 'receivedAt', 'bắt buộc'],
      [{ receivedAt: '2026-02-13T10:00:00', timeLimit: { workingDays: 5 } }, 'receivedAt', 'múi giờ'],
      [{ receivedAt: '13/02/2026 10:00', timeLimit: { workingDays: 5 } }, 'receivedAt', 'múi giờ'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00' }, 'timeLimit', 'đúng một trong hai'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: 5 }, procedureCode: 'KT-HKD' }, 'timeLimit', 'đúng một trong hai'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: -1 } }, 'timeLimit.workingDays', 'lớn hơn 0'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { calendarDays: 400 } }, 'timeLimit.calendarDays', 'không được quá 365'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingHours: 5000 } }, 'timeLimit.workingHours', 'không được quá'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: 1.5, counting: 'whole_days' } }, 'timeLimit.workingDays', 'nguyên'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: 2, workingHours: 3 } }, 'timeLimit', 'đúng một trong'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { sameDay: true, cutoff: '25:00' } }, 'timeLimit.cutoff', 'HH:MM'],
      [{ receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: '5' } }, 'timeLimit.workingDays', 'một số'],
    ];
    for (const [body, field, words] of cases) {
      const r = await preview(body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: any) => e.field), JSON.stringify(body)).toContain(field);
      expect(r.body.detail, JSON.stringify(body)).toContain(words);
      expect(r.body.detail).toMatch(/^Thông tin chưa hợp lệ/);
    }
  });

  it('answers 404 for an unknown agency or procedure, 422 outside the calendar coverage', async () => {
    const agency = await preview({ agencyCode: '000.99.99.H29', receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: 5 } });
    expect(agency.status).toBe(404);
    expect(agency.body.detail).toBe('Không tìm thấy cơ quan có mã 000.99.99.H29.');
    const procedure = await preview({ receivedAt: '2026-02-13T10:00:00+07:00', procedureCode: 'NOPE' });
    expect(procedure.status).toBe(404);
    expect(procedure.body.detail).toContain('Không có thủ tục mã "NOPE"');
    const future = await preview({ receivedAt: '2028-03-01T10:00:00+07:00', timeLimit: { workingDays: 5 } });
    expect(future.status).toBe(422);
    expect(future.body.detail).toContain('chưa có dữ liệu ngày nghỉ lễ năm 2028');
    expect(future.body.detail).toContain('01/01/2025 – 31/12/2027');
    // The receipt is covered but the due date is not: the same answer.
    const spill = await preview({ receivedAt: '2027-12-30T10:00:00+07:00', timeLimit: { workingDays: 5 } });
    expect(spill.status).toBe(422);
    expect(spill.body.detail).toContain('năm 2028');
  });
});

describe('public rate limit', () => {
  const { api } = useStack({ name: 'sla-rl', worker: false, api: { publicRateLimit: { limit: 3 } } });

  it('answers 429 with Retry-After after the limit, on the preview and on the status lookup', async () => {
    // A fixed window of one minute: stay clear of its end so all requests fall in one window.
    const intoWindow = (Date.now() / 1000) % 60;
    if (intoWindow > 50) await new Promise((r) => setTimeout(r, (61 - intoWindow) * 1000));
    const body = { receivedAt: '2026-02-13T10:00:00+07:00', timeLimit: { workingDays: 5 } };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await http('POST', `${api.baseUrl}/api/v1/sla/preview`, { body }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('3');
    expect(answers[0]!.headers.get('ratelimit-remaining')).toBe('2');
    const refused = answers[3]!;
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));
    expect(refused.body).toMatchObject({ status: 429, detail: `Quá nhiều yêu cầu, vui lòng thử lại sau ${retryAfter} giây.` });

    // The status lookup has its own counter.
    const lookups = [];
    for (let i = 0; i < 4; i++) lookups.push((await http('GET', `${api.baseUrl}/api/v1/status/000.20.20.H29-991231-0001`)).status);
    expect(lookups).toEqual([404, 404, 404, 429]);
    // Officers' endpoints are not limited.
    expect((await http('GET', `${api.baseUrl}/api/v1/procedures`)).status).toBe(200);
  });

  it('lets requests through when Redis does not answer', async () => {
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 0, retryStrategy: () => 1000 });
    dead.on('error', () => undefined);
    const app = express();
    app.use(rateLimit({ redis: dead, name: 'outage', limit: 1, windowSeconds: 60, timeoutMs: 200 }));
    app.get('/', (_req, res) => res.send('ok'));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const started = Date.now();
      const statuses = [(await http('GET', url)).status, (await http('GET', url)).status, (await http('GET', url)).status];
      expect(statuses).toEqual([200, 200, 200]);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      dead.disconnect();
    }
  });
});
