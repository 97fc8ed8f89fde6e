import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';

/**
 * What must hold after a faulty run, read straight from PostgreSQL and the development
 * outbox. Each check returns violations as sentences naming the dossier, so a failure says
 * what was duplicated or lost rather than "expected 0 to be 1".
 */

/** Event types of the sample procedure's happy path (online e-result), once each. */
export const HAPPY_PATH_EVENTS = ['submitted', 'intake_accepted', 'assigned', 'fee_paid', 'approval_proposed', 'approved', 'result_delivered_online', 'completed'];

/** Citizen notifications of that path (applicant with a phone and an e-mail: SMS and e-mail each). */
export const HAPPY_PATH_TEMPLATES = ['intake_accepted', 'result_delivered'];

const count = (rows: string[]) => rows.reduce((m, r) => m.set(r, (m.get(r) ?? 0) + 1), new Map<string, number>());

/** Read model, event log, payments and results of completed dossiers. */
export async function dossierViolations(
  db: Knex,
  dossierIds: number[],
  expect: { status?: string; events?: string[]; paid?: boolean } = {},
): Promise<string[]> {
  const out: string[] = [];
  const status = expect.status ?? 'COMPLETED';
  const dossiers: Array<{ id: number; code: string; status: string; fee_status: string | null; result_number: string | null }> = await db('dossiers')
    .whereIn('id', dossierIds)
    .select('id', 'code', 'status', 'fee_status', 'result_number');
  const byId = new Map(dossiers.map((d) => [Number(d.id), d]));
  for (const id of dossierIds) if (!byId.has(id)) out.push(`dossier ${id} is missing from the read model`);

  const events: Array<{ dossier_id: number; seq: number; type: string; to_status: string }> = await db('dossier_events')
    .whereIn('dossier_id', dossierIds)
    .orderBy(['dossier_id', 'seq', 'id'])
    .select('dossier_id', 'seq', 'type', 'to_status');
  const eventsOf = new Map<number, typeof events>();
  for (const e of events) eventsOf.set(Number(e.dossier_id), [...(eventsOf.get(Number(e.dossier_id)) ?? []), e]);

  const payments: Array<{ dossier_id: number; status: string; receipt_code: string | null }> = await db('dossier_payments').whereIn('dossier_id', dossierIds).select('dossier_id', 'status', 'receipt_code');
  const results: Array<{ dossier_id: number }> = await db('dossier_results').whereIn('dossier_id', dossierIds).select('dossier_id');
  const resultCount = count(results.map((r) => String(r.dossier_id)));

  for (const d of dossiers) {
    const id = Number(d.id);
    if (d.status !== status) out.push(`${d.code}: status ${d.status}, expected ${status}`);
    const log = eventsOf.get(id) ?? [];
    const seqs = log.map((e) => e.seq);
    const dupSeqs = [...count(seqs.map(String))].filter(([, n]) => n > 1);
    if (dupSeqs.length) out.push(`${d.code}: event seq repeated ${JSON.stringify(dupSeqs)}`);
    if (seqs.some((s, i) => s !== i + 1)) out.push(`${d.code}: event seqs ${JSON.stringify(seqs)} are not 1..${seqs.length}`);
    const types = log.map((e) => e.type);
    const dupTypes = [...count(types)].filter(([, n]) => n > 1);
    if (dupTypes.length) out.push(`${d.code}: event types logged more than once ${JSON.stringify(dupTypes)}`);
    if (expect.events && JSON.stringify([...types].sort()) !== JSON.stringify([...expect.events].sort())) {
      out.push(`${d.code}: events ${JSON.stringify(types)}, expected ${JSON.stringify(expect.events)}`);
    }
    // The read model is the projection of the last event: it has caught up with the log.
    const last = log[log.length - 1];
    if (last && last.to_status !== d.status) out.push(`${d.code}: read model says ${d.status}, last event (seq ${last.seq}) says ${last.to_status}`);

    const mine = payments.filter((p) => Number(p.dossier_id) === id);
    const paid = mine.filter((p) => p.status === 'paid');
    if (paid.length > 1) out.push(`${d.code}: ${paid.length} paid payments`);
    if (expect.paid !== false) {
      if (paid.length !== 1) out.push(`${d.code}: ${paid.length} paid payments, expected 1`);
      if (mine.length !== 1) out.push(`${d.code}: ${mine.length} payment rows (${mine.map((p) => p.status).join(', ')}), expected 1`);
      if (d.fee_status !== 'paid') out.push(`${d.code}: fee_status ${d.fee_status}`);
    }
    if (status === 'COMPLETED' && resultCount.get(String(id)) !== 1) out.push(`${d.code}: ${resultCount.get(String(id)) ?? 0} results issued, expected 1`);
  }
  const receipts = payments.map((p) => p.receipt_code).filter((c): c is string => Boolean(c));
  const dupReceipts = [...count(receipts)].filter(([, n]) => n > 1);
  if (dupReceipts.length) out.push(`receipt numbers issued twice: ${JSON.stringify(dupReceipts)}`);
  return out;
}

/** Outbox rows of these dossiers: one per (dossier, template) on the happy path. */
export async function outboxViolations(db: Knex, dossierIds: number[], templates = HAPPY_PATH_TEMPLATES): Promise<string[]> {
  const out: string[] = [];
  const rows: Array<{ dossier_id: number; template: string; job_key: string }> = await db('notification_outbox')
    .whereIn('dossier_id', dossierIds)
    .whereNull('recipient_user_id')
    .select('dossier_id', 'template', 'job_key');
  for (const id of dossierIds) {
    const mine = rows.filter((r) => Number(r.dossier_id) === id).map((r) => r.template);
    if (JSON.stringify([...mine].sort()) !== JSON.stringify([...templates].sort())) out.push(`dossier ${id}: citizen outbox rows ${JSON.stringify(mine)}, expected ${JSON.stringify(templates)}`);
  }
  return out;
}

/**
 * Deliveries: for every citizen outbox row of these dossiers, exactly one `notifications`
 * row per channel (its job id is `<outbox key>:<channel>`, the claim that makes a
 * redelivered job send nothing twice), sent and not dead-lettered, and no row for anything
 * else; no (dossier, template, channel) delivered under two keys.
 */
export async function deliveryViolations(db: Knex, dossierIds: number[], channels: readonly string[] = ['sms', 'email']): Promise<string[]> {
  const out: string[] = [];
  const outbox: Array<{ job_key: string }> = await db('notification_outbox').whereIn('dossier_id', dossierIds).whereNull('recipient_user_id').select('job_key');
  const expected = new Set(outbox.flatMap((o) => channels.map((c) => `${o.job_key}:${c}`)));
  const rows: Array<{ job_id: string; dossier_id: number; template: string; channel: string; status: string; dead_lettered_at: Date | null; error: string | null }> = await db('notifications')
    .whereIn('dossier_id', dossierIds)
    .whereNull('recipient_user_id')
    .select('job_id', 'dossier_id', 'template', 'channel', 'status', 'dead_lettered_at', 'error');
  const seen = count(rows.map((r) => r.job_id));
  for (const id of expected) {
    const n = seen.get(id) ?? 0;
    if (n !== 1) out.push(`${id}: ${n} notifications rows, expected 1`);
  }
  for (const r of rows) {
    if (!expected.has(r.job_id)) out.push(`${r.job_id}: a notifications row for no expected message`);
    if (r.status !== 'sent' || r.dead_lettered_at) out.push(`${r.job_id}: ${r.status}${r.dead_lettered_at ? ', dead-lettered' : ''}${r.error ? ` (${r.error})` : ''}`);
  }
  const logical = [...count(rows.map((r) => `${r.dossier_id}/${r.template}/${r.channel}`))].filter(([, n]) => n > 1);
  if (logical.length) out.push(`the same message delivered under several keys: ${JSON.stringify(logical)}`);
  return out;
}

/** Decodes the outbox folder's file names back to message keys (see integrations/email/outbox-folder.ts). */
export function outboxKeys(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(ext) && !f.startsWith('.'))
    .map((f) => decodeURIComponent(path.basename(f, ext)));
}

/** What the SMS sandbox (or the e-mail outbox) accepted for these dossiers: one message per expected key, nothing else. */
export async function acceptedMessageViolations(db: Knex, dossierIds: number[], dir: string, ext: string, channel: string): Promise<string[]> {
  const out: string[] = [];
  const outbox: Array<{ job_key: string }> = await db('notification_outbox').whereIn('dossier_id', dossierIds).whereNull('recipient_user_id').select('job_key');
  const expected = new Set(outbox.map((o) => `${o.job_key}:${channel}`));
  const ours = new Set(dossierIds.map((id) => `dossier-${id}-`));
  const keys = outboxKeys(dir, ext).filter((k) => [...ours].some((p) => k.startsWith(p)));
  const seen = count(keys);
  for (const k of expected) if (!seen.has(k)) out.push(`${k}: never reached the ${channel} provider`);
  for (const k of seen.keys()) if (!expected.has(k)) out.push(`${k}: accepted by the ${channel} provider for no outbox message`);
  return out;
}
