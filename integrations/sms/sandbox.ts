import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { messageFolder, type MessageFolder } from '../email/outbox-folder';
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
  const folder: MessageFolder | null = opts.dir ? messageFolder(opts.dir, '.json') : null;
  const memory = new Map<string, AcceptedSms>();
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
      const existing = folder ? folder.read(requestId) : null;
      if (existing) return { messageId: (JSON.parse(existing) as AcceptedSms).messageId };
      const known = memory.get(requestId);
      if (known) return { messageId: known.messageId };
      const message: AcceptedSms = { messageId: `sms-${crypto.randomUUID()}`, to: number, text, segments, requestId, acceptedAt: new Date().toISOString() };
      if (folder) {
        const put = folder.putOnce(requestId, JSON.stringify(message, null, 2));
        // A concurrent request with the same id got there first: its message is the one sent.
        if (!put.created) return { messageId: (JSON.parse(folder.read(requestId)!) as AcceptedSms).messageId };
      } else memory.set(requestId, message);
      return { messageId: message.messageId };
    },
    accepted() {
      if (!folder) return [...memory.values()];
      return folder.list().map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as AcceptedSms);
    },
  };
}

/** The sandbox's messages folder under the development outbox. */
export const sandboxSmsDir = (outboxDir: string) => path.join(outboxDir, 'sms');
