import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './index';
import type { InterAgencyActivities } from './interagency';

/** Inter-agency legs and consultations: their rows, alerts and dates (issue 17). */
export function legActivities(_deps: ActivityDeps): Omit<InterAgencyActivities, 'pinInternalProcedure'> {
  const notYet = (name: string) => async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(`${name} is not implemented yet`, 'NotImplemented');
  };
  return {
    addWorkingHours: notYet('addWorkingHours'),
    recordLegEvent: notYet('recordLegEvent'),
    alertAgency: notYet('alertAgency'),
    assignLegSpecialist: notYet('assignLegSpecialist'),
  };
}
