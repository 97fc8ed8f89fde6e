import crypto from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { messageFolder } from './outbox-folder';
import { EmailDeliveryError, isEmailAddress, type EmailMessage, type EmailProvider } from './provider';

/** A stable Message-ID per message key: a copy sent again after a crash carries the same id. */
export function messageIdFor(messageKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${crypto.createHash('sha256').update(messageKey).digest('hex').slice(0, 32)}@${domain}>`;
}

function mail(from: string, m: EmailMessage): SendMailOptions {
  // Plain text in base64: Vietnamese diacritics survive any relay, and the body stays readable once decoded.
  return { from, to: m.to, subject: m.subject, text: m.text, messageId: messageIdFor(m.messageKey, from), textEncoding: 'base64' };
}

/**
 * Development e-mail: nodemailer builds the exact message an SMTP relay would get and it is
 * written to `<dir>/<message key>.eml` (open it in any mail client). Written once per key.
 * Listed recipients fail like a mailbox answering 450 (temporarily unavailable).
 */
export function outboxEmailProvider(opts: { dir: string; from: string; failRecipients?: readonly string[] }): EmailProvider {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const folder = messageFolder(opts.dir, '.eml');
  const failing = new Set((opts.failRecipients ?? []).map((r) => r.toLowerCase()));
  return {
    name: 'outbox-email',
    idempotent: true,
    async send(m) {
      if (!isEmailAddress(m.to)) throw new EmailDeliveryError(`553 5.1.3 Invalid recipient address ${m.to}`, 553, false);
      if (failing.has(m.to.toLowerCase())) throw new EmailDeliveryError(`450 4.2.1 Mailbox ${m.to} temporarily unavailable`, 450, true);
      const info = await transport.sendMail(mail(opts.from, m));
      folder.putOnce(m.messageKey, info.message as Buffer);
      return { messageId: info.messageId };
    },
    close() {
      transport.close();
    },
  };
}

/**
 * E-mail over SMTP (the centre's relay, a provider, or a local catcher), e.g.
 * smtp://user:pass@relay:587 or smtps://relay:465. Timeouts stay well under the claim lease,
 * so a hung relay fails the attempt instead of looking like a crashed worker.
 */
export function smtpEmailProvider(opts: { url: string; from: string; timeoutMs?: number }): EmailProvider {
  const timeout = opts.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({ url: opts.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    name: 'smtp',
    idempotent: false,
    async send(m) {
      if (!isEmailAddress(m.to)) throw new EmailDeliveryError(`553 5.1.3 Invalid recipient address ${m.to}`, 553, false);
      try {
        const info = await transport.sendMail(mail(opts.from, m));
        return { messageId: info.messageId };
      } catch (err) {
        const e = err as Error & { responseCode?: number };
        const code = typeof e.responseCode === 'number' ? e.responseCode : null;
        throw new EmailDeliveryError(e.message, code, code === null || code < 500);
      }
    },
    close() {
      transport.close();
    },
  };
}
