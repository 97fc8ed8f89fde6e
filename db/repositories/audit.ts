import type { Tx } from '../connection';

/** One row of `audit_log` (the table refuses UPDATE and DELETE). */
export interface NewAuditEntry {
  actor_kind: string;
  actor_id: number | null;
  actor_label: string;
  actor_role: string | null;
  agency_id: number | null;
  action: string;
  dossier_id: number | null;
  target: string;
  reason: string | null;
  before: string | null;
  after: string;
  request_id: string | null;
}

export async function insertAuditEntry(db: Tx, entry: NewAuditEntry): Promise<void> {
  await db('audit_log').insert(entry);
}

export interface AuditEntryRow {
  id: number | string;
  at: Date;
  actor_kind: string;
  actor_label: string;
  actor_role: string | null;
  action: string;
  target: string;
  reason: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  full_name: string | null;
}

/** The dossier's audit entries, oldest first (at most 1000), with the acting officer's name. */
export async function auditEntriesOfDossier(db: Tx, dossierId: number): Promise<AuditEntryRow[]> {
  return db('audit_log as l')
    .leftJoin('users as u', 'u.id', 'l.actor_id')
    .where('l.dossier_id', dossierId)
    .orderBy('l.id')
    .limit(1000)
    .select('l.id', 'l.at', 'l.actor_kind', 'l.actor_label', 'l.actor_role', 'l.action', 'l.target', 'l.reason', 'l.before', 'l.after', 'l.request_id', 'u.full_name');
}
