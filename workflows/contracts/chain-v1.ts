import { defineQuery } from '@temporalio/workflow';
import type { DossierStatus } from '../../domain/status';
import type { DossierWorkflowInput } from './dossier-v1';

/**
 * The inter-agency chain workflow's contract, version 1 (liên thông điện tử, ND 297/2025): its
 * input, its Query and the activities it calls. Same versioning rule as dossier-v1.ts:
 * additions of optional fields only; a change of meaning is a new message.
 */

/** The chain's workflow ID: `chain-${code}`, the code being the first stage's dossier code. */
export const chainWorkflowId = (code: string): string => `chain-${code}`;

export interface ChainWorkflowInput {
  /** dossier_chains.id */
  chainId: number;
  /** The citizen's lookup code (the first stage's dossier code). */
  code: string;
  /** procedure_chains.code, e.g. LT-297-KARAOKE */
  chainCode: string;
  /** How many stages the chain has. */
  stageCount: number;
  /** The first stage's dossier, as dossiers/starts.ts builds it; its workflow ID is `firstWorkflowId`. */
  firstStage: DossierWorkflowInput;
  firstWorkflowId: string;
}

/** One stage as the chain workflow saw it. */
export interface ChainStageView {
  stage: number;
  code: string;
  workflowId: string;
  /** The status the stage's dossier ended with; null while it runs. */
  outcome: DossierStatus | null;
  resultNumber: string | null;
}

export interface ChainView {
  code: string;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'STOPPED';
  currentStage: number;
  stages: ChainStageView[];
  /** A stopped chain: the stage and the status it ended with. */
  stop: { stage: number; status: string } | null;
}

export const chainViewQuery = defineQuery<ChainView>('chainView');

/** The next stage's dossier, created (once) from the previous stage's result. */
export interface NextStage {
  input: DossierWorkflowInput;
  workflowId: string;
}

/** The activities the chain workflow calls (activities/chains.ts). */
export interface ChainActivities {
  /** The chain's stage `stage` has begun (its dossier's workflow is about to start). */
  markChainStage(input: { chainId: number; stage: number }): Promise<void>;
  /** Creates (or finds, on a retry) the next stage's dossier: its agency, its procedure, the previous results and the citizen's documents. */
  createNextStage(input: { chainId: number; fromDossierId: number; stage: number }): Promise<NextStage>;
  /** The chain ended: completed, or stopped at `stage` with that stage's status; the total due date, on time, the late stage. */
  finishChain(input: { chainId: number; outcome: 'COMPLETED' | 'STOPPED'; stage: number; stageStatus: string; at: string }): Promise<void>;
}
