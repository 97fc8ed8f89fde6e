import path from 'node:path';
import { outboxEmailProvider, smtpEmailProvider } from '../integrations/email/nodemailer-provider';
import { normalizeVnMobile } from '../integrations/sms/provider';
import { sandboxSmsDir, sandboxSmsProvider } from '../integrations/sms/sandbox';
import { sandboxZaloDir, sandboxZaloProvider } from '../integrations/zalo/sandbox';
import type { NotificationConfig } from '../platform/config';
import type { ChannelProviders } from './senders';
import { znsRegistrations, type TemplateName } from './templates';

export const outboxEmailDir = (outboxDir: string) => path.join(outboxDir, 'email');

/**
 * The providers configuration asks for: e-mail over SMTP_URL, else as .eml files in the
 * development outbox; the SMS and Zalo sandboxes record what they accept in that outbox too.
 */
export function notificationProviders(config: NotificationConfig): ChannelProviders & { close(): void } {
  const fail = config.sandboxFailRecipients;
  const email = config.smtpUrl
    ? smtpEmailProvider({ url: config.smtpUrl, from: config.emailFrom })
    : outboxEmailProvider({ dir: outboxEmailDir(config.outboxDir), from: config.emailFrom, failRecipients: fail });
  const sms = sandboxSmsProvider({ dir: sandboxSmsDir(config.outboxDir), failRecipients: fail });
  const zalo = sandboxZaloProvider({
    templates: znsRegistrations(config.zaloTemplateIds as Partial<Record<TemplateName, string>>),
    dir: sandboxZaloDir(config.outboxDir),
    failRecipients: fail.map((r) => normalizeVnMobile(r)).filter((r): r is string => r !== null),
  });
  return { email, sms, zalo, close: () => email.close() };
}
