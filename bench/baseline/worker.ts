import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';
import { loadConfig } from '../../platform/config';
import { creatingWorkflowThreads } from '../../worker/workflow-stack-traces';
import { INSERT_EVENT } from './floor-events';
import type { BaselineActivities } from './workflows';

/**
 * The bench worker of the baseline workflows of scenario (b) (the lifecycle's ceiling and the bare
 * Update): its own bundle, activities that do nothing, and otherwise the options of the dossier worker (worker/dossier-worker.ts), so the
 * only difference from the system is our code. The floors' activity `recordEvent` writes one event
 * row through a pg pool of the dossier worker's size (10). Env: TEMPORAL_ADDRESS,
 * TEMPORAL_TASK_QUEUE, WORKFLOW_BUNDLE_PATH, DATABASE_URL (for the floors), TEMPORAL_WORKFLOW_STACK_TRACES.
 */
async function main(): Promise<void> {
  Runtime.install({ shutdownSignals: [] });
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE;
  const bundle = process.env.WORKFLOW_BUNDLE_PATH;
  if (!address || !taskQueue || !bundle) throw new Error('TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE and WORKFLOW_BUNDLE_PATH are required');
  const connection = await NativeConnection.connect({ address });
  const db = process.env.DATABASE_URL ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : null;
  const activities: BaselineActivities = {
    async noop() {
      // Nothing: the cost of an activity round trip through the server, and no more.
    },
    async recordEvent(e) {
      if (!db) throw new Error('recordEvent: DATABASE_URL is required');
      await db.query({ name: 'floor-event', text: INSERT_EVENT, values: [e.stream, e.seq, e.type, JSON.stringify(e.data ?? {})] });
    },
  };
  // The SDK's promise stack traces as the dossier worker has them (off unless TEMPORAL_WORKFLOW_STACK_TRACES=true).
  const create = creatingWorkflowThreads(loadConfig().temporal.workflowStackTraces);
  const worker = await create(() =>
    Worker.create({
      connection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: bundle },
      activities,
      shutdownGraceTime: '10 seconds',
    }),
  );
  const stop = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const run = worker.run();
  process.stdout.write(`baseline-worker: polling task queue "${taskQueue}" (pid ${process.pid})\n`);
  await run;
  await connection.close();
  await db?.end();
}

main().catch((err) => {
  process.stderr.write(`baseline-worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
