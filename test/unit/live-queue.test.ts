import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DossierChange } from '../../db/repositories/dossier-changes';
import { DomainError } from '../../domain/errors';
import { createLiveQueueHub, type ChangeSource, type LiveQueueSink, type QueueChangeEvent } from '../../dossiers/live-queue';

/**
 * The live-queue hub (dossiers/live-queue.ts) on a stand-in for the LISTEN connection: one
 * connection however many subscribers, each hearing only its agencies, heartbeats, slow
 * clients dropped, the connection closed once nobody listens, every stream ended when it is lost.
 */
function fakeSource() {
  const state = { opened: 0, closed: 0, handlers: null as null | Parameters<ChangeSource>[0] };
  const source: ChangeSource = async (handlers) => {
    state.opened += 1;
    state.handlers = handlers;
    return { close: async () => void (state.closed += 1) };
  };
  const change = (c: Partial<DossierChange> & { agencyId: number }) =>
    state.handlers!.change({ code: `D-${c.agencyId}`, agency: `A${c.agencyId}`, status: 'RECEIVED', step: 'assignment', version: 1, ...c });
  return { state, source, change };
}

function sink(opts: { full?: boolean } = {}) {
  const events: QueueChangeEvent[] = [];
  const s = { events, pings: 0, ended: false };
  const impl: LiveQueueSink = {
    send: (e) => {
      if (opts.full) return false;
      events.push(e);
      return true;
    },
    heartbeat: () => void (s.pings += 1),
    end: () => void (s.ended = true),
  };
  return {
    events,
    impl,
    get pings() {
      return s.pings;
    },
    get ended() {
      return s.ended;
    },
  };
}

describe('live-queue hub', () => {
  afterEach(() => vi.useRealTimers());

  it('opens one LISTEN connection for every subscriber and fans each change out to the agencies’ subscribers only', async () => {
    const { state, source, change } = fakeSource();
    const hub = createLiveQueueHub(source);
    const a = sink();
    const b = sink();
    const admin = sink();
    await hub.subscribe({ userId: 1, agencies: new Set([1]), sink: a.impl });
    await hub.subscribe({ userId: 2, agencies: new Set([2]), sink: b.impl });
    await hub.subscribe({ userId: 3, agencies: 'all', sink: admin.impl });
    expect(state.opened).toBe(1);
    expect(hub.subscriberCount()).toBe(3);
    change({ agencyId: 1, code: 'X', version: 7 });
    expect(a.events).toEqual([{ code: 'X', agency: 'A1', status: 'RECEIVED', step: 'assignment', version: 7 }]);
    expect(b.events).toEqual([]);
    expect(admin.events.map((e) => e.code)).toEqual(['X']);
    await hub.close();
    expect([a.ended, b.ended, admin.ended, state.closed, hub.subscriberCount()]).toEqual([true, true, true, 1, 0]);
    await expect(hub.subscribe({ userId: 1, agencies: new Set([1]), sink: sink().impl })).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('beats every heartbeat interval, drops a client that cannot keep up, and closes the connection once nobody listens', async () => {
    vi.useFakeTimers();
    const { state, source, change } = fakeSource();
    const hub = createLiveQueueHub(source, { heartbeatMs: 1000, idleCloseMs: 5000 });
    const fast = sink();
    const slow = sink({ full: true });
    const leave = await hub.subscribe({ userId: 1, agencies: new Set([1]), sink: fast.impl });
    await hub.subscribe({ userId: 2, agencies: new Set([1]), sink: slow.impl });
    vi.advanceTimersByTime(3000);
    expect(fast.pings).toBe(3);
    change({ agencyId: 1 });
    expect([slow.ended, hub.subscriberCount(), fast.events.length]).toEqual([true, 1, 1]);
    leave();
    leave();
    expect(hub.subscriberCount()).toBe(0);
    vi.advanceTimersByTime(3000);
    expect(fast.pings).toBe(3);
    expect(state.closed).toBe(0);
    vi.advanceTimersByTime(2000);
    await vi.runAllTimersAsync();
    expect([state.closed, hub.listening()]).toEqual([1, false]);
    // The next subscriber opens it again.
    await hub.subscribe({ userId: 1, agencies: new Set([1]), sink: sink().impl });
    expect(state.opened).toBe(2);
    await hub.close();
  });

  it('ends every stream when the connection is lost, and refuses an officer past the limit (429)', async () => {
    const { state, source } = fakeSource();
    const hub = createLiveQueueHub(source, { maxPerUser: 2 });
    const s1 = sink();
    const s2 = sink();
    await hub.subscribe({ userId: 1, agencies: new Set([1]), sink: s1.impl });
    await hub.subscribe({ userId: 1, agencies: new Set([1]), sink: s2.impl });
    const third = await hub.subscribe({ userId: 1, agencies: new Set([1]), sink: sink().impl }).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(DomainError);
    expect(third).toMatchObject({ kind: 'too_many_requests', extra: { reason: 'TooManyEventStreams' } });
    state.handlers!.lost(new Error('connection reset'));
    expect([s1.ended, s2.ended, hub.subscriberCount(), hub.listening()]).toEqual([true, true, 0, false]);
    await hub.subscribe({ userId: 1, agencies: new Set([1]), sink: sink().impl });
    expect(state.opened).toBe(2);
    await hub.close();
  });

  it('answers 503 when the changes cannot be listened to, and tries again for the next subscriber', async () => {
    let fail = true;
    const hub = createLiveQueueHub(async () => {
      if (fail) throw new Error('connection refused');
      return { close: async () => undefined };
    });
    await expect(hub.subscribe({ userId: 1, agencies: new Set([1]), sink: sink().impl })).rejects.toMatchObject({ kind: 'unavailable' });
    expect(hub.subscriberCount()).toBe(0);
    fail = false;
    await hub.subscribe({ userId: 1, agencies: new Set([1]), sink: sink().impl });
    expect(hub.subscriberCount()).toBe(1);
    await hub.close();
  });
});
