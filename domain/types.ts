import type { DossierStatus } from './status';

/** Submission channel (kênh nộp): 1 = counter, 2 = online, 3 = postal in the national sync data. */
export type Channel = 'counter' | 'online' | 'postal';
/** How the applicant registered to receive the result (hình thức nhận kết quả). */
export type DeliveryMethod = 'online' | 'counter' | 'postal';
export type OfficerRole = 'one_stop_officer' | 'specialist' | 'leader' | 'supervisor' | 'admin';

/** Who acts on a dossier, with the roles they hold in the dossier's agency. */
export interface Actor {
  userId: number;
  username: string;
  fullName: string;
  roles: OfficerRole[];
}

/** Workflow input: identifiers only; personal data and documents stay in PostgreSQL. */
export interface DossierWorkflowInput {
  dossierId: number;
  code: string;
  agencyEid: string;
  procedureCode: string;
  channel: Channel;
  deliveryMethod: DeliveryMethod;
  submittedAt: string;
}

export interface DossierView {
  code: string;
  status: DossierStatus;
  receivedAt: string | null;
  appointmentAt: string | null;
  assignee: { userId: number; fullName: string } | null;
  resultNumber: string | null;
  lastSeq: number;
}

export interface AcceptIntakeCommand {
  actor: Actor;
  note?: string;
}

export interface ProposeDecisionCommand {
  actor: Actor;
  proposal: 'approve';
  note?: string;
}

export interface DecideCommand {
  actor: Actor;
  decision: 'approve';
  note?: string;
}

export interface HandOverResultCommand {
  actor: Actor;
  /** Who physically received the result at the counter, or the postal tracking number. */
  receivedBy: string;
  note?: string;
}

/** Error types carried by ApplicationFailure from update validators, mapped to HTTP statuses by the API. */
export const FAILURE_TYPES = {
  invalidState: 'DossierInvalidState', // 409
  forbidden: 'DossierActionForbidden', // 403
  invalidInput: 'DossierInvalidInput', // 422
} as const;
