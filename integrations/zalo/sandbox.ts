import crypto from 'node:crypto';
import path from 'node:path';
import { acceptedMessages } from '../email/outbox-folder';
import { ZaloApiError, type ZaloProvider } from './provider';

/** A template as registered with Zalo: parameter name → longest accepted value. */
export interface RegisteredZnsTemplate {
  params: Record<string, number>;
  text: string;
}

export interface SandboxZaloOptions {
  /** Templates Zalo approved, by id: calls are checked against them like the real API does. */
  templates: Record<string, RegisteredZnsTemplate>;
  /** Where accepted messages are kept (one JSON file each); without it they stay in memory. */
  dir?: string;
  /** Phones the sandbox treats as temporarily unreachable (retryable failure). */
  failRecipients?: readonly string[];
}

export interface AcceptedZns {
  messageId: string;
  phone: string;
  templateId: string;
  templateData: Record<string, string>;
  /** The registered text with the parameters filled in: what the citizen reads in Zalo. */
  text: string;
  trackingId: string;
  sentTime: string;
}

/**
 * Sandbox ZNS: refuses what the real API refuses — a phone not in 84xxxxxxxxx form, an
 * unknown template, missing or unexpected parameters, empty or over-long values — for
 * good; fails listed phones with a retryable error; answers a repeated tracking id with
 * the first message.
 */
export function sandboxZaloProvider(opts: SandboxZaloOptions): ZaloProvider & { accepted(): AcceptedZns[] } {
  const store = acceptedMessages<AcceptedZns>(opts.dir);
  const unreachable = new Set(opts.failRecipients ?? []);
  const refuse = (code: string, message: string) => new ZaloApiError(`ZNS refused the message: ${message}`, code, false);
  return {
    name: 'sandbox-zalo',
    idempotent: true,
    async sendTemplate({ phone, templateId, templateData, trackingId }) {
      if (!/^84[35789]\d{8}$/.test(phone)) throw refuse('INVALID_PHONE', `phone ${phone} is not in the form 84xxxxxxxxx`);
      const template = opts.templates[templateId];
      if (!template) throw refuse('TEMPLATE_NOT_FOUND', `template ${templateId} is not approved for this Official Account`);
      const expected = Object.keys(template.params);
      const missing = expected.filter((k) => !(k in templateData));
      const unexpected = Object.keys(templateData).filter((k) => !(k in template.params));
      if (missing.length || unexpected.length) {
        throw refuse('INVALID_TEMPLATE_DATA', `parameters missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`);
      }
      for (const [key, max] of Object.entries(template.params)) {
        const value = templateData[key];
        if (typeof value !== 'string' || value.trim() === '') throw refuse('INVALID_TEMPLATE_DATA', `parameter ${key} is empty`);
        if (Array.from(value).length > max) throw refuse('INVALID_TEMPLATE_DATA', `parameter ${key} is longer than ${max} characters`);
      }
      if (unreachable.has(phone)) throw new ZaloApiError(`ZNS: user ${phone} cannot be reached now, try later`, 'USER_UNREACHABLE', true);
      const earlier = store.recall(trackingId);
      if (earlier) return { messageId: earlier };
      const message: AcceptedZns = {
        messageId: crypto.randomBytes(16).toString('hex'),
        phone,
        templateId,
        templateData,
        text: template.text.replace(/<([a-z_]+)>/g, (_, k: string) => templateData[k] ?? ''),
        trackingId,
        sentTime: String(Date.now()),
      };
      return { messageId: store.keep(trackingId, message) };
    },
    accepted: () => store.list(),
  };
}

export const sandboxZaloDir = (outboxDir: string) => path.join(outboxDir, 'zalo');
