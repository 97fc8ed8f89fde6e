import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll } from 'vitest';
import { dossierWorkflowId } from '../../domain/dossier-code';
import { recordHistory, stackEnv, startApi, startWorker, type ApiUnderTest, type WorkerProcess } from './stack';

export interface StackOptions {
  /** Names the task queue, `<name>-<pid>`: no two suites share one. */
  name: string;
  /**
   * The worker process started with the stack: by default one with the stack's environment;
   * extra environment for every worker of this stack, or a function of the started API for
   * what depends on it (its address); `false` for none (a suite may start one later).
   */
  worker?: false | Record<string, string> | ((api: ApiUnderTest) => Record<string, string>);
  /** Options of the in-process API (see startApi). */
  api?: Parameters<typeof startApi>[1];
}

export interface Stack {
  taskQueue: string;
  /** The API in this process, started in the stack's `beforeAll`. */
  api: ApiUnderTest;
  /** The worker process started with the stack. */
  worker: WorkerProcess;
  /** Starts another worker process on the stack's task queue (extra environment on top of the stack's); stopped with the stack. */
  startWorker(extra?: Record<string, string>): Promise<WorkerProcess>;
  /** Waits for a dossier's workflow to return and keeps its history for the replay test (RECORD_HISTORIES=1); the workflow's result. */
  finished(code: string, historyName: string): Promise<any>;
}

/**
 * The real stack of the end-to-end suites: the Express app in this process (with the payment
 * and postal sandboxes) and the real worker process on a task queue of the suite's own,
 * started in a `beforeAll` and stopped in an `afterAll` that this registers where it is
 * called (a file or a `describe`). Hooks the suite registers after it run once the stack is
 * up, and their `afterAll` before it stops. `api` and `worker` stand for what `beforeAll`
 * starts: read them in tests and hooks, not while the file is collected.
 */
export function useStack(options: StackOptions): Stack {
  const taskQueue = `${options.name}-${process.pid}`;
  const extraEnv = (api: ApiUnderTest) => (typeof options.worker === 'function' ? options.worker(api) : options.worker || {});
  let api: ApiUnderTest | undefined;
  const workers: WorkerProcess[] = [];

  const startStackWorker = async (extra: Record<string, string> = {}) => {
    const worker = await startWorker(stackEnv({ TEMPORAL_TASK_QUEUE: taskQueue, ...extraEnv(started('the API', api)), ...extra }));
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    api = await startApi(taskQueue, options.api);
    if (options.worker !== false) await startStackWorker();
  });
  afterAll(async () => {
    for (const worker of workers.splice(0).reverse()) await worker.stop();
    await api?.close();
  });

  return {
    taskQueue,
    api: lateBound('the API', () => api),
    worker: lateBound('the worker', () => workers[0]),
    startWorker: startStackWorker,
    finished: async (code, historyName) => {
      const handle = started('the API', api).temporal.workflow.getHandle(dossierWorkflowId(code));
      const result = await handle.result();
      recordHistory(historyName, historyToJSON(await handle.fetchHistory()));
      return result;
    },
  };
}

function started<T>(what: string, value: T | undefined): T {
  if (value === undefined) throw new Error(`${what} of the stack is not started: use it in a test, or in a hook registered after useStack()`);
  return value;
}

/** Stands for an object made later (in `beforeAll`): each property is read from it when used. */
function lateBound<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, { get: (_target, key) => Reflect.get(started(what, current()), key) });
}
