import workerThreads from 'node:worker_threads';

/**
 * The Temporal SDK records, for the `__stack_trace` query (the "Stack Trace" tab of the Temporal
 * UI), where each promise a workflow creates was created: a V8 promise hook in every workflow
 * thread builds and source-maps an Error's stack for every promise. In bench (b) that hook is a
 * third of the workflow threads' CPU (BENCHMARKS.md, "The SDK's promise stack traces").
 *
 * Off (TEMPORAL_WORKFLOW_STACK_TRACES unset), the workflow threads start with a preload that
 * refuses that one hook to the SDK. The SDK then runs as it does where V8 has no promise hooks
 * (its own fallback, as on Bun): the query answers that stack traces are not enabled on this
 * worker, and nothing else changes. Node's own promise hooks stay, and must: the workflows'
 * cancellation scopes live in AsyncLocalStorage, which rides on them. So the preload refuses
 * only a call that comes from the SDK's vm-shared module, never Node's.
 *
 * Workflow logic and the order of commands do not depend on the hook: every recorded history
 * replays with it off (test/replay/replay.test.ts).
 */
const PRELOAD = `const v8 = require('node:v8');
const create = v8.promiseHooks.createHook;
v8.promiseHooks.createHook = function (hooks) {
  if (/[\\\\/]@temporalio[\\\\/]worker[\\\\/]lib[\\\\/]workflow[\\\\/]vm-shared\\.js/.test(new Error().stack ?? '')) {
    throw new Error('promise stack traces are off in this worker (TEMPORAL_WORKFLOW_STACK_TRACES)');
  }
  return create.call(this, hooks);
};`;

/**
 * The code a workflow thread starts with when the SDK's promise stack traces are off: the
 * preload, then the SDK's own thread module. (Not Node's `execArgv`: a worker process started
 * with a process-wide flag such as --max-old-space-size could then start no thread at all.)
 */
export function workflowThreadCode(threadModule: string): string {
  return `${PRELOAD}\nrequire(${JSON.stringify(threadModule)});`;
}

/**
 * Runs `create` (Worker.create, Worker.runReplayHistories) so that the workflow threads it
 * starts have no promise stack traces. The SDK starts its threads with `new Worker(file)` from
 * `node:worker_threads`, looked up when it starts them, so that constructor is swapped for the
 * duration; a thread started meanwhile by anything else from a file gets the preload too, which
 * leaves it as it was (the preload refuses only the SDK's call). `onThread` counts the threads.
 */
export async function withoutWorkflowStackTraces<T>(create: () => Promise<T>, onThread?: () => void): Promise<T> {
  const Original = workerThreads.Worker;
  class WorkflowThread extends Original {
    constructor(filename: string | URL, options: workerThreads.WorkerOptions = {}) {
      if (typeof filename === 'string' && !options.eval) super(workflowThreadCode(filename), { ...options, eval: true });
      else super(filename, options);
      onThread?.();
    }
  }
  workerThreads.Worker = WorkflowThread;
  try {
    return await create();
  } finally {
    workerThreads.Worker = Original;
  }
}

/** How to create a worker whose workflow threads have the SDK's promise stack traces or not (config.temporal.workflowStackTraces). */
export function creatingWorkflowThreads(stackTraces: boolean): <T>(create: () => Promise<T>) => Promise<T> {
  return stackTraces ? (create) => create() : (create) => withoutWorkflowStackTraces(create);
}
