import {
  isGrpcServiceError,
  ServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { dossierWorkflowId } from '../domain/dossier-code';
import { DomainError, type DomainErrorKind } from '../domain/errors';
import {
  FAILURE_TYPES,
  acceptIntakeUpdate,
  AgencyCodeKey,
  DossierCodeKey,
  ProcedureCodeKey,
  type AcceptIntakeCommand,
  type DossierView,
  type DossierWorkflowInput,
} from '../workflows/contracts/dossier-v1';
import { dossierWorkflow } from '../workflows/dossier/workflow';
import type { LegStateView } from '../workflows/contracts/interagency-v1';

/**
 * The one place that talks to Temporal about dossiers (the API, the worker's reconcilers and
 * the callbacks all go through it): typed starts, Updates with one deadline policy, and one
 * mapping of what Temporal says to the domain errors the HTTP layer answers with.
 */

/**
 * How long a caller waits, by who is waiting. Past it the Update is still applied once (its id
 * is stable), and the same request with the same Idempotency-Key fetches its outcome.
 * - `person`: an officer or citizen at a screen;
 * - `callback`: a third party (payment gateway, post) that retries on its own;
 * - `start`: the start at submission, after which the worker's reconciler takes over.
 */
export const DEADLINES_MS = { person: 30_000, callback: 10_000, start: 5_000 } as const;
export type Waiter = keyof typeof DEADLINES_MS;

/**
 * What an Update's refusal or failure becomes, by the failure type the workflow threw. The
 * validators' refusals say their Vietnamese detail and reason code themselves
 * (domain/dossier-actions.ts); an activity's failure is said here, its own message kept as
 * `technicalDetail`.
 */
const KIND_BY_FAILURE: Record<string, { kind: DomainErrorKind; title: string; said?: { reason: string; detail: string } }> = {
  [FAILURE_TYPES.invalidState]: { kind: 'conflict', title: 'Conflict' },
  [FAILURE_TYPES.forbidden]: { kind: 'forbidden', title: 'Forbidden' },
  [FAILURE_TYPES.invalidInput]: { kind: 'invalid', title: 'Invalid request' },
  // Business facts an activity found: retrying the same action will not change them.
  CalendarCoverageError: {
    kind: 'invalid',
    title: 'Calendar has no data',
    said: { reason: 'CalendarNotCovered', detail: 'Lịch làm việc của cơ quan chưa có dữ liệu ngày nghỉ, ngày làm việc cho khoảng thời gian cần tính; vui lòng báo quản trị hệ thống cập nhật lịch.' },
  },
  UnknownProcedure: { kind: 'invalid', title: 'Unknown procedure', said: { reason: 'UnknownProcedure', detail: 'Thủ tục của hồ sơ không còn trong danh mục thủ tục hành chính.' } },
  // PostgreSQL refused the data for good (activities/data-errors.ts): the action is undone.
  InvalidData: { kind: 'invalid', title: 'Invalid data', said: { reason: 'InvalidData', detail: 'Dữ liệu gửi lên không lưu được (có ký tự hoặc giá trị không hợp lệ); vui lòng kiểm tra lại nội dung.' } },
};

const retryLater = (detail: string, technicalDetail?: string) =>
  new DomainError('unavailable', 'Processing delayed', detail, { reason: 'ProcessingDelayed', retryAfterSeconds: 5, ...(technicalDetail ? { technicalDetail } : {}) });

/** The workflow refused or failed the action: `failureType` and `failureMessage` say what it threw. */
export class DossierActionFailed extends DomainError {
  constructor(
    kind: DomainErrorKind,
    title: string,
    detail: string,
    extra: Record<string, unknown>,
    readonly failureType: string | undefined,
    /** The message of what the workflow threw, as Temporal reports it. */
    readonly failureMessage: string,
  ) {
    super(kind, title, detail, extra);
  }
}

/** No workflow runs for the dossier: it has ended, or its processing has not begun. */
export class DossierNotRunning extends DomainError {}

/**
 * Maps what Temporal says about an action to a domain error. `dossierEnded` tells a finished
 * dossier (conflict) from one whose process has not begun (unavailable). Anything else (a
 * programming error) is returned as is.
 */
export function dossierError(err: unknown, code: string, dossierEnded = false): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    // What the workflow threw: the validator's refusal, or the failure of an activity it awaited.
    const thrown = err.cause?.message ?? err.message;
    let cause: unknown = err.cause;
    if (cause instanceof ActivityFailure) cause = cause.cause ?? cause;
    const message = (cause as Error | undefined)?.message ?? err.message;
    const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
    const known = type ? KIND_BY_FAILURE[type] : undefined;
    if (known?.said) return new DossierActionFailed(known.kind, known.title, known.said.detail, { reason: known.said.reason, technicalDetail: message }, type, thrown);
    if (known) return new DossierActionFailed(known.kind, known.title, message, { reason: refusalReason(cause) ?? type }, type, thrown);
    // A failure nobody classified (an activity that gave up on a broken dependency): not the caller's fault.
    const later = retryLater('Chưa thực hiện được thao tác lúc này; vui lòng thử lại sau ít phút.', message);
    return new DossierActionFailed(later.kind, later.title, later.detail, later.extra, type, thrown);
  }
  if (err instanceof WorkflowNotFoundError) {
    return dossierEnded
      ? new DossierNotRunning('conflict', 'Conflict', `Hồ sơ ${code} đã kết thúc; không thể thực hiện thêm thao tác nào.`, { reason: 'DossierEnded' })
      : new DossierNotRunning('unavailable', 'Processing delayed', `Hồ sơ ${code} đã được lưu nhưng chưa bắt đầu xử lý; vui lòng thử lại sau ít giây.`, { reason: 'ProcessingNotStarted', retryAfterSeconds: 5 });
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return retryLater('Thao tác đã được nhận nhưng chưa xử lý xong; gửi lại với cùng Idempotency-Key để nhận kết quả.');
  }
  if (err instanceof ServiceError || isGrpcServiceError(err)) return retryLater('Hệ thống xử lý hồ sơ tạm thời không phản hồi; vui lòng thử lại sau ít giây.');
  return err;
}

/** The stable reason code a workflow refusal names in its first detail (`Dossier.refuse`), if any. */
function refusalReason(cause: unknown): string | undefined {
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const first = cause.details?.[0] as { reason?: unknown } | undefined;
  return typeof first?.reason === 'string' ? first.reason : undefined;
}

export interface UpdateOptions {
  /** The same id applies the action once, however often it is sent. */
  updateId: string;
  waiter?: Waiter;
  /** Asked only when no workflow runs: has the dossier ended (from the read model)? */
  ended?: () => Promise<boolean>;
}

/** A stored dossier: its code (for messages) and the id of its workflow (from the read model). */
export interface DossierRef {
  code: string;
  workflowId: string;
}

export type DossierClient = ReturnType<typeof createDossierClient>;

export function createDossierClient(deps: { temporal: Client; taskQueue: string }) {
  const { temporal, taskQueue } = deps;
  const within = <T>(waiter: Waiter, fn: () => Promise<T>) => temporal.withDeadline(Date.now() + DEADLINES_MS[waiter], fn);

  function startOptions(input: DossierWorkflowInput) {
    return {
      taskQueue,
      workflowId: dossierWorkflowId(input.code),
      // One run per dossier, ever: a late retry must not start a finished dossier again.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [input] as [DossierWorkflowInput],
      // What an operator finds a run by in Temporal's UI. Its status is the read model's: a workflow
      // begun after patch status-in-read-model-v1 no longer indexes it (a worker not yet updated
      // indexes it from its first change on).
      typedSearchAttributes: [
        { key: DossierCodeKey, value: input.code },
        { key: AgencyCodeKey, value: input.agencyEid },
        { key: ProcedureCodeKey, value: input.procedureCode },
      ],
    };
  }

  return {
    /** Starts the dossier's workflow; one already running for that code is success, not an error. */
    async start(input: DossierWorkflowInput, waiter?: Waiter): Promise<'started' | 'already-running'> {
      const run = async () => {
        try {
          await temporal.workflow.start(dossierWorkflow, startOptions(input));
          return 'started' as const;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-running' as const;
          throw err;
        }
      };
      return waiter ? within(waiter, run) : run();
    },

    /**
     * Counter intake with acceptance on the spot (tiếp nhận trực tiếp): the workflow is started
     * and the acceptance delivered in one request (update-with-start). `started: false` when the
     * workflow could not be started (the reconciler starts it later, unaccepted); otherwise the
     * acceptance's outcome, or the domain error that refused it.
     */
    async startAndAccept(input: DossierWorkflowInput, cmd: AcceptIntakeCommand, updateId: string): Promise<{ started: false; error: unknown } | { started: true; view?: DossierView; refused?: DomainError }> {
      const operation = new WithStartWorkflowOperation(dossierWorkflow, { ...startOptions(input), workflowIdConflictPolicy: 'USE_EXISTING' });
      try {
        const view = await within('person', () => temporal.workflow.executeUpdateWithStart(acceptIntakeUpdate, { args: [cmd], updateId, startWorkflowOperation: operation }));
        return { started: true, view };
      } catch (err) {
        const started = await operation.workflowHandle().then(
          () => true,
          () => false,
        );
        if (!started) return { started: false, error: err };
        const mapped = dossierError(err, input.code);
        if (mapped instanceof DomainError) return { started: true, refused: mapped };
        throw err;
      }
    },

    /** Runs one Update on the dossier's workflow and answers with the dossier as it now stands. */
    async update<C>(dossier: DossierRef, update: UpdateDefinition<DossierView, [C]>, cmd: C, opts: UpdateOptions): Promise<DossierView> {
      try {
        return await within(opts.waiter ?? 'person', () => temporal.workflow.getHandle(dossier.workflowId).executeUpdate(update, { args: [cmd], updateId: opts.updateId }));
      } catch (err) {
        const ended = err instanceof WorkflowNotFoundError && opts.ended ? await opts.ended() : false;
        throw dossierError(err, dossier.code, ended);
      }
    },

    /**
     * Runs one Update on an inter-agency leg's or consultation's child workflow (issue 17) and
     * answers with the leg as it now stands; refusals and failures mapped as the dossier's.
     * A leg whose workflow has ended is a conflict (LegEnded), not a delay.
     */
    async updateLeg<C>(leg: { code: string; workflowId: string }, update: UpdateDefinition<LegStateView, [C]>, cmd: C, opts: { updateId: string; waiter?: Waiter }): Promise<LegStateView> {
      try {
        return await within(opts.waiter ?? 'person', () => temporal.workflow.getHandle(leg.workflowId).executeUpdate(update, { args: [cmd], updateId: opts.updateId }));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          throw new DossierNotRunning('conflict', 'Conflict', `Phần việc liên thông của hồ sơ ${leg.code} đã kết thúc; không thể thực hiện thêm thao tác nào.`, { reason: 'LegEnded' });
        }
        throw dossierError(err, leg.code, true);
      }
    },
  };
}
