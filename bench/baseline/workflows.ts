/**
 * Baselines of scenario (b), bundled on their own for the bench worker; never part of
 * workflows/index.ts. Deterministic: no Node built-ins, no I/O.
 *
 * Both answer the real dossier workflow's Updates by their real names, take the very commands the
 * API sent to a real dossier of the same path and return the very `DossierView`s the real
 * workflow returned to them (both captured by the harness from a real dossier's history in the
 * same run, `bench/lib/captured.ts`), so their payloads are the system's, byte for byte:
 *
 * - `baselineDossierWorkflow`, the ceiling of the lifecycle (issue 18, target 2): the happy path
 *   with everything of ours taken out — the same Updates in the same order and the same number of
 *   activities at the same points, each a no-op. What the Temporal server and SDK can do at best
 *   on this machine.
 * - `baselineOfficeWorkflow`, the bare Update (target 1): every Update of a path answered at once,
 *   no activity, no timer, nothing but the Update's own round trip through the server.
 *
 * And two floors (what any correct design must pay on this machine, not baselines of the targets):
 *
 * - `durableOfficeWorkflow`, the minimal durable action (target 1): the bare Update plus ONE local
 *   activity that makes the change durable in PostgreSQL (one INSERT of an event row, one
 *   transaction) before it answers the captured view.
 * - `durableDossierWorkflow`, the durable ceiling (target 2): the ceiling's Updates in the same
 *   order, whose no-op activities become one durable PostgreSQL write per event of a real dossier
 *   (as many as the system recorded, at the same steps), as activities or local activities.
 */
import { allHandlersFinished, condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';

/** One Update as a real dossier received it: its name, the command sent, the view answered. */
export interface CapturedStep {
  update: string;
  view: unknown;
}

export interface BaselineInput {
  code: string;
  /**
   * The real dossier workflow's start input, carried unchanged so that the ceiling's history
   * starts with the same payload as the system's (not read).
   */
  input?: unknown;
  /** The accept, propose and decide Updates of a real happy-path dossier, in order, with the views they answered. */
  steps: CapturedStep[];
}

export interface BaselineResult {
  code: string;
  status: string;
  seq: number;
}

/** One event row made durable: `bench_floor_events`, unique by (stream, seq) so a retry writes it once. */
export interface FloorEvent {
  stream: string;
  seq: number;
  type: string;
  data: unknown;
}

export interface BaselineActivities {
  noop(input: { code: string; step: string; seq: number }): Promise<void>;
  /** One INSERT of an event row in one transaction (bench/baseline/worker.ts). */
  recordEvent(input: FloorEvent): Promise<void>;
}

// The same activity options as the dossier workflow's read-model writes (workflows/dossier/proxies.ts).
const RETRY = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;
const act = proxyActivities<BaselineActivities>({ startToCloseTimeout: '10 seconds', retry: RETRY });
const local = proxyLocalActivities<BaselineActivities>({ startToCloseTimeout: '10 seconds', retry: RETRY });

/**
 * Activities per step, as in workflows/dossier/ (before issue 18) for a procedure without a fee,
 * delivered online: start: feeDue, recordDossierEvent(submitted) = 2; accept: scheduleDeadline,
 * recordDossierEvent, notifyApplicant, assignSpecialist, recordDossierEvent = 5; proposal:
 * recordDossierEvent = 1; decision: issueResult, recordDossierEvent = 2; delivery:
 * recordDossierEvent, notifyApplicant, recordDossierEvent = 3. Thirteen in all, three Updates.
 */
export const BASELINE_ACTIVITIES = { start: 2, accept: 5, propose: 1, decide: 2, deliver: 3 } as const;

/** The ceiling's three Updates, by the real workflow's Update names, and the step each stands for. */
export const CEILING_UPDATES = { acceptIntake: 'accept', proposeDecision: 'propose', decide: 'decide' } as const;
const CEILING_ORDER = ['acceptIntake', 'proposeDecision', 'decide'] as const;

export async function baselineDossierWorkflow(input: BaselineInput): Promise<BaselineResult> {
  let seq = 0;
  await ceiling(input, async (step) => {
    for (let i = 0; i < BASELINE_ACTIVITIES[step]; i++) {
      seq += 1;
      await act.noop({ code: input.code, step, seq });
    }
  });
  return { code: input.code, status: 'COMPLETED', seq };
}

export type CeilingStep = keyof typeof BASELINE_ACTIVITIES;

/**
 * How a durable ceiling writes its events: `activities`, one activity per event and nothing else;
 * `local`, one local activity per event (inside the workflow task) and nothing else; `ceiling`, the
 * ceiling's own activities (BASELINE_ACTIVITIES), the first of each step's durable writes, one per
 * event (more activities where a step recorded more events than the ceiling has).
 */
export type DurableMode = 'activities' | 'local' | 'ceiling';

export interface DurableCeilingInput extends BaselineInput {
  /** Durable writes per step: the event rows a real dossier of this run recorded at that step. */
  events: Record<CeilingStep, number>;
  mode: DurableMode;
}

/**
 * The durable ceiling: the ceiling's Updates, in the same order, answering the same views, whose
 * activities record the events of a real dossier durably, one write per event.
 */
export async function durableDossierWorkflow(input: DurableCeilingInput): Promise<BaselineResult> {
  const stream = workflowInfo().workflowId;
  const write = input.mode === 'local' ? local : act;
  let seq = 0;
  let events = 0;
  await ceiling(input, async (step) => {
    const writes = input.events[step] ?? 0;
    const all = input.mode === 'ceiling' ? Math.max(writes, BASELINE_ACTIVITIES[step]) : writes;
    for (let i = 0; i < all; i++) {
      seq += 1;
      if (i < writes) {
        events += 1;
        await write.recordEvent({ stream, seq: events, type: step, data: { code: input.code, step } });
      } else await act.noop({ code: input.code, step, seq });
    }
  });
  return { code: input.code, status: 'COMPLETED', seq };
}

/** The ceiling's shape: start, the three Updates in order (each running its step), delivery. */
async function ceiling(input: BaselineInput, step: (step: CeilingStep) => Promise<void>): Promise<void> {
  let done = 0; // Updates applied
  let busy = false;
  let started = false;
  const views = new Map(input.steps.map((s) => [s.update, s.view]));

  for (const [k, name] of CEILING_ORDER.entries()) {
    setHandler(
      defineUpdate<unknown, [unknown]>(name),
      async (_command: unknown) => {
        busy = true;
        try {
          if (!started) await condition(() => started);
          await step(CEILING_UPDATES[name]);
          done = k + 1;
        } finally {
          busy = false;
        }
        return views.get(name) ?? null;
      },
      {
        validator: (_command: unknown) => {
          if (busy) throw new Error('busy');
          if (done !== k) throw new Error(`${name} out of order`);
        },
      },
    );
  }

  await step('start');
  started = true;
  await condition(() => done === CEILING_ORDER.length && !busy);
  await step('deliver');
  await condition(allHandlersFinished);
}

/**
 * The bare Update: each Update of the captured path, by its real name, answered at once with the
 * view the real workflow answered, in the captured order. Ends after the last one.
 */
export async function baselineOfficeWorkflow(input: { code: string; steps: CapturedStep[] }): Promise<BaselineResult> {
  let next = 0;
  for (const name of new Set(input.steps.map((s) => s.update))) {
    setHandler(
      defineUpdate<unknown, [unknown]>(name),
      (_command: unknown) => {
        const view = input.steps[next]!.view;
        next += 1;
        return view;
      },
      {
        validator: (_command: unknown) => {
          if (input.steps[next]?.update !== name) throw new Error(`${name} out of order`);
        },
      },
    );
  }
  await condition(() => next >= input.steps.length);
  await condition(allHandlersFinished);
  return { code: input.code, status: 'DONE', seq: next };
}


/**
 * The minimal durable action: each Update of the captured path, by its real name, in the captured
 * order, runs ONE local activity that INSERTs the event row (the command as its data) in one
 * transaction, then answers the view the real workflow answered. Ends after the last one.
 */
export async function durableOfficeWorkflow(input: { code: string; steps: CapturedStep[] }): Promise<BaselineResult> {
  const stream = workflowInfo().workflowId;
  let next = 0;
  let done = 0;
  for (const name of new Set(input.steps.map((s) => s.update))) {
    setHandler(
      defineUpdate<unknown, [unknown]>(name),
      async (command: unknown) => {
        const k = next;
        next += 1;
        await local.recordEvent({ stream, seq: k + 1, type: name, data: command ?? {} });
        done += 1;
        return input.steps[k]!.view;
      },
      {
        validator: (_command: unknown) => {
          if (input.steps[next]?.update !== name) throw new Error(`${name} out of order`);
        },
      },
    );
  }
  await condition(() => done >= input.steps.length);
  await condition(allHandlersFinished);
  return { code: input.code, status: 'DONE', seq: done };
}
