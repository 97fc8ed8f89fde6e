import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { log, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * Carries the API request id of an update (or of the start) into the activities it
 * schedules, and into the workflow's own log lines. Per workflow instance (the factory runs
 * for each), never module state. Updates run one at a time (the busy lock), so the id in
 * force while an update's activities are scheduled is that update's.
 */
const HEADER = 'x-request-id';

function idOf(headers: Record<string, Payload> | undefined): string | undefined {
  const p = headers?.[HEADER];
  if (!p) return undefined;
  const v = defaultPayloadConverter.fromPayload(p);
  return typeof v === 'string' ? v : undefined;
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  const ctx: { requestId?: string } = {};
  return {
    inbound: [
      {
        async execute(input, next) {
          ctx.requestId = idOf(input.headers);
          return next(input);
        },
        async handleUpdate(input, next) {
          const id = idOf(input.headers);
          ctx.requestId = id;
          log.info('update accepted', { update: input.name, requestId: id });
          try {
            return await next(input);
          } finally {
            if (ctx.requestId === id) ctx.requestId = undefined;
          }
        },
      },
    ],
    outbound: [
      {
        async scheduleActivity(input, next) {
          if (!ctx.requestId) return next(input);
          return next({ ...input, headers: { ...input.headers, [HEADER]: defaultPayloadConverter.toPayload(ctx.requestId)! } });
        },
        // The fast path (issue 18) runs the update's activities as local activities: same header.
        async scheduleLocalActivity(input, next) {
          if (!ctx.requestId) return next(input);
          return next({ ...input, headers: { ...input.headers, [HEADER]: defaultPayloadConverter.toPayload(ctx.requestId)! } });
        },
      },
    ],
  };
};
