import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applicantIds, dossierClient, eventually, http, payFeeAtCounter, POSTAL_SECRET, processControl, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Results returned by the public postal service, over HTTP on the real stack with the
 * sandbox post: delivered to the citizen, or returned to the counter and collected there.
 */
describe('result delivery by post', () => {
  // The worker ships through the API's sandbox post, whose callbacks come back to the API.
  const { api, finished } = useStack({ name: 'postal', worker: (started) => ({ PUBLIC_BASE_URL: started.baseUrl, POSTAL_SECRET }) });
  const { lookup, officer } = dossierClient(() => api);
  const idNumber = applicantIds('0793');


  async function approvedForPost(): Promise<{ code: string; tracking: string }> {
    const r = await submitSample(
      api.baseUrl,
      idNumber(),
      {
        procedureCode: 'TP-TRICHLUC',
        deliveryMethod: 'postal',
        postalAddress: { line: '25 Nguyễn Huệ', ward: 'Phường Sài Gòn', province: 'Thành phố Hồ Chí Minh' },
        documents: [{ name: 'Tờ khai yêu cầu cấp bản sao trích lục hộ tịch' }],
      },
      'post',
    );
    expect(r.status).toBe(201);
    const code: string = r.body.code;
    await payFeeAtCounter(api.baseUrl, code);
    await officer(code, 'intake/accept', 'motcua.saigon');
    // Issue 18: the specialist is assigned right after the acceptance has answered.
    const assignee = (await eventually(() => api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username'), (r) => !!r?.username)).username;
    await officer(code, 'review/proposal', assignee, { proposal: 'approve' });
    await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' });
    const s = await eventually(() => lookup(code), (x) => x.body.status.code === 'RESULT_IN_TRANSIT');
    expect(s.body.status.label).toBe('Đang chuyển phát kết quả qua bưu chính');
    expect(s.body.shipment.trackingNumber).toMatch(/^[A-Z]{2}\d{9}VN$/);
    return { code, tracking: s.body.shipment.trackingNumber };
  }

  it('ships the result with a tracking number and completes when the post delivers it', async () => {
    const { code, tracking } = await approvedForPost();
    expect(api.post.shipment(tracking)?.request.recipient).toMatchObject({ recipientName: 'Nguyễn Văn An', line: '25 Nguyễn Huệ', province: 'Thành phố Hồ Chí Minh' });
    // An officer cannot hand over at the counter what is with the post.
    expect((await officer(code, 'result/handover', 'motcua.saigon', { receivedBy: 'x' })).status).toBe(409);

    api.post.advance(tracking, 'in_transit');
    api.post.advance(tracking, 'out_for_delivery');
    api.post.advance(tracking, 'delivered', { receivedBy: 'Nguyễn Văn An' });
    await api.post.whenIdle();
    const done = await eventually(() => lookup(code), (x) => x.body.status.code === 'COMPLETED');
    expect(done.body.shipment).toEqual({ trackingNumber: tracking, status: 'delivered' });
    expect(done.body.history.map((h: any) => h.status.code)).toEqual(['SUBMITTED', 'RECEIVED', 'IN_REVIEW', 'AWAITING_DECISION', 'APPROVED', 'RESULT_IN_TRANSIT', 'RESULT_DELIVERED', 'COMPLETED']);
    const d = await api.db('dossiers').where({ code }).first('id');
    const types = (await api.db('dossier_events').where('dossier_id', d.id).orderBy('seq').select('type')).map((e) => e.type);
    expect(types.slice(-5)).toEqual(['result_posted', 'postal_in_transit', 'postal_out_for_delivery', 'result_delivered_by_post', 'completed']);
    const sheet = await processControl(api.baseUrl, code);
    expect(sheet.map((h) => h.step)).toEqual(['intake', 'review', 'decision', 'result', 'postal']);
    expect(sheet.every((h) => h.doneAt)).toBe(true);
    expect((await finished(code, 'postal-delivered')).status).toBe('COMPLETED');
  });

  it('a result returned by the post goes back to the counter, where the citizen collects it', async () => {
    const { code, tracking } = await approvedForPost();
    api.post.advance(tracking, 'in_transit');
    api.post.advance(tracking, 'out_for_delivery');
    api.post.advance(tracking, 'returned', { returnReason: 'Không liên lạc được người nhận' });
    await api.post.whenIdle();
    const back = await eventually(() => lookup(code), (x) => x.body.status.code === 'RESULT_RETURNED');
    expect(back.body.status.label).toContain('Bộ phận Một cửa');
    const handed = await officer(code, 'result/handover', 'motcua.saigon', { receivedBy: 'Nguyễn Văn An, CCCD ...6789' });
    expect(handed.status).toBe(200);
    const sheet = await processControl(api.baseUrl, code);
    expect(sheet.map((h) => h.step)).toEqual(['intake', 'review', 'decision', 'result', 'postal', 'result']);
    expect(sheet.every((h) => h.doneAt)).toBe(true);
    expect((await finished(code, 'postal-returned')).status).toBe('COMPLETED');
  });

  it('refuses a forged postal callback', async () => {
    const body = JSON.stringify({ trackingNumber: 'EB000000019VN', shipmentId: 'x', status: 'delivered', occurredAt: new Date().toISOString() });
    const ts = Date.now();
    const forged = await http('POST', `${api.baseUrl}/api/v1/postal/callback`, {
      body,
      headers: { 'content-type': 'application/json', 'x-timestamp': String(ts), 'x-signature': createHmac('sha256', 'a-wrong-secret-of-some-length').update(`${ts}.${body}`).digest('hex') },
    });
    expect(forged.status).toBe(401);
  });
});
