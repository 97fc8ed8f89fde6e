import type { PinnedProcedure } from '../domain/internal-procedure';
import type { HandoffOpening } from '../db/repositories/dossier-events';
import type { LegView } from '../workflows/contracts/interagency-v1';

/**
 * The activities of internal procedures as data and inter-agency legs (issue 17), as the
 * workflows see them. Implemented with the others in activities/index.ts.
 */

/** One event of an inter-agency leg or consultation: its own log, its row, and the lead dossier's control sheet. */
export interface LegEventRecord {
  dossierId: number;
  /** The child workflow's ID: the leg's identity in the read model. */
  legWorkflowId: string;
  kind: 'leg' | 'consultation';
  agencyEid: string;
  stepKey: string;
  /** The leg's own event sequence: the idempotency key of this write. */
  seq: number;
  type: string;
  actorId: number | null;
  actorRole: string | null;
  occurredAt: string;
  data: Record<string, unknown>;
  /** What the leg's row becomes (the first event creates it). */
  leg: {
    status: LegView['status'];
    startedAt: string;
    dueAt: string | null;
    late: boolean;
    finishedAt: string | null;
    step: { key: string; name: string; unit: string; kind: string; role: string; dueAt: string | null } | null;
    assigneeId: number | null;
    resultNumber?: string | null;
    question?: string | null;
    opinion?: string | null;
    agrees?: boolean | null;
    reasons?: string[] | null;
    chasedAt?: string | null;
  };
  /** Rows of the lead dossier's process-control sheet inside the leg (closed/opened by this event). */
  handoff?: { close?: boolean; open?: HandoffOpening };
}

export interface InterAgencyActivities {
  /** The version in force at `at` for the procedure (the default path when none is published); pinned on the dossier row once. */
  pinInternalProcedure(input: { dossierId: number; procedureCode: string; agencyEid: string; at: string }): Promise<PinnedProcedure>;
  /** `from` plus working hours on the agency's calendar (fractions allowed). */
  addWorkingHours(input: { agencyEid: string; from: string; hours: number }): Promise<string>;
  recordLegEvent(e: LegEventRecord): Promise<void>;
  /** Alerts the officers of an agency (the leg's, on receipt and when chased; the lead's, when a leg is late). */
  alertAgency(input: { agencyEid: string; dossierId: number; legWorkflowId: string | null; kind: 'leg_received' | 'leg_chased' | 'consultation_requested' | 'leg_overdue'; message: string }): Promise<void>;
  /** The least-loaded specialist of the leg's agency for its open legs, or a failure when it has none. */
  assignLegSpecialist(input: { agencyEid: string; legWorkflowId: string }): Promise<{ userId: number; fullName: string }>;
}
