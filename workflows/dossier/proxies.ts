import { proxyActivities, proxyLocalActivities, proxySinks } from '@temporalio/workflow';
import type { DossierActivities } from '../../activities';
import type { DossierWorkerSinks } from '../contracts/worker-sinks';

/**
 * The dossier workflow's activities, as two proxies with their retry policies, and their local
 * twins for dossiers on the fast path (patch fast-actions-v1, `Dossier.rec` / `Dossier.look` choose).
 * Proxies are stateless handles: declaring them once per module is the SDK's own pattern.
 */

const RETRY = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;
/** A wrong calendar will not fix itself by retrying; a database that is restarting will. */
const LOOKUP_RETRY = { ...RETRY, nonRetryableErrorTypes: ['CalendarCoverageError'] };

/** Read-model writes must eventually succeed: a worker crash or a database blip only delays them. */
export const record = proxyActivities<DossierActivities>({ startToCloseTimeout: '10 seconds', retry: RETRY });

/**
 * Business look-ups: a wrong calendar or an agency without specialists will not fix itself by
 * retrying (the activities throw those as non-retryable failures); a database that is restarting will.
 */
export const lookup = proxyActivities<DossierActivities>({ startToCloseTimeout: '10 seconds', retry: LOOKUP_RETRY });

/**
 * Issue 18: the same activities run by the workflow's own worker inside the workflow task, so an
 * officer's Update answers in one server round trip (a marker in history instead of three events
 * each). Same retry policies: a local activity that keeps failing is retried with a timer.
 */
export const recordLocal = proxyLocalActivities<DossierActivities>({ startToCloseTimeout: '10 seconds', retry: RETRY });
export const lookupLocal = proxyLocalActivities<DossierActivities>({ startToCloseTimeout: '10 seconds', retry: LOOKUP_RETRY });

/** Hints to the worker process running the dossier, outside its history (workflows/contracts/worker-sinks.ts). */
export const worker = proxySinks<DossierWorkerSinks>();
