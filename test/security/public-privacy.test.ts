import { describe, expect, it } from 'vitest';
import { applicantIds, dossierClient, eventually, payFeeAtCounter, submitSample } from '../helpers/stack';
import { localDateIn } from '../helpers/site-visits';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 14, finding 2 (c): what officers type into a dossier (supplement items and reasons,
 * the place of an on-site visit, the reasons a dossier ended) may hold an ID number, a phone
 * number or an address. The public lookup (code + 4 digits) shows the step and its dates, never
 * that text; the applicant signed in sees all of it.
 */
describe('public lookup and what officers typed', () => {
  const { api } = useStack({ name: 'public-privacy' });
  const { lookup, ownerLookup, officer, assigneeOf } = dossierClient(() => api);
  const nextId = applicantIds('0792');
  const SECRETS = ['079188001234', '0909111222', '45 Nguyễn Huệ', '12 Lê Lợi', 'Phạm Văn Tư'];

  async function submitted(): Promise<string> {
    const r = await submitSample(api.baseUrl, nextId(), {}, 'privacy');
    expect(r.status).toBe(201);
    await payFeeAtCounter(api.baseUrl, r.body.code);
    return r.body.code;
  }
  const leaked = (body: unknown) => SECRETS.filter((s) => JSON.stringify(body).includes(s));

  it('shows a supplement request publicly as its kind, count and deadline; items and reason to the owner only', async () => {
    const code = await submitted();
    const items = ['Bản sao CCCD số 079188001234 của chủ hộ', 'Giấy ủy quyền của ông Phạm Văn Tư, SĐT 0909111222'];
    const asked = await officer(code, 'intake/supplement-request', 'motcua.saigon', { items, reason: 'Địa chỉ kinh doanh 45 Nguyễn Huệ chưa khớp', deadlineWorkingDays: 5 });
    expect(asked.status).toBe(200);

    const pub = await lookup(code);
    expect(pub.status).toBe(200);
    expect(pub.body.status.code).toBe('SUPPLEMENT_AT_INTAKE');
    expect(pub.body.pending).toEqual({ kind: 'supplement', itemCount: 2, deadline: expect.stringMatching(/T17:00:00\+07:00$/) });
    expect(leaked(pub.body)).toEqual([]);

    const own = await ownerLookup(code);
    expect(own.status).toBe(200);
    expect(own.body.pending).toEqual({ kind: 'supplement', items, reason: 'Địa chỉ kinh doanh 45 Nguyễn Huệ chưa khớp', itemCount: 2, deadline: pub.body.pending.deadline });
  });

  it('shows an on-site visit publicly by date and hours; the place to the owner only', async () => {
    const code = await submitted();
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    const specialist = await eventually(() => assigneeOf(code).catch(() => ''), (u) => u !== '');
    expect(specialist).toBeTruthy();
    const date = localDateIn(1);
    const visit = { date, from: '08:00', to: '10:00', place: '12 Lê Lợi, Phường Sài Gòn (gọi 0909111222)', officers: ['Lê Văn Hùng'] };
    // The sample procedure has no on-site verification in its catalogue: a leader schedules it with a reason.
    expect((await officer(code, 'verification', 'lanhdao.saigon', { visit, purpose: 'Kiểm tra địa điểm', exceptionReason: 'Cần kiểm tra địa điểm kinh doanh' })).status).toBe(200);

    const pub = await lookup(code);
    expect(pub.body.status.code).toBe('SITE_VERIFICATION');
    expect(pub.body.pending).toEqual({ kind: 'site_visit', visit: { date, from: '08:00', to: '10:00' } });
    expect(leaked(pub.body)).toEqual([]);

    const own = await ownerLookup(code);
    expect(own.body.pending.visit.place).toBe(visit.place);
  });

  it('keeps the reasons a dossier ended for the owner', async () => {
    const code = await submitted();
    const reasons = ['Người đề nghị (CCCD 079188001234) đã có hộ kinh doanh tại 45 Nguyễn Huệ'];
    expect((await officer(code, 'intake/refuse', 'motcua.saigon', { reasons })).status).toBe(200);
    const pub = await eventually(() => lookup(code), (s) => s.body.status?.code === 'REFUSED_AT_INTAKE');
    expect(pub.body.closingReason).toBeNull();
    expect(leaked(pub.body)).toEqual([]);
    expect((await ownerLookup(code)).body.closingReason).toBe(reasons[0]);
  });
});
