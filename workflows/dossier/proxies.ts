import { proxyActivities } from '@temporalio/workflow';
import type { DossierActivities } from '../../activities';

/**
 * The dossier workflow's activities, as two proxies with their retry policies. Proxies are
 * stateless handles: declaring them once per module is the SDK's own pattern.
 */

/** Read-model writes must eventually succeed: a worker crash or a database blip only delays them. */
export const record = proxyActivities<DossierActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Business look-ups: a wrong calendar or an agency without specialists will not fix itself by
 * retrying (the activities throw those as non-retryable failures); a database that is restarting will.
 */
export const lookup = proxyActivities<DossierActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['CalendarCoverageError'] },
});
