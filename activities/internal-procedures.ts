import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './index';
import type { InterAgencyActivities } from './interagency';

/** Pinning a dossier's internal procedure (issue 17). */
export function internalProcedureActivities(_deps: ActivityDeps): Pick<InterAgencyActivities, 'pinInternalProcedure'> {
  return {
    async pinInternalProcedure() {
      throw ApplicationFailure.nonRetryable('pinInternalProcedure is not implemented yet', 'NotImplemented');
    },
  };
}
