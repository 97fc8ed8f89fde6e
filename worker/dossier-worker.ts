import fs from 'node:fs';
import { NativeConnection, Worker, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import type { Db } from '../db/connection';
import { warmEventContext } from '../db/repositories/dossier-events';
import type { DossierWorkerSinks } from '../workflows/contracts/worker-sinks';
import { createActivities, type ActivityDeps } from '../activities';
import type { AppConfig } from '../platform/config';
import { workflowInterceptorModules, workflowsEntry } from '../platform/workflows-entry';
import { requestIdActivityInterceptor } from '../platform/request-propagation';
import { temporalAddress, temporalConnectionOptions } from '../platform/temporal-connection';
import { creatingWorkflowThreads } from './workflow-stack-traces';

/**
 * What the dossier workflows tell this process outside their history (workflows/contracts/worker-sinks.ts).
 * The SDK awaits a sink before it completes the workflow task, so the read is left running, not awaited:
 * the task, and the Update it may carry, do not wait for it.
 */
export function dossierWorkerSinks(db: Db): InjectedSinks<DossierWorkerSinks> {
  return {
    dossierContext: {
      warm: {
        fn: (_info, dossierId) => {
          void warmEventContext(db, dossierId);
        },
      },
    },
  };
}

/**
 * The Temporal worker of dossier workflows. It uses a prebuilt workflow bundle when
 * one is given (production image, tests), and bundles from source otherwise.
 *
 * Its role (config.workerRole) says which tasks it polls: `workflows` runs the workflows with
 * their local activities and leaves activity tasks to the `activities` workers, which run no
 * workflow; `all` runs both.
 */
export async function createDossierWorker(opts: {
  config: AppConfig;
  db: Db;
  afterEventWritten?: ActivityDeps['afterEventWritten'];
  postal?: ActivityDeps['postal'];
  bundlePath?: string;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(opts.config, temporalAddress(opts.config)));
  // Only an explicit bundle is used: silently picking up a stale dist/ bundle would run old workflow code.
  const bundlePath = opts.bundlePath;
  if (bundlePath && !fs.existsSync(bundlePath)) throw new Error(`workflow bundle ${bundlePath} does not exist`);
  const role = opts.config.workerRole;
  const runsWorkflows = role !== 'activities';
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = !runsWorkflows
    ? {}
    : bundlePath
      ? { workflowBundle: { codePath: bundlePath } }
      : { workflowsPath: workflowsEntry() };
  // The SDK's promise stack traces cost a third of the workflow threads' CPU: off unless asked for (worker/workflow-stack-traces.ts).
  const create = creatingWorkflowThreads(!runsWorkflows || opts.config.temporal.workflowStackTraces);
  const worker = await create(() => Worker.create({
    connection,
    namespace: opts.config.temporal.namespace,
    taskQueue: opts.config.taskQueue,
    ...workflowSource,
    // The workflows' local activities run where the workflow runs, so a `workflows` worker keeps them all.
    activities: createActivities({ db: opts.db, afterEventWritten: opts.afterEventWritten, postal: opts.postal }),
    // A prebuilt bundle has the workflow interceptors compiled in; from source they are bundled here.
    interceptors: { activity: [requestIdActivityInterceptor], ...(runsWorkflows && !bundlePath ? { workflowModules: workflowInterceptorModules() } : {}) },
    enableNonLocalActivities: role !== 'workflows',
    ...(runsWorkflows ? { sinks: dossierWorkerSinks(opts.db) } : {}),
    ...(runsWorkflows ? { maxCachedWorkflows: opts.config.temporal.maxCachedWorkflows } : {}),
    shutdownGraceTime: '10 seconds',
  }));
  return { worker, connection };
}
