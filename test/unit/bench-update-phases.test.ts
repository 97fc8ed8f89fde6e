import { describe, expect, it } from 'vitest';
import { updatePhases } from '../../bench/lib/update-phases';

// A history as the server writes it, the times in ms from an epoch of 1,000 s.
const at = (msFromEpoch: number) => ({ seconds: 1000 + Math.floor(msFromEpoch / 1000), nanos: (msFromEpoch % 1000) * 1e6 });
const T0 = 1_000_000;
function history(): any[] {
  const e: any[] = [
    { workflowExecutionStartedEventAttributes: {}, t: 0 },
    { workflowTaskScheduledEventAttributes: {}, t: 1 },
    { workflowTaskStartedEventAttributes: {}, t: 5 },
    { workflowTaskCompletedEventAttributes: { scheduledEventId: 2, startedEventId: 3 }, t: 20 },
    // The acceptance arrived while the first task was in flight: a second task carries it.
    { workflowTaskScheduledEventAttributes: {}, t: 20 },
    { workflowTaskStartedEventAttributes: {}, t: 22 },
    { workflowTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 6 }, t: 60 },
    { workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { meta: { updateId: 'intake.accept:7:key-a' } } }, t: 60 },
    { markerRecordedEventAttributes: {}, t: 60 },
    { workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId: 'intake.accept:7:key-a' } }, t: 60 },
    // The proposal: accepted in one task, answered in the next.
    { workflowTaskScheduledEventAttributes: {}, t: 100 },
    { workflowTaskStartedEventAttributes: {}, t: 101 },
    { workflowTaskCompletedEventAttributes: { scheduledEventId: 11, startedEventId: 12 }, t: 130 },
    { workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { meta: { updateId: 'review.proposal:9:key-b' } } }, t: 130 },
    { workflowTaskScheduledEventAttributes: {}, t: 131 },
    { workflowTaskStartedEventAttributes: {}, t: 135 },
    { workflowTaskCompletedEventAttributes: { scheduledEventId: 15, startedEventId: 16 }, t: 150 },
    // Its local activity, done at 141 by the worker's clock (as core records it in the marker).
    { markerRecordedEventAttributes: { markerName: 'core_local_activity', details: { data: { payloads: [{ data: Buffer.from(JSON.stringify({ seq: 1, complete_time: { seconds: 2000, nanos: 141e6 } })) }] } } }, t: 150 },
    { workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId: 'review.proposal:9:key-b' } }, t: 150 },
  ];
  return e.map(({ t, ...rest }, i) => ({ eventId: i + 1, eventTime: at(T0 + t), ...rest }));
}
const epoch = (t: number) => 1000 * 1000 + T0 + t;

describe('bench: an Update’s phases read from its history', () => {
  it('splits the round trip into to a task, queued, in the worker and back, and they add up to it', () => {
    const [accept, proposal, unknown] = updatePhases(history(), [
      { matches: (id) => id.endsWith(':key-a'), sentAt: epoch(10), answeredAt: epoch(75) },
      { matches: (id) => id.endsWith(':key-b'), sentAt: epoch(98), answeredAt: epoch(160) },
      { matches: (id) => id.endsWith(':key-c'), sentAt: epoch(200), answeredAt: epoch(210) },
    ]);
    // Sent at 10 while the first task ran (5–20): a task for it at 20, taken at 22, done at 60.
    expect(accept).toMatchObject({ firstTask: 'waited', tasks: 1 });
    expect(accept!.toTask).toBeCloseTo(10, 6);
    expect(accept!.queued).toBeCloseTo(2, 6);
    expect(accept!.inWorker).toBeCloseTo(38, 6);
    expect(accept!.back).toBeCloseTo(15, 6);
    expect(proposal).toMatchObject({ firstTask: 'after', tasks: 2 });
    expect(proposal!.toTask + proposal!.queued + proposal!.inWorker + proposal!.back).toBeCloseTo(62, 6);
    expect(proposal!.inWorker).toBeCloseTo(49, 6);
    // 9 ms of it after the local activity was done; the acceptance's marker names no local activity.
    expect(proposal!.afterLocal).toBeCloseTo(9, 6);
    expect(accept!.afterLocal).toBeNull();
    // The run's first task (scheduled 1, taken 5, done 20), the same for every Update of the run.
    expect(accept!.runFirstTask!.queued).toBeCloseTo(4, 6);
    expect(accept!.runFirstTask!.inWorker).toBeCloseTo(15, 6);
    expect(proposal!.runFirstTask).toEqual(accept!.runFirstTask);
    expect(unknown).toBeNull();
  });

  it('an Update that rode the first task waited for no task', () => {
    const events = history();
    const [rode] = updatePhases(events.slice(0, 4).concat([{ ...events[7], eventId: 5 }, { ...events[9], eventId: 6 }]), [
      { matches: (id) => id.endsWith(':key-a'), sentAt: epoch(0.5), answeredAt: epoch(30) },
    ]);
    expect(rode).toMatchObject({ firstTask: 'rode', tasks: 1 });
    expect(rode!.toTask).toBeCloseTo(0.5, 6);
    expect(rode!.queued).toBeCloseTo(4, 6);
  });
});
