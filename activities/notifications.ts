import type { Tx } from '../db/connection';
import { insertOutboxMessage } from '../db/repositories/outbox';
import { loadDossierFacts } from '../notifications/facts';
import type { CitizenTemplate } from '../notifications/templates';

/** What the dossier workflow asks for: tell the applicant about this event. */
export interface NotificationJob {
  dossierId: number;
  template: CitizenTemplate;
}

/**
 * Records that the applicant must be told something; PostgreSQL only, idempotent on the
 * job key (a retried activity inserts nothing). The facts the message shows (appointment,
 * supplement list and deadline, visit, fee, reasons) are taken now, right after the event
 * was projected, and kept in the outbox payload: the message says what this event said
 * even if the dossier has moved on by the time it is sent. The first snapshot wins.
 */
export async function addToOutbox(db: Tx, jobKey: string, job: NotificationJob): Promise<void> {
  const dossier = await loadDossierFacts(db, job.dossierId);
  if (!dossier) throw new Error(`dossier ${job.dossierId} not found`);
  await insertOutboxMessage(db, { job_key: jobKey, dossier_id: job.dossierId, template: job.template, payload: JSON.stringify({ dossier }) });
}
