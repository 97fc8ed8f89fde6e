import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/**
 * Where an Update's time goes inside the engine (issue 18, target 1), read from the workflow's
 * history against the harness's own clock (the Temporal server, the worker and the harness share
 * this machine's clock): from the request sent to the workflow task that accepted the Update
 * being scheduled (*to a task*: the server dispatching it, or waiting for a task already in
 * flight, such as a fresh run's first), then in the task queue until a worker took it (*queued*),
 * then in the worker until the task that completed it was done (*in the worker*: the activation,
 * its local activities, any further task it needed), then back to the harness (*back*: the
 * server, the API's answer and its key, HTTP). The four add up to the round trip.
 */
export interface SentUpdate {
  /** The Update's id, as the API derived it (`…:<Idempotency-Key>`, or `payment:<id>`). */
  matches: (updateId: string) => boolean;
  /** Epoch ms (sub-ms) when the harness sent the request and read its answer. */
  sentAt: number;
  answeredAt: number;
}

export interface UpdatePhases {
  toTask: number;
  queued: number;
  inWorker: number;
  back: number;
  /** The Update rode the run's first workflow task, or waited for it to finish first. */
  firstTask: 'rode' | 'waited' | 'after';
  /** Workflow tasks from the one that accepted the Update to the one that completed it (1: the same). */
  tasks: number;
  /**
   * Of *in the worker*, the part after the Update's last local activity completed (its marker's
   * completion time, the worker's clock) until the task was done: the result back to the workflow
   * thread, the answer, the task's completion to the server. Null when the Update ran none.
   */
  afterLocal: number | null;
  /**
   * The run's first workflow task (the one a fresh run begins with, which an Update that rode or
   * waited for it met): in its task queue until a worker took it, then in the worker until done.
   */
  runFirstTask: { queued: number; inWorker: number } | null;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const ms = (e: HistoryEvent): number => {
  const t = e.eventTime!;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
};

/** When the last local activity among `events` completed (its marker's `complete_time`), in epoch ms; null if none. */
function lastLocalDone(events: HistoryEvent[]): number | null {
  let last: number | null = null;
  for (const e of events) {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_local_activity') continue;
    const raw = m.details?.data?.payloads?.[0]?.data;
    if (!raw) continue;
    const t = (JSON.parse(Buffer.from(raw).toString('utf8')) as { complete_time?: { seconds: number; nanos: number } }).complete_time;
    if (t) last = Math.max(last ?? 0, t.seconds * 1000 + t.nanos / 1e6);
  }
  return last;
}

/** The workflow task whose completion precedes event `i` (its scheduled, started and completed events). */
function taskBefore(events: HistoryEvent[], i: number): { scheduled: HistoryEvent; started: HistoryEvent; completed: HistoryEvent; first: boolean } | null {
  let c = i - 1;
  while (c >= 0 && !events[c]!.workflowTaskCompletedEventAttributes) c -= 1;
  if (c < 0) return null;
  const attrs = events[c]!.workflowTaskCompletedEventAttributes!;
  const byId = (id: unknown) => events.find((e) => Number(e.eventId) === Number(id));
  const started = byId(attrs.startedEventId);
  const scheduled = byId(attrs.scheduledEventId);
  if (!started || !scheduled) return null;
  const firstScheduled = events.find((e) => e.workflowTaskScheduledEventAttributes);
  return { scheduled, started, completed: events[c]!, first: firstScheduled === scheduled };
}

/** Each sent Update's phases, matched to its accepted and completed events by update id; null where not found. */
export function updatePhases(events: HistoryEvent[], sent: readonly SentUpdate[]): Array<UpdatePhases | null> {
  const out: Array<UpdatePhases | null> = [];
  const firstTaskDone = events.find((e) => e.workflowTaskCompletedEventAttributes);
  const firstTask = firstTaskDone ? taskBefore(events, events.indexOf(firstTaskDone) + 1) : null;
  const runFirstTask = firstTask ? { queued: ms(firstTask.started) - ms(firstTask.scheduled), inWorker: ms(firstTask.completed) - ms(firstTask.started) } : null;
  for (const s of sent) {
    const accepted = events.findIndex((e) => {
      const id = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId;
      return !!id && s.matches(id);
    });
    if (accepted < 0) {
      out.push(null);
      continue;
    }
    const updateId = events[accepted]!.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.meta!.updateId!;
    const completed = events.findIndex((e, i) => i > accepted && e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId);
    const accepting = taskBefore(events, accepted);
    const completing = completed < 0 ? null : taskBefore(events, completed);
    if (!accepting || !completing) {
      out.push(null);
      continue;
    }
    const localDone = lastLocalDone(events.slice(accepted, completed));
    // A task scheduled before the request was sent (and not yet taken) carried it: no wait for one.
    const from = Math.max(s.sentAt, ms(accepting.scheduled));
    out.push({
      toTask: from - s.sentAt,
      queued: ms(accepting.started) - from,
      inWorker: ms(completing.completed) - ms(accepting.started),
      back: s.answeredAt - ms(completing.completed),
      firstTask: accepting.first ? 'rode' : firstTaskDone && ms(firstTaskDone) > s.sentAt ? 'waited' : 'after',
      tasks: 1 + events.slice(Number(accepting.completed.eventId), completed).filter((e) => e.workflowTaskCompletedEventAttributes).length,
      afterLocal: localDone === null ? null : ms(completing.completed) - localDone,
      runFirstTask,
    });
  }
  return out;
}

/** The phases of the Updates sent to one workflow (its current run's history). */
export async function workflowUpdatePhases(client: Client, workflowId: string, sent: readonly SentUpdate[]): Promise<Array<UpdatePhases | null>> {
  const h = await client.workflow.getHandle(workflowId).fetchHistory();
  return updatePhases(h.events ?? [], sent);
}
