import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../domain/types';
import { HttpProblem } from './problem';

const STATUS_BY_TYPE: Record<string, [number, string]> = {
  [FAILURE_TYPES.invalidState]: [409, 'Conflict'],
  [FAILURE_TYPES.forbidden]: [403, 'Forbidden'],
  [FAILURE_TYPES.invalidInput]: [422, 'Invalid request'],
};

/** Maps what Temporal says about an update to the HTTP answer an officer's screen can show. */
export function problemFromTemporal(err: unknown, code: string): HttpProblem | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type && STATUS_BY_TYPE[cause.type]) {
      const [status, title] = STATUS_BY_TYPE[cause.type]!;
      return new HttpProblem(status, title, cause.message, { reason: cause.type });
    }
    return new HttpProblem(422, 'Action failed', cause?.message ?? err.message);
  }
  if (err instanceof WorkflowNotFoundError) {
    return new HttpProblem(404, 'Not found', `Dossier ${code} has no running process.`);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new HttpProblem(503, 'Processing delayed', 'The action was received but not yet processed; retry with the same Idempotency-Key.', {
      retryAfterSeconds: 2,
    });
  }
  return undefined;
}
