import crypto from 'node:crypto';
import path from 'node:path';
import { acceptedMessages } from '../email/outbox-folder';
import { isGsm7Text } from './segments';
import { normalizeVnMobile, SmsGatewayError, type SmsProvider } from './provider';

export interface SandboxSmsOptions {
  /** Where accepted messages are kept (one JSON file each); without it they stay in memory. */
  dir?: string;
  /** Numbers the sandbox treats as unreachable: every send to them fails with a retryable error. */
  failRecipients?: readonly string[];
}

export interface AcceptedSms {
  messageId: string;
  to: string;
  text: string;
  segments: number;
  requestId: string;
  acceptedAt: string;
}

const MAX_SEGMENTS = 4;

/** Segments a gateway bills: 160/153 GSM-7 characters, or 70/67 in UCS-2 for anything else. */
export function smsSegments(text: string): number {
  const length = Array.from(text).length;
  const [single, multi] = isGsm7Text(text) ? [160, 153] : [70, 67];
  return length <= single ? 1 : Math.ceil(length / multi);
}

/**
 * Sandbox SMS gateway: behaves like a Vietnamese brandname gateway. It refuses malformed
 * numbers and messages over four segments for good, fails numbers listed as unreachable
 * (so retries and the dead-letter queue can be seen), returns message ids, and answers a
 * repeated request id with the first message, as gateways with duplicate protection do.
 */
export function sandboxSmsProvider(opts: SandboxSmsOptions = {}): SmsProvider & { accepted(): AcceptedSms[] } {
  const store = acceptedMessages<AcceptedSms>(opts.dir);
  const unreachable = new Set((opts.failRecipients ?? []).map((r) => normalizeVnMobile(r)).filter(Boolean));
  return {
    name: 'sandbox-sms',
    idempotent: true,
    async send({ to, text, requestId }) {
      const number = normalizeVnMobile(to);
      if (!number) throw new SmsGatewayError(`SMS gateway refused recipient ${to}: not a Vietnamese mobile number`, 'INVALID_NUMBER', false);
      const segments = smsSegments(text);
      if (segments > MAX_SEGMENTS) throw new SmsGatewayError(`SMS gateway refused a message of ${segments} segments (at most ${MAX_SEGMENTS})`, 'TOO_LONG', false);
      if (unreachable.has(number)) throw new SmsGatewayError(`SMS gateway: subscriber ${to} unreachable, try later`, 'SUBSCRIBER_UNREACHABLE', true);
      const earlier = store.recall(requestId);
      if (earlier) return { messageId: earlier };
      const message: AcceptedSms = { messageId: `sms-${crypto.randomUUID()}`, to: number, text, segments, requestId, acceptedAt: new Date().toISOString() };
      return { messageId: store.keep(requestId, message) };
    },
    accepted: () => store.list(),
  };
}

/** The sandbox's messages folder under the development outbox. */
export const sandboxSmsDir = (outboxDir: string) => path.join(outboxDir, 'sms');
