import { proxyActivities } from '@temporalio/workflow';
import type { DossierActivities } from '../../activities';

/**
 * The leg's activities (they are the dossier's), with the dossier's retry policies: writes
 * that must eventually succeed, and business look-ups whose own failures are non-retryable.
 */
export const record = proxyActivities<DossierActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export const lookup = proxyActivities<DossierActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
