import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { BaselineActivities } from './workflows';

/**
 * The bench worker of the baseline workflows of scenario (b) (the lifecycle's ceiling and the bare
 * Update): its own bundle, activities that do nothing, and otherwise the options of the dossier worker (worker/dossier-worker.ts), so the
 * only difference from the system is our code. Env: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE,
 * WORKFLOW_BUNDLE_PATH.
 */
async function main(): Promise<void> {
  Runtime.install({ shutdownSignals: [] });
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE;
  const bundle = process.env.WORKFLOW_BUNDLE_PATH;
  if (!address || !taskQueue || !bundle) throw new Error('TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE and WORKFLOW_BUNDLE_PATH are required');
  const connection = await NativeConnection.connect({ address });
  const activities: BaselineActivities = {
    async noop() {
      // Nothing: the cost of an activity round trip through the server, and no more.
    },
  };
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: bundle },
    activities,
    shutdownGraceTime: '10 seconds',
  });
  const stop = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const run = worker.run();
  process.stdout.write(`baseline-worker: polling task queue "${taskQueue}" (pid ${process.pid})\n`);
  await run;
  await connection.close();
}

main().catch((err) => {
  process.stderr.write(`baseline-worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
