import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor, outboxEmailProvider, smtpEmailProvider } from '../../integrations/email/nodemailer-provider';
import { EmailDeliveryError } from '../../integrations/email/provider';
import { startSmtpCatcher, type SmtpCatcher } from '../../integrations/email/smtp-catcher';
import { normalizeVnMobile, SmsGatewayError } from '../../integrations/sms/provider';
import { sandboxSmsProvider } from '../../integrations/sms/sandbox';
import { ZaloApiError } from '../../integrations/zalo/provider';
import { sandboxZaloProvider } from '../../integrations/zalo/sandbox';
import { routesFor } from '../../notifications/channels';
import { notificationConfig } from '../../platform/config';
import { freePort } from '../../platform/temporal-dev-server';
import { readEml, tempOutbox } from '../helpers/notifications-fixtures';

const FROM = 'Bộ phận Một cửa <no-reply@motcua.example.vn>';
const MESSAGE = { to: 'an.nguyen@example.vn', subject: 'Biên nhận hồ sơ 000.20.20.H29-261124-0007 – hẹn trả kết quả', text: 'Kính gửi Ông/Bà Nguyễn Văn An,\n\nHồ sơ đã được tiếp nhận.' };

/** The providers behind the interfaces: the sandboxes refuse and fail like the real services. */
describe('notification providers', () => {
  describe('e-mail', () => {
    let catcher: SmtpCatcher;
    beforeAll(async () => {
      catcher = await startSmtpCatcher({ dir: path.join(tempOutbox(), 'smtp'), refuse: { 'busy@example.vn': 450, 'nobody@example.vn': 550 } });
    });
    afterAll(() => catcher.close());

    it('writes each message once as an .eml file in the development outbox', async () => {
      const dir = path.join(tempOutbox(), 'email');
      const email = outboxEmailProvider({ dir, from: FROM, failRecipients: ['busy@example.vn'] });
      const first = await email.send({ ...MESSAGE, messageKey: 'dossier-1-2-intake_accepted:email' });
      const again = await email.send({ ...MESSAGE, messageKey: 'dossier-1-2-intake_accepted:email' });
      expect(again.messageId).toBe(first.messageId);
      expect(first.messageId).toBe(messageIdFor('dossier-1-2-intake_accepted:email', FROM));
      const files = fs.readdirSync(dir);
      expect(files).toEqual(['dossier-1-2-intake_accepted%3aemail.eml']);
      const eml = readEml(path.join(dir, files[0]!));
      expect(eml.subject).toBe(MESSAGE.subject);
      expect(eml.text).toBe(MESSAGE.text);
      expect(eml.messageId).toBe(first.messageId);

      await expect(email.send({ ...MESSAGE, to: 'busy@example.vn', messageKey: 'k2' })).rejects.toMatchObject({ responseCode: 450, retryable: true });
      await expect(email.send({ ...MESSAGE, to: 'not an address', messageKey: 'k3' })).rejects.toMatchObject({ responseCode: 553, retryable: false });
      email.close();
    });

    it('sends over SMTP, and tells a mailbox that is busy (retry) from one that does not exist (give up)', async () => {
      const smtp = smtpEmailProvider({ url: catcher.url, from: FROM, timeoutMs: 5_000 });
      expect(smtp.idempotent).toBe(false);
      const sent = await smtp.send({ ...MESSAGE, messageKey: 'over-smtp' });
      expect(sent.messageId).toBe(messageIdFor('over-smtp', FROM));
      const [file] = catcher.folder.list();
      const eml = readEml(file!);
      expect(eml.subject).toBe(MESSAGE.subject);
      expect(eml.text).toBe(MESSAGE.text);

      const busy = await smtp.send({ ...MESSAGE, to: 'busy@example.vn', messageKey: 'busy' }).catch((e: unknown) => e);
      expect(busy).toBeInstanceOf(EmailDeliveryError);
      expect(busy).toMatchObject({ responseCode: 450, retryable: true });
      await expect(smtp.send({ ...MESSAGE, to: 'nobody@example.vn', messageKey: 'nobody' })).rejects.toMatchObject({ responseCode: 550, retryable: false });
      smtp.close();

      const down = smtpEmailProvider({ url: `smtp://127.0.0.1:${await freePort()}`, from: FROM, timeoutMs: 2_000 });
      await expect(down.send({ ...MESSAGE, messageKey: 'down' })).rejects.toMatchObject({ responseCode: null, retryable: true });
      down.close();
    });
  });

  describe('SMS sandbox', () => {
    it('refuses what a gateway refuses, fails unreachable numbers for a while, and answers a repeated request once', async () => {
      const dir = path.join(tempOutbox(), 'sms');
      const sms = sandboxSmsProvider({ dir, failRecipients: ['0987000111'] });
      await expect(sms.send({ to: '12345', text: 'x', requestId: 'a' })).rejects.toMatchObject({ code: 'INVALID_NUMBER', retryable: false });
      await expect(sms.send({ to: '0912345678', text: 'Hồ sơ '.repeat(60), requestId: 'b' })).rejects.toMatchObject({ code: 'TOO_LONG', retryable: false });
      const unreachable = await sms.send({ to: '+84987000111', text: 'x', requestId: 'c' }).catch((e: unknown) => e);
      expect(unreachable).toBeInstanceOf(SmsGatewayError);
      expect(unreachable).toMatchObject({ code: 'SUBSCRIBER_UNREACHABLE', retryable: true });

      const first = await sms.send({ to: '0912345678', text: 'Ho so da duoc tiep nhan', requestId: 'k:sms' });
      // Another process (the worker after a restart) asks again with the same id: same message.
      const again = await sandboxSmsProvider({ dir }).send({ to: '0912345678', text: 'Ho so da duoc tiep nhan', requestId: 'k:sms' });
      expect(again).toEqual(first);
      expect(sms.accepted()).toEqual([expect.objectContaining({ messageId: first.messageId, to: '84912345678', segments: 1 })]);
      expect(normalizeVnMobile('091 234 5678')).toBe('84912345678');
      expect(normalizeVnMobile('02838223344')).toBeNull(); // a landline cannot take SMS
    });
  });

  describe('Zalo ZNS sandbox', () => {
    const templates = { '420101': { params: { ma_ho_so: 30, ngay_hen_tra: 20 }, text: 'Hồ sơ <ma_ho_so>, hẹn trả <ngay_hen_tra>.' } };
    const ok = { phone: '84912345678', templateId: '420101', templateData: { ma_ho_so: '000.20.20.H29-261124-0007', ngay_hen_tra: '16:00 27/11/2026' }, trackingId: 't1' };

    it('checks the phone, the template and its parameters like the ZNS API', async () => {
      const zalo = sandboxZaloProvider({ templates, failRecipients: ['84987000111'] });
      const refused = (m: Partial<typeof ok>) => zalo.sendTemplate({ ...ok, ...m }).catch((e: unknown) => e);
      expect(await refused({ phone: '0912345678' })).toMatchObject({ code: 'INVALID_PHONE', retryable: false });
      expect(await refused({ templateId: '999999' })).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', retryable: false });
      expect(await refused({ templateData: { ma_ho_so: 'x' } as typeof ok.templateData })).toMatchObject({ code: 'INVALID_TEMPLATE_DATA' });
      expect(await refused({ templateData: { ...ok.templateData, extra: 'x' } as typeof ok.templateData })).toMatchObject({ code: 'INVALID_TEMPLATE_DATA' });
      expect(await refused({ templateData: { ...ok.templateData, ngay_hen_tra: 'x'.repeat(21) } })).toMatchObject({ code: 'INVALID_TEMPLATE_DATA' });
      expect(await refused({ templateData: { ...ok.templateData, ngay_hen_tra: ' ' } })).toMatchObject({ code: 'INVALID_TEMPLATE_DATA' });
      const busy = await refused({ phone: '84987000111' });
      expect(busy).toBeInstanceOf(ZaloApiError);
      expect(busy).toMatchObject({ code: 'USER_UNREACHABLE', retryable: true });

      const first = await zalo.sendTemplate(ok);
      expect(await zalo.sendTemplate(ok)).toEqual(first);
      expect(zalo.accepted()).toEqual([expect.objectContaining({ text: 'Hồ sơ 000.20.20.H29-261124-0007, hẹn trả 16:00 27/11/2026.' })]);
    });
  });

  describe('configuration and routing', () => {
    it('reads the channels, limits and sandbox failures from the environment', () => {
      const defaults = notificationConfig({});
      expect(defaults).toMatchObject({ citizenChannels: ['sms', 'email'], officerChannels: ['email', 'sms'], smtpUrl: undefined, attempts: 8, perSecond: { email: 10, sms: 20, zalo: 10 } });
      expect(defaults.outboxDir).toMatch(/data[/\\]outbox$/);
      const set = notificationConfig({
        NOTIFY_CITIZEN_CHANNELS: 'zalo, email',
        SMTP_URL: 'smtp://relay:587',
        NOTIFY_SMS_PER_SECOND: '5',
        NOTIFY_SANDBOX_FAIL_RECIPIENTS: '0987000111, busy@example.vn',
        ZALO_TEMPLATE_IDS: 'apology=555111,intake_accepted=555112',
      });
      expect(set).toMatchObject({
        citizenChannels: ['zalo', 'email'],
        smtpUrl: 'smtp://relay:587',
        perSecond: { sms: 5 },
        sandboxFailRecipients: ['0987000111', 'busy@example.vn'],
        zaloTemplateIds: { apology: '555111', intake_accepted: '555112' },
      });
      expect(() => notificationConfig({ NOTIFY_OFFICER_CHANNELS: 'email,fax' })).toThrow(/unknown channel\(s\) fax/);
      expect(() => notificationConfig({ ZALO_TEMPLATE_IDS: 'apology' })).toThrow(/template=id/);
    });

    it('routes a message to the channels its recipient has an address for', () => {
      const config = { citizenChannels: ['sms', 'email', 'zalo'] as const, officerChannels: ['email', 'sms'] as const };
      const c = { citizenChannels: [...config.citizenChannels], officerChannels: [...config.officerChannels] };
      expect(routesFor('citizen', { phone: '0912345678', email: null }, c)).toEqual([
        { channel: 'sms', address: '0912345678' },
        { channel: 'zalo', address: '84912345678' },
      ]);
      expect(routesFor('officer', { phone: null, email: 'giamsat@hcm.gov.vn' }, c)).toEqual([{ channel: 'email', address: 'giamsat@hcm.gov.vn' }]);
      expect(routesFor('citizen', { phone: ' ', email: '' }, c)).toEqual([]);
    });
  });
});
