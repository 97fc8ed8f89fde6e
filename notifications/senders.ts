import type { EmailProvider } from '../integrations/email/provider';
import type { MessagingProvider } from '../integrations/messaging';
import type { SmsProvider } from '../integrations/sms/provider';
import type { ZaloProvider } from '../integrations/zalo/provider';
import type { Channel } from './channels';
import type { MessageFacts } from './facts';
import { redactSecrets, renderEmail, renderSms, renderZalo, type TemplateName } from './templates';

export interface ChannelProviders {
  email: EmailProvider;
  sms: SmsProvider;
  zalo: ZaloProvider;
}

/** A message rendered for one channel: its body on record, and how to hand it to the provider. */
export interface PreparedMessage {
  body: string;
  send(address: string, deliveryId: string): Promise<{ messageId: string }>;
}

/** One channel's provider, seen the same way whatever it is. */
export interface ChannelSender {
  readonly provider: string;
  /** Whether a send whose outcome is unknown may be repeated (the provider deduplicates on our id). */
  readonly idempotent: boolean;
  prepare(template: TemplateName, facts: MessageFacts): PreparedMessage;
}

/** A sender over a provider: what it is called and whether it deduplicates come from the provider itself. */
function senderOf(p: MessagingProvider, prepare: ChannelSender['prepare']): ChannelSender {
  return { provider: p.name, idempotent: p.idempotent, prepare };
}

export function channelSender(channel: Channel, providers: ChannelProviders, zaloTemplateIds: Record<string, string> = {}): ChannelSender {
  switch (channel) {
    case 'email': {
      const p = providers.email;
      return senderOf(p, (template, facts) => {
        const { subject, text } = renderEmail(template, facts);
        return { body: redactSecrets(`${subject}\n\n${text}`, facts), send: (to, key) => p.send({ to, subject, text, messageKey: key }) };
      });
    }
    case 'sms': {
      const p = providers.sms;
      return senderOf(p, (template, facts) => {
        const text = renderSms(template, facts);
        return { body: redactSecrets(text, facts), send: (to, key) => p.send({ to, text, requestId: key }) };
      });
    }
    case 'zalo': {
      const p = providers.zalo;
      return senderOf(p, (template, facts) => {
        const zns = renderZalo(template, facts, zaloTemplateIds);
        return {
          body: redactSecrets(zns.text, facts),
          send: (phone, key) => p.sendTemplate({ phone, templateId: zns.templateId, templateData: zns.params, trackingId: key }),
        };
      });
    }
  }
}
