import type { HandoffOpening, ProjectionFields } from '../../activities';
import type { NotificationJob } from '../../activities/notifications';
import type { TimeLimit } from '../../domain/calendar';
import type { ClockEntry, DeadlineSchedule } from '../../domain/clock-ledger';
import type { DossierStatus } from '../../domain/status';
import type { Actor, OfficerRole } from '../../domain/types';
import type { DossierView } from '../contracts/dossier-v1';
import type { LegReport, LegView, PinnedProcedure } from '../contracts/interagency-v1';
import type { Dossier } from './state';

/** The shapes of the dossier workflow's state, what a transition says, and what an action is. */

/** Everything a continued run needs; the same shape as the workflow's state. */
export type CarriedDossierState = {
  status: DossierStatus;
  seq: number;
  busy: boolean;
  receivedAt: string | null;
  appointmentAt: string | null;
  assignee: { userId: number; fullName: string } | null;
  resultNumber: string | null;
  pending: DossierView['pending'];
  intakeSupplements: number;
  processingSupplements: number;
  fee: { amountVnd: number; timing: string; paid: boolean; receiptCode: string | null; paymentId: string | null };
  shipment: { trackingNumber: string; status: string } | null;
  clockPausedAt: string | null;
  submissionRecorded: boolean;
  /** Absent for runs begun before the clock ledger (patch deadline-ledger-v1). */
  deadline?: DeadlineState | null;
  /** The internal procedure version pinned at receipt (patch internal-procedure-v1); absent on older runs. */
  procedureVersion?: { procedureCode: string; version: number; isDefault: boolean } | null;
  /** A non-default version being interpreted step by step (route.ts); null on today's fixed path. */
  route?: RouteState | null;
  /**
   * Officer actions in one round trip (patch fast-actions-v1, issue 18): decided once when the
   * dossier starts and carried across continue-as-new, so a dossier begun on the old path ends on it.
   * Local activities, the citizen's message written with its event, and what does not decide an
   * action's answer done after it. Absent (false) on older runs.
   */
  fast?: boolean;
  /**
   * Small histories (patch small-markers-v1, issue 18 target 2): local activities answer compact
   * forms (DeadlineLookup, ReceiptFacts), the acceptance looks up once (receiptFacts), the run
   * ends with its outcome rather than its whole view, and the patches before it are not asked
   * (`Dossier.since`): a run begun after this one began after them all. Decided once when the
   * dossier starts and carried like `fast`; absent (false) on older runs. Implies `fast`.
   */
  lean?: boolean;
  /**
   * One write per step (patch merged-records-v1, issue 18 target 2): the acceptance's look-up and
   * its event in one local activity (acceptAndRecord), the specialist's choice and the assignment's
   * event in one (assignAndRecord), the online result's delivery and the completion in one
   * (recordDossierEvents). Decided once when the dossier starts and carried like `lean`, which it
   * implies (small-markers-v1 is then not asked); absent (false) on older runs.
   */
  merged?: boolean;
  /**
   * The status kept in the read model only (patch status-in-read-model-v1, issue 18 target 2): no
   * DossierStatus search attribute upserted at each change (each was a visibility write of the
   * Temporal server, together over a quarter of its work per dossier, read by nobody: every list, queue and
   * lookup reads the read model). Decided once when the dossier starts and carried like `merged`,
   * which it implies; absent (false) on older runs, which keep indexing their status to the end.
   */
  unindexed?: boolean;
};

/** Where a routed dossier is in its pinned version, and the legs and consultations it sent. */
export type RouteState = {
  procedure: PinnedProcedure;
  /** Index of the step held now in `procedure.steps`. */
  at: number;
  enteredAt: string;
  dueAt: string | null;
  legs: LegView[];
  /** How many children were started per step or consulted agency: the `n` of their workflow IDs. */
  started: Record<string, number>;
  /** Reports of children not yet recorded (carried across continue-as-new). */
  reports: LegReport[];
  /** The agency whose leg or consultation was late. */
  faultAgencyEid: string | null;
};

export type DossierState = Omit<CarriedDossierState, 'deadline'> & { deadline: DeadlineState | null };

/** The clock ledger and the timers derived from it (docs/domain.md §3.4, §3.5). */
export type DeadlineState = {
  ledger: ClockEntry[];
  calendar: { code: string; version: number } | null;
  clockPolicy: 'PAUSE' | 'RESTART' | 'CONTINUE';
  schedule: DeadlineSchedule | null;
  escalationLevel: number;
  /** The appointment a warning was already sent for; the due date already marked overdue. */
  warnedFor: string | null;
  overdueFor: string | null;
  reappointed: boolean;
  /** The decision was made or the dossier stopped: no more timers. */
  stopped: boolean;
  /** Bumped on every change so that waiting timers re-arm. */
  version: number;
  /**
   * Received, but the limit counts from the fee's payment (procedures.clock_from_fee, patch
   * clock-from-fee-v1): the ledger starts when the payment is recorded. Absent on older runs.
   */
  awaitingFee?: { receivedAt: string; limit: TimeLimit; actorId: number | null } | null;
};

/** Who acted: an officer with the role they acted in, the applicant, or nobody (the system). */
export type Party = { actor: Actor; role: OfficerRole } | { officerId: number; role: OfficerRole } | { applicant: true } | null;

/** One state change: the new status, the event logged for it and what it sets in the read model. */
export interface Transition {
  to: DossierStatus;
  type: string;
  by: Party;
  projection?: ProjectionFields;
  data?: Record<string, unknown>;
  /** The process-control sheet: close the open hand-off and/or open the next one. */
  handoff?: { close?: boolean; open?: HandoffOpening };
  clock?: ClockEntry[];
  alert?: { kind: 'at_risk' | 'overdue' | 'escalation'; level: number; message: string };
  /**
   * The citizen's message this event sends: on the fast path written with the event (one write);
   * on the old path sent by the notifyApplicant activity right after it, as before.
   */
  notify?: NotificationJob['template'];
}

/** An Update of the dossier: its validator (refuses before anything is written) and its body. */
export interface Action<C> {
  validate(d: Dossier, cmd: C): void;
  run(d: Dossier, cmd: C): Promise<DossierView>;
}

/** A dossier just submitted: nothing received, no fee known yet, no clock. */
export function freshState(): DossierState {
  return {
    status: 'SUBMITTED',
    seq: 0,
    busy: false,
    receivedAt: null,
    appointmentAt: null,
    assignee: null,
    resultNumber: null,
    pending: null,
    intakeSupplements: 0,
    processingSupplements: 0,
    /** Fee for this procedure and channel; dossiers begun before fees were modelled owe nothing here. */
    fee: { amountVnd: 0, timing: 'none', paid: true, receiptCode: null, paymentId: null },
    shipment: null,
    /** When the clock stopped for the citizen's supplement during processing. */
    clockPausedAt: null,
    /** The submission is in the event log; later events must not be projected before it. */
    submissionRecorded: false,
    deadline: null,
  };
}
