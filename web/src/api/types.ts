import type { components } from './schema';

/**
 * Bodies of the 2xx answers the portal reads, as the API writes them (calendars/catalogue.ts,
 * calendars/sla-preview.ts, dossiers/lookup.ts). Interim: once the contract describes 2xx
 * bodies, these come from schema.d.ts instead.
 */
export type TimeLimit =
  | { unit: 'working_days'; value: number; counting?: 'working_hours' | 'whole_days' }
  | { unit: 'working_hours'; value: number }
  | { unit: 'calendar_days'; value: number }
  | { unit: 'same_day'; cutoff?: string };

export interface Procedure {
  code: string;
  nationalCode: string | null;
  name: string;
  field: string;
  legalBasis: string | null;
  timeLimit: TimeLimit;
  onlineLevel: 'full' | 'partial';
  onSiteVerification: boolean;
  feeTiming: 'none' | 'at_submission' | 'before_processing' | 'at_result';
  clockPolicy: string | null;
  result: string | null;
  notes: string | null;
  fees: Array<{ channel: 'counter' | 'online' | 'postal'; name: string; amountVnd: number | string; note: string | null }>;
  documents: Array<{ name: string; required: boolean; copies: number }>;
  agencies: Array<{ eid: string; name: string }>;
}

export interface Preview {
  receivedAt: string;
  countingFrom: string;
  appointmentAt: string;
  dueAt: string;
  calendar: { code: string; version: number } & Record<string, unknown>;
  agency: { eid: string; name: string } | null;
  procedure: { code: string; name: string } | null;
  timeLimitText: string;
  explanation: string[];
  daysSkipped: Array<{ day: string; name: string }>;
}

export interface StatusLabel {
  code: string;
  label: string;
}

export interface DossierStatusView {
  code: string;
  procedure: { code: string; nationalCode: string | null; name: string };
  agency: { eid: string; name: string };
  applicant: { fullName: string };
  channel: string;
  submittedAt: string | null;
  receivedAt: string | null;
  appointmentAt: string | null;
  status: StatusLabel;
  pending:
    | { kind: 'supplement'; itemCount: number; deadline: string | null }
    | { kind: 'site_visit'; visit: { date: string; from: string; to: string } }
    | null;
  shipment: { trackingNumber: string; status: string } | null;
  fee: { amountVnd: number; status: string } | null;
  /** The e-receipts (biên lai điện tử) of the fees paid. */
  receipts?: Array<{ series: string; number: number; code: string | null; amountVnd: number; method: string; paidAt: string }>;
  /** Hẹn lại: the appointment changed with an apology; `reason` only for the applicant signed in. */
  reappointment?: { at: string; originalAppointmentAt: string; appointmentAt: string; reason: string | null } | null;
  history: Array<{ at: string; status: StatusLabel }>;
  /** A stage of an inter-agency chain (liên thông, ND 297/2025): the whole chain, every stage. */
  chain?: ChainLookup;
}

/** The inter-agency chain a dossier is a stage of, as the lookup shows it (dossiers/chains.ts chainView). */
export type ChainLookup = components['schemas']['ChainLookup'];

/** Tra cứu bằng số CCCD, step 1 (202, said the same of every ID number). */
export interface IdLookupSent {
  message: string;
  expiresInSeconds: number;
  next: string;
}

/** Tra cứu bằng số CCCD, step 2: that person's dossiers, masked (dossiers/lookup.ts applicantDossiers). */
export interface ApplicantDossier {
  code: string;
  procedure: { code: string; name: string };
  agency: { eid: string; name: string };
  applicant: { fullName: string };
  submittedAt: string | null;
  receivedAt: string | null;
  appointmentAt: string | null;
  reappointed: { at: string; originalAppointmentAt: string } | null;
  status: StatusLabel;
}
