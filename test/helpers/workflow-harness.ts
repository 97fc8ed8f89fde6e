import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import type { DossierActivities, DossierEventRecord } from '../../activities';
import { dossierViewQuery } from '../../workflows/contracts/dossier-v1';
import { mockActivities } from './mock-activities';

export interface WorkflowHarness {
  /** A client of the test dev server. */
  client: Client;
  taskQueue: string;
  /** The events the workflow recorded (recordDossierEvent), in order; a test may empty it. */
  events: DossierEventRecord[];
  /** The templates of the notices sent to the applicant (notifyApplicant, or with their event), in order; a test may empty it. */
  notices: string[];
  /** The dossier IDs the workflows asked their worker to read ahead (the sink `dossierContext.warm`), in order; a test may empty it. */
  warmed: number[];
  /** A worker of the test's workflow bundle with the mocked activities, to `runUntil` around a test. */
  newWorker(): Promise<Worker>;
}

/**
 * The dossier workflow on the test dev server with its activities mocked (mockActivities,
 * with `overrides`), events and notices collected for the test to read. Connects in a
 * `beforeAll` and closes in an `afterAll` registered where it is called.
 */
export function useWorkflowHarness(options: { name: string; activities?: Partial<DossierActivities> }): WorkflowHarness {
  const taskQueue = `${options.name}-${process.pid}`;
  const events: DossierEventRecord[] = [];
  const notices: string[] = [];
  const warmed: number[] = [];
  const activities = mockActivities({
    async recordDossierEvent(e) {
      events.push(e);
      // Fast path (issue 18): the citizen's message is written with its event.
      if (e.notify) notices.push(e.notify);
    },
    async notifyApplicant(input) {
      notices.push(input.template);
    },
    ...options.activities,
  });
  // Connected in beforeAll; lazy until then, so that tests can hold the client from the start.
  const connection = Connection.lazy({ address: inject('temporalAddress') });
  let nativeConnection: NativeConnection | undefined;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    await connection.ensureConnected();
  });
  afterAll(async () => {
    await connection.close();
    await nativeConnection?.close();
  });

  return {
    client: new Client({ connection }),
    taskQueue,
    events,
    notices,
    warmed,
    newWorker: async () => {
      if (!nativeConnection) throw new Error('the workflow harness is not connected: make workers in a test');
      const sinks = { dossierContext: { warm: { fn: (_info: unknown, dossierId: number) => void warmed.push(dossierId) } } };
      return Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities, sinks });
    },
  };
}

/**
 * A dossier handle whose Updates answer with the dossier as it stands once the action's
 * follow-ups are done (issue 18: on the fast path the specialist's assignment, or what a routed
 * step does on arrival, runs right after the answer). For suites about what the actions lead to,
 * not about when they answer (test/workflow/fast-actions.test.ts is about that).
 */
export function settledAnswers<H extends WorkflowHandle>(handle: H): H {
  return new Proxy(handle, {
    get(target, prop, receiver) {
      if (prop !== 'executeUpdate') return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<H['executeUpdate']>) => {
        const answer: unknown = await (target.executeUpdate as (...a: unknown[]) => Promise<unknown>)(...args);
        if (!answer || typeof answer !== 'object' || !('facts' in answer) || !('lastSeq' in answer)) return answer;
        for (let i = 0; i < 400; i++) {
          const view = await target.query(dossierViewQuery);
          if (!view.facts?.busy) return view;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('the dossier stayed busy after the answer');
      };
    },
  });
}
