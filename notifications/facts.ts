import type { Tx } from '../db/connection';
import { dossierFactsRow } from '../db/repositories/dossiers';

/**
 * What a message says about its dossier, read from the read model. For citizen messages it
 * is taken when the event is put in the outbox (the snapshot travels in the outbox payload),
 * so a message sent minutes later still shows the supplement list or the appointment of
 * that event, not whatever the dossier says by then.
 */
export interface DossierFacts {
  code: string;
  procedureName: string;
  agencyName: string;
  agencyAddress: string | null;
  agencyPhone: string | null;
  applicantName: string;
  deliveryMethod: 'online' | 'counter' | 'postal';
  receivedAt: string | null;
  /** The citizen-facing appointment (ngày hẹn trả); after an apology, the new one. */
  appointmentAt: string | null;
  /** Legal due date: after an apology it still holds the date that was missed. */
  dueAt: string | null;
  supplement: { items: string[]; deadline: string | null; reason: string | null } | null;
  visit: { date: string; from: string; to: string; place: string } | null;
  fee: { amountVnd: number; paid: boolean } | null;
  closingReason: string | null;
  resultNumber: string | null;
  apologyReason: string | null;
}

/** A deadline alert as the read model writes it into the outbox payload. */
export interface AlertFacts {
  /** Deadline alerts; inter-agency legs' alerts (issue 17). */
  kind: 'at_risk' | 'overdue' | 'escalation' | 'leg_received' | 'leg_chased' | 'consultation_requested' | 'leg_overdue';
  level: number;
  message: string;
}

/** The one-time code of a lookup by ID number (dossiers/id-lookup.ts), carried in its outbox payload. */
export interface LookupCodeFacts {
  code: string;
  /** ISO instant after which the code no longer works (nothing is sent after it). */
  expiresAt: string;
  validMinutes: number;
}

/** Everything a template may use. */
export interface MessageFacts {
  dossier: DossierFacts | null;
  /** lookup_code: the code to send. */
  lookupCode?: LookupCodeFacts;
  /** Officer messages: the officer's name and the alert. */
  officerName?: string;
  alert?: AlertFacts;
}

const iso = (v: Date | string | null | undefined): string | null => (v ? new Date(v).toISOString() : null);

/** The dossier as a message describes it, or null when it is gone. */
export async function loadDossierFacts(db: Tx, dossierId: number): Promise<DossierFacts | null> {
  const d = await dossierFactsRow(db, dossierId);
  if (!d) return null;
  const pending = (d.pending_action ?? null) as Record<string, any> | null;
  const fee = d.fee_due_vnd === null || d.fee_due_vnd === undefined ? null : Number(d.fee_due_vnd);
  return {
    code: d.code,
    procedureName: d.procedure_name,
    agencyName: d.agency_name,
    agencyAddress: d.agency_address ?? null,
    agencyPhone: d.agency_phone ?? null,
    applicantName: d.applicant_full_name,
    deliveryMethod: d.delivery_method,
    receivedAt: iso(d.received_at),
    appointmentAt: iso(d.appointment_at),
    dueAt: iso(d.due_at),
    supplement:
      pending?.kind === 'supplement'
        ? { items: Array.isArray(pending.items) ? pending.items.map(String) : [], deadline: pending.deadline ?? null, reason: pending.reason ?? null }
        : null,
    visit:
      pending?.kind === 'site_visit' && pending.visit
        ? { date: String(pending.visit.date), from: String(pending.visit.from), to: String(pending.visit.to), place: String(pending.visit.place) }
        : null,
    fee: fee && fee > 0 ? { amountVnd: fee, paid: d.fee_status === 'paid' } : null,
    closingReason: d.closing_reason ?? null,
    resultNumber: d.result_number ?? null,
    apologyReason: d.apology_reason ?? null,
  };
}
