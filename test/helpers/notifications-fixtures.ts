import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { loadConfig, type NotificationConfig } from '../../platform/config';

/** Shared set-up of the notification suites: dossiers written straight into the read model. */

export interface DossierSeed {
  phone?: string | null;
  email?: string | null;
  assignee?: string;
  pendingAction?: Record<string, unknown> | null;
  appointmentAt?: string;
  dueAt?: string;
  feeDueVnd?: number;
  status?: string;
}

export async function createDossier(db: Knex, seed: DossierSeed = {}): Promise<{ id: number; code: string }> {
  const procedure = await db('procedures').where('code', 'KT-HKD').first('id');
  const agency = await db('agencies').where('eid', '000.20.20.H29').first('id');
  const assignee = seed.assignee ? await db('users').where('username', seed.assignee).first('id') : null;
  const code = `000.20.20.H29-261125-${crypto.randomInt(10_000, 99_999_999)}`;
  const [row] = await db('dossiers')
    .insert({
      code,
      workflow_id: `notify-test-${code}`,
      procedure_id: procedure.id,
      agency_id: agency.id,
      channel: 'online',
      delivery_method: 'online',
      status: seed.status ?? 'RECEIVED',
      applicant_full_name: 'Nguyễn Thị Hồng Nhung',
      applicant_id_number: '079199001234',
      applicant_phone: seed.phone === undefined ? '0912345678' : seed.phone,
      applicant_email: seed.email === undefined ? 'nhung.nguyen@example.vn' : seed.email,
      submitted_at: new Date('2026-11-24T01:00:00Z'),
      received_at: new Date('2026-11-24T01:30:00Z'),
      appointment_at: new Date(seed.appointmentAt ?? '2026-11-27T01:30:00Z'),
      due_at: seed.dueAt ? new Date(seed.dueAt) : new Date(seed.appointmentAt ?? '2026-11-27T01:30:00Z'),
      pending_action: seed.pendingAction ? JSON.stringify(seed.pendingAction) : null,
      fee_due_vnd: seed.feeDueVnd ?? 50_000,
      fee_status: (seed.feeDueVnd ?? 50_000) > 0 ? 'unpaid' : 'none',
      assignee_id: assignee?.id ?? null,
    })
    .returning(['id', 'code']);
  return { id: Number(row.id), code: row.code };
}

let n = 0;
/** An outbox key no other run or test uses. */
export function outboxKey(label: string): string {
  n += 1;
  return `t-${label}-${process.pid}-${Date.now().toString(36)}-${n}`;
}

export function tempOutbox(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-outbox-'));
}

/** Configuration as the worker reads it, for a test: fast retries, a private outbox. */
export function testNotificationConfig(overrides: Record<string, string> = {}): NotificationConfig {
  return loadConfig({ NOTIFY_OUTBOX_DIR: tempOutbox(), NOTIFY_ATTEMPTS: '3', NOTIFY_BACKOFF_MS: '20', NOTIFY_CLAIM_LEASE_MS: '500', NOTIFY_JOB_LOCK_MS: '1000', ...overrides }).notifications;
}

/** Decodes RFC 2047 encoded words (=?UTF-8?B?…?= / ?Q?) in a header, as a mail client shows it. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

/** Subject and plain-text body of a single-part .eml written with base64 text encoding. */
export function readEml(file: string): { headers: string; subject: string; to: string; messageId: string; text: string } {
  const raw = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n'); // SMTP carries CRLF, the outbox folder LF
  const split = raw.indexOf('\n\n');
  const headers = raw.slice(0, split).replace(/\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(headers)?.[1] ?? '';
  const body = raw.slice(split + 2);
  const text = /base64/i.test(header('Content-Transfer-Encoding')) ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { headers, subject: decodeHeader(header('Subject')), to: header('To'), messageId: header('Message-ID'), text };
}
