import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandboxSmsProvider, smsSegments } from '../../integrations/sms/sandbox';
import { isGsm7Text } from '../../integrations/sms/segments';
import { sandboxZaloProvider } from '../../integrations/zalo/sandbox';
import type { DossierFacts, MessageFacts } from '../../notifications/facts';
import { unaccent, vnd, vnDateTime } from '../../notifications/format';
import { redactSecrets, renderEmail, renderSms, renderZalo, SMS_MAX_LENGTH, TEMPLATE_NAMES, znsRegistrations, type TemplateName } from '../../notifications/templates';

const ROOT = path.join(__dirname, '..', '..');

const DOSSIER: DossierFacts = {
  code: '000.20.20.H29-261124-0007',
  procedureName: 'Đăng ký thành lập hộ kinh doanh',
  agencyName: 'Ủy ban nhân dân Phường Sài Gòn',
  agencyAddress: '45-47 Lê Duẩn, Phường Sài Gòn, Thành phố Hồ Chí Minh',
  agencyPhone: '02838223344',
  applicantName: 'Nguyễn Thị Hồng Nhung',
  deliveryMethod: 'online',
  receivedAt: '2026-11-24T01:30:00.000Z', // 08:30 in Việt Nam
  appointmentAt: '2026-11-27T09:00:00.000Z', // 16:00
  dueAt: '2026-11-26T09:00:00.000Z',
  supplement: { items: ['Bản sao Căn cước của chủ hộ kinh doanh', 'Hợp đồng thuê địa điểm kinh doanh'], deadline: '2026-12-01T10:00:00.000Z', reason: 'Thiếu giấy tờ chứng minh địa điểm' },
  visit: { date: '2026-11-30', from: '08:00', to: '10:00', place: '12 Nguyễn Huệ, Phường Sài Gòn' },
  fee: { amountVnd: 50_000, paid: false },
  closingReason: 'Ngành nghề kinh doanh có điều kiện chưa đủ giấy phép',
  resultNumber: 'HKD-2026-000123',
  apologyReason: 'Chờ ý kiến của cơ quan thuế',
};

const LOOKUP_CODE = { code: '493027', expiresAt: '2026-11-24T01:35:00.000Z', validMinutes: 5 };

const facts = (name: TemplateName, dossier: DossierFacts = DOSSIER): MessageFacts =>
  name === 'officer_alert'
    ? { dossier, officerName: 'Trần Văn Minh', alert: { kind: 'escalation', level: 2, message: `Hồ sơ ${dossier.code} quá hạn, nhắc lần 2.` } }
    : name === 'lookup_code'
      ? { dossier, lookupCode: LOOKUP_CODE }
      : { dossier };

/** Template names the running system can put in the outbox, read from the code that does it. */
function emittedTemplates(): string[] {
  const phases = path.join(ROOT, 'workflows', 'dossier');
  const workflow = fs.readdirSync(phases).map((f) => fs.readFileSync(path.join(phases, f), 'utf8')).join('\n');
  const readModel = fs.readFileSync(path.join(ROOT, 'db', 'repositories', 'dossier-events.ts'), 'utf8');
  // Old path: notify('x'); the fast path (issue 18) carries the message with its event: notify: 'x'.
  const fromWorkflow = [...workflow.matchAll(/\bnotify(?:\(\s*|:\s*)'([a-z_]+)'/g)].map((m) => m[1]!);
  const fromReadModel = [...readModel.matchAll(/insert into notification_outbox[\s\S]*?'([a-z_]+)',\s*u\.user_id/g)].map((m) => m[1]!);
  expect(fromWorkflow.length).toBeGreaterThan(5);
  expect(fromReadModel).toEqual(['officer_alert']);
  // Services that write to the outbox themselves: the lookup by ID number's one-time code.
  const idLookup = fs.readFileSync(path.join(ROOT, 'dossiers', 'id-lookup.ts'), 'utf8');
  const fromServices = [...idLookup.matchAll(/template: '([a-z_]+)'/g)].map((m) => m[1]!);
  expect(fromServices).toEqual(['lookup_code']);
  return [...new Set([...fromWorkflow, ...fromReadModel, ...fromServices])];
}

describe('notification templates', () => {
  it('has a text for every channel of every template the workflow or the read model emits', async () => {
    const sms = sandboxSmsProvider();
    const zalo = sandboxZaloProvider({ templates: znsRegistrations() });
    const emitted = emittedTemplates();
    for (const name of emitted) {
      expect(TEMPLATE_NAMES, `no template for "${name}"`).toContain(name);
      const f = facts(name as TemplateName);

      // What identifies the message: the dossier's code, or the one-time code (which names no dossier).
      const mark = name === 'lookup_code' ? LOOKUP_CODE.code : DOSSIER.code;
      const text = renderSms(name as TemplateName, f);
      expect(text).toContain(mark);
      expect(isGsm7Text(text), `${name}: SMS must be GSM-7: ${text}`).toBe(true);
      await sms.send({ to: '0912345678', text, requestId: `tpl-${name}` }); // the gateway takes it

      const email = renderEmail(name as TemplateName, f);
      if (name !== 'lookup_code') expect(email.subject).toContain(DOSSIER.code);
      expect(email.text).toContain(mark);
      expect(email.subject + email.text, `${name}: e-mail keeps its diacritics`).toMatch(/[ồơđếạảữ]/);

      const zns = renderZalo(name as TemplateName, f);
      expect(zns.text).toContain(mark);
      await zalo.sendTemplate({ phone: '84912345678', templateId: zns.templateId, templateData: zns.params, trackingId: `tpl-${name}` });
    }
    // And nothing is defined that nobody sends.
    expect([...TEMPLATE_NAMES].sort()).toEqual([...emitted].sort());
  });

  it('puts the facts of each lifecycle event in Việt Nam time', () => {
    expect(vnDateTime('2026-11-24T01:30:00Z')).toBe('08:30 ngày 24/11/2026');
    expect(vnDateTime('2026-12-31T17:30:00Z')).toBe('00:30 ngày 01/01/2027');
    expect(vnd(1_250_000)).toBe('1.250.000 đồng');

    const receipt = renderEmail('intake_accepted', facts('intake_accepted'));
    expect(receipt.subject).toBe('Biên nhận hồ sơ 000.20.20.H29-261124-0007 – hẹn trả kết quả 16:00 ngày 27/11/2026');
    expect(receipt.text).toContain('Kính gửi Ông/Bà Nguyễn Thị Hồng Nhung,');
    expect(receipt.text).toContain('Thời điểm tiếp nhận: 08:30 ngày 24/11/2026');
    expect(receipt.text).toContain('Phí, lệ phí: 50.000 đồng (chưa nộp)');
    expect(renderSms('intake_accepted', facts('intake_accepted'))).toContain('Ngay hen tra ket qua: 16:00 27/11/2026');

    const supplement = renderEmail('supplement_requested', facts('supplement_requested'));
    expect(supplement.text).toContain('1. Bản sao Căn cước của chủ hộ kinh doanh');
    expect(supplement.text).toContain('2. Hợp đồng thuê địa điểm kinh doanh');
    expect(supplement.text).toContain('Hạn bổ sung: 17:00 ngày 01/12/2026');
    expect(supplement.text).toContain('Lý do: Thiếu giấy tờ chứng minh địa điểm');

    const visit = renderSms('site_visit_scheduled', facts('site_visit_scheduled'));
    expect(visit).toContain('tu 08:00 den 10:00 ngay 30/11/2026 tai 12 Nguyen Hue, Phuong Sai Gon');
    expect(renderZalo('site_visit_scheduled', facts('site_visit_scheduled')).params).toMatchObject({ thoi_gian: 'từ 08:00 đến 10:00 ngày 30/11/2026' });

    expect(renderEmail('payment_due', facts('payment_due')).subject).toContain('50.000 đồng');
    expect(renderSms('payment_due', facts('payment_due'))).toContain('50.000 dong');

    const apology = renderEmail('apology', facts('apology'));
    expect(apology.subject).toBe('Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ 000.20.20.H29-261124-0007');
    expect(apology.text).toContain('đúng hạn trả kết quả 16:00 ngày 26/11/2026');
    expect(apology.text).toContain('Ngày hẹn trả kết quả mới: 16:00 ngày 27/11/2026.');
    expect(apology.text).toContain('Lý do: Chờ ý kiến của cơ quan thuế');
    expect(renderZalo('apology', facts('apology')).params).toEqual({ ma_ho_so: DOSSIER.code, ngay_hen_cu: '16:00 26/11/2026', ngay_hen_moi: '16:00 27/11/2026' });

    const alert = renderEmail('officer_alert', facts('officer_alert'));
    expect(alert.subject).toBe('[Cảnh báo hạn] Hồ sơ 000.20.20.H29-261124-0007 quá hạn, nhắc lần 2');
    expect(alert.text).toContain('Kính gửi Trần Văn Minh,');
    expect(alert.text).toContain('Hạn giải quyết: 16:00 ngày 26/11/2026');
    expect(renderSms('officer_alert', facts('officer_alert'))).toMatch(/^\[Mot cua\] Ho so 000\.20\.20\.H29-261124-0007 qua han, nhac lan 2\. Han giai quyet: 16:00 26\/11\/2026/);

    expect(renderSms('denied', facts('denied'))).toContain('Thong bao so HKD-2026-000123');
    expect(renderEmail('result_delivered', facts('result_delivered')).text).toContain('kết quả số HKD-2026-000123, trả trực tuyến trên Cổng Dịch vụ công');
  });

  it('sends the one-time code of the lookup by ID number, and keeps it out of the delivery log', () => {
    const f = facts('lookup_code');
    const sms = renderSms('lookup_code', f);
    expect(sms).toBe('Ma xac thuc tra cuu ho so theo so CCCD/CMND: 493027, hieu luc 5 phut. Khong cung cap ma nay cho bat ky ai.');
    expect(sms).not.toContain(DOSSIER.code);
    const email = renderEmail('lookup_code', f);
    expect(email.subject).toBe('Mã xác thực tra cứu hồ sơ theo số CCCD/CMND');
    expect(email.text).toContain('là: 493027');
    expect(email.text).toContain('(đến 08:35 ngày 24/11/2026)');
    expect(redactSecrets(sms, f)).toBe(sms.replace('493027', '••••••'));
    expect(() => renderSms('lookup_code', { dossier: DOSSIER })).toThrow(/needs its code/);
  });

  it('stays within what the gateways take, however long the officer wrote', async () => {
    const long: DossierFacts = {
      ...DOSSIER,
      applicantName: 'Công Tằng Tôn Nữ Thị Hoàng Anh Thư Phương Trinh',
      supplement: { items: Array.from({ length: 30 }, (_, i) => `Giấy tờ số ${i + 1}: bản sao có chứng thực 🙂`), deadline: DOSSIER.supplement!.deadline, reason: 'x'.repeat(2000) },
      visit: { ...DOSSIER.visit!, place: 'Ấp 3, '.repeat(100) },
      closingReason: 'Lý do rất dài. '.repeat(200),
    };
    const zalo = sandboxZaloProvider({ templates: znsRegistrations() });
    for (const name of TEMPLATE_NAMES) {
      const text = renderSms(name, facts(name, long));
      expect(text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
      expect(isGsm7Text(text)).toBe(true);
      expect(smsSegments(text)).toBeLessThanOrEqual(4);
      const zns = renderZalo(name, facts(name, long));
      await expect(zalo.sendTemplate({ phone: '84912345678', templateId: zns.templateId, templateData: zns.params, trackingId: `long-${name}` })).resolves.toBeTruthy();
    }
    expect(unaccent('Đặng Thị Ưng Ý – hồ sơ “đã nhận”')).toBe('Dang Thi Ung Y - ho so "da nhan"');
  });

  it('sends to the ZNS template ids Zalo approved when they are configured', () => {
    const ids = { apology: '987654' };
    expect(renderZalo('apology', facts('apology'), ids).templateId).toBe('987654');
    expect(renderZalo('denied', facts('denied'), ids).templateId).not.toBe('987654');
    expect(Object.keys(znsRegistrations(ids))).toContain('987654');
  });
});
