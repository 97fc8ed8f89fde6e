import {
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../domain/types';
import { HttpProblem } from './problem';

const STATUS_BY_TYPE: Record<string, [number, string]> = {
  [FAILURE_TYPES.invalidState]: [409, 'Conflict'],
  [FAILURE_TYPES.forbidden]: [403, 'Forbidden'],
  [FAILURE_TYPES.invalidInput]: [422, 'Invalid request'],
  // Business facts an activity found: retrying the same action will not change them.
  CalendarCoverageError: [422, 'Calendar has no data'],
  UnknownProcedure: [422, 'Unknown procedure'],
};

const retryLater = (detail: string) =>
  new HttpProblem(503, 'Processing delayed', detail, { retryAfterSeconds: 5 });

/**
 * Maps what Temporal says about an action to the HTTP answer an officer's screen can show.
 * `dossierEnded` tells a finished dossier (409) from one whose process has not begun (503).
 */
export function problemFromTemporal(err: unknown, code: string, dossierEnded = false): HttpProblem | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    let cause: unknown = err.cause;
    if (cause instanceof ActivityFailure) cause = cause.cause ?? cause;
    if (cause instanceof ApplicationFailure && cause.type && STATUS_BY_TYPE[cause.type]) {
      const [status, title] = STATUS_BY_TYPE[cause.type]!;
      return new HttpProblem(status, title, cause.message, { reason: cause.type });
    }
    // A failure nobody classified (an activity that gave up on a broken dependency): not the caller's fault.
    return retryLater(`The action could not be completed now (${(cause as Error | undefined)?.message ?? err.message}); retry later.`);
  }
  if (err instanceof WorkflowNotFoundError) {
    return dossierEnded
      ? new HttpProblem(409, 'Conflict', `Dossier ${code} has ended; no further action is possible.`, { reason: 'DossierEnded' })
      : retryLater(`Dossier ${code} is stored but its processing has not started yet; retry shortly.`);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return retryLater('The action was received but not yet processed; retry with the same Idempotency-Key to get its outcome.');
  }
  if (err instanceof ServiceError || isGrpcServiceError(err)) {
    return retryLater('The workflow service is unavailable; retry shortly.');
  }
  return undefined;
}
