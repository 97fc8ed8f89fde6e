import { ApplicationFailure } from '@temporalio/activity';
import { pinInternalProcedure } from '../db/repositories/internal-procedures';
import { DomainError } from '../domain/errors';
import type { ActivityDeps } from './index';
import type { InterAgencyActivities } from './interagency';
import type { PinnedProcedure } from '../domain/internal-procedure';

/**
 * Pinning a dossier's internal procedure (issue 17): the version in force at the dossier's
 * receipt, written once on the dossier row; a retry (whenever it runs) answers the version
 * pinned first. An unknown procedure or dossier fails for good.
 */
export function internalProcedureActivities(deps: ActivityDeps): Pick<InterAgencyActivities, 'pinInternalProcedure'> {
  return {
    async pinInternalProcedure(input) {
      return pinAtReceipt(deps, input);
    },
  };
}

/** The pinning itself, shared with the acceptance's one look-up (receiptFacts, activities/index.ts). */
export async function pinAtReceipt(deps: ActivityDeps, input: { dossierId: number; procedureCode: string; at: string }): Promise<PinnedProcedure> {
  const at = new Date(input.at);
  if (Number.isNaN(at.getTime())) throw ApplicationFailure.nonRetryable(`pinInternalProcedure: not an instant: ${input.at}`, 'InvalidInstant');
  try {
    return await pinInternalProcedure(deps.db, { dossierId: input.dossierId, procedureCode: input.procedureCode, at });
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'not_found') throw ApplicationFailure.nonRetryable(err.message, 'UnknownProcedureOrDossier');
    throw err;
  }
}
