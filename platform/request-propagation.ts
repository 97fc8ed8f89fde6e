import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { currentRequestId, REQUEST_ID_HEADER } from './request-context';
import { logger } from './logger';

/**
 * Request ids travel from the API into the dossier workflows (as a Temporal header on
 * starts and updates), from the workflow into its activities (workflows/request-context.ts)
 * and into the worker's structured logs, so one id follows an officer's click end to end.
 */
export function requestIdClientInterceptor(): WorkflowClientInterceptor {
  const withId = <T extends { headers: Record<string, unknown> }>(input: T): T => {
    const id = currentRequestId();
    return id ? { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(id) } } : input;
  };
  return {
    startWithDetails: (input, next) => next(withId(input)),
    startUpdate: (input, next) => next(withId(input)),
    signal: (input, next) => next(withId(input)),
  };
}

/** Logs each activity run with the request id it carries. */
export const requestIdActivityInterceptor: ActivityInterceptorsFactory = (ctx) => {
  const inbound: ActivityInboundCallsInterceptor = {
    async execute(input, next) {
      const header = input.headers[REQUEST_ID_HEADER];
      const requestId = header ? (defaultPayloadConverter.fromPayload(header) as string) : undefined;
      const started = Date.now();
      const base = { requestId, activity: ctx.info.activityType, workflowId: ctx.info.workflowExecution?.workflowId, attempt: ctx.info.attempt };
      try {
        const result = await next(input);
        logger.info({ ...base, ms: Date.now() - started }, 'activity completed');
        return result;
      } catch (err) {
        logger.warn({ ...base, ms: Date.now() - started, err: (err as Error).message }, 'activity failed');
        throw err;
      }
    },
  };
  return { inbound };
};
