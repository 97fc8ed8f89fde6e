import { beforeAll, describe, expect, it } from 'vitest';
import { liveQueuesOf } from '../../api/app';
import { signOfficerToken } from '../../api/auth';
import { queueChangeEvent, queueStreamReady, worklistResponse } from '../../api/worklist-schemas';
import { officerClaims } from '../../platform/identity';
import { authConfig } from '../../platform/config';
import { applicantIds, citizenToken, dossierClient, eventually, http, officerToken, startApi, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15, API item 8: live queues on the real stack (API, worker, Temporal, PostgreSQL).
 * Two one-stop officers of one agency: B keeps the event stream open, A accepts a dossier at
 * intake, B hears of it within seconds and B's list, asked again with its old ETag, is a 200
 * without the dossier in the intake queue; an unchanged list is a 304; an officer of another
 * agency hears nothing of it; a closed stream releases its subscriber; the API closes with
 * streams open.
 */
const Z = { eid: '000.99.91.H29', name: 'Ủy ban nhân dân Phường Thử Nghiệm Hàng Đợi' };
const W = { eid: '000.99.92.H29', name: 'Ủy ban nhân dân Phường Thử Nghiệm Hàng Đợi Khác' };
const PROC = 'TP-SAOSOGOC';
const HEARTBEAT_MS = 400;

interface SseEvent {
  event: string;
  data: any;
}

/** An officer's event stream, read with fetch as the console reads it (the token in the Authorization header). */
async function openStream(url: string, token: string) {
  const ctl = new AbortController();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: ctl.signal });
  const state = { events: [] as SseEvent[], comments: [] as string[], retry: null as number | null, raw: '', ended: false };
  const done = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        const text = decoder.decode(value, { stream: true });
        state.raw += text;
        buffer += text;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) state.comments.push(line);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
            else if (line.startsWith('retry: ')) state.retry = Number(line.slice(7));
          }
          if (data.length) state.events.push({ event, data: JSON.parse(data.join('\n')) });
        }
      }
    } catch {
      // aborted by the test
    }
    state.ended = true;
  })();
  const waitFor = async (pred: () => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`stream: condition not met within ${timeoutMs} ms; received ${state.raw.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return {
    res,
    state,
    done,
    waitFor,
    dossierEvents: (code: string) => state.events.filter((e) => e.event === 'dossier' && e.data.code === code),
    close: async () => {
      ctl.abort();
      await done;
    },
  };
}

describe('live queues: the worklist’s ETag and the officers’ event stream', () => {
  const { api } = useStack({ name: 'live-queues', api: { liveQueues: { heartbeatMs: HEARTBEAT_MS } } });
  const client = dossierClient(() => api);
  const nextId = applicantIds('0798');
  const events = () => `${api.baseUrl}/api/v1/dossiers/events`;
  const list = (query: string, user: string, headers: Record<string, string> = {}) =>
    http('GET', `${api.baseUrl}/api/v1/dossiers?${query}`, { headers: { 'X-User-Id': user, ...headers } });
  const codes = (body: { dossiers: Array<{ code: string }> }) => body.dossiers.map((d) => d.code);
  const submit = async () => {
    const idNumber = nextId();
    // The procedure's required documents (papers brought to the counter): intake checks the checklist.
    const documents = [{ name: 'Đơn đề nghị cấp bản sao từ sổ gốc' }, { name: 'Giấy tờ tùy thân của người yêu cầu' }];
    const r = await submitSample(api.baseUrl, idNumber, { procedureCode: PROC, agencyEid: Z.eid, deliveryMethod: 'online', applicant: { fullName: 'Phan Thị Hàng Đợi', idNumber, phone: '0912345678' }, documents }, 'live');
    expect([r.status, r.body.detail]).toEqual([201, undefined]);
    await eventually(() => client.lookup(r.body.code), (s) => s.body.history?.length === 1);
    return r.body.code as string;
  };

  beforeAll(async () => {
    const db = api.db;
    const calendar = await db('work_calendars').where({ code: 'VN-STATE' }).orderBy('version', 'desc').first('id');
    const agency: Record<string, number> = {};
    for (const a of [Z, W]) {
      const [row] = await db('agencies').insert({ eid: a.eid, name: a.name, level: 'commune', calendar_id: calendar.id }).returning('id');
      agency[a.eid] = row.id;
    }
    const proc = await db('procedures').where({ code: PROC }).first('id');
    await db('procedure_agencies').insert({ procedure_id: proc.id, agency_id: agency[Z.eid] });
    const officers: Array<[string, string, Array<[string, string]>]> = [
      ['lq.motcua.a', 'Cán Bộ Quầy A', [[Z.eid, 'one_stop_officer']]],
      ['lq.motcua.b', 'Cán Bộ Quầy B', [[Z.eid, 'one_stop_officer']]],
      ['lq.chuyenvien', 'Chuyên Viên Hàng Đợi', [[Z.eid, 'specialist']]],
      ['lq.khac', 'Cán Bộ Phường Khác', [[W.eid, 'one_stop_officer']]],
    ];
    for (const [username, fullName, roles] of officers) {
      const [row] = await db('users').insert({ username, full_name: fullName }).returning('id');
      await db('user_roles').insert(roles.map(([eid, role]) => ({ user_id: row.id, agency_id: agency[eid], role })));
    }
  }, 60_000);

  it('B hears within seconds that A accepted a dossier; B’s list with its old ETag is a 200 without it, an unchanged list a 304; the other agency hears nothing', async () => {
    const hub = liveQueuesOf(api.app);
    const before = hub.subscriberCount();
    const code = await submit();

    const b = await openStream(events(), await officerToken('lq.motcua.b'));
    expect(b.res.status).toBe(200);
    expect(b.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(b.res.headers.get('cache-control')).toBe('no-store, no-transform');
    await b.waitFor(() => b.state.events.some((e) => e.event === 'ready'));
    expect(b.state.retry).toBe(5000);
    expect(queueStreamReady.parse(b.state.events[0]!.data)).toEqual({ agencies: [Z], heartbeatSeconds: 0 });
    const other = await openStream(events(), await officerToken('lq.khac'));
    await other.waitFor(() => other.state.events.some((e) => e.event === 'ready'));
    expect(other.state.events[0]!.data.agencies).toEqual([W]);
    expect(hub.subscriberCount()).toBe(before + 2);
    expect(hub.listening()).toBe(true);
    // The metric says so too.
    expect(await (await fetch(`${api.baseUrl}/metrics`)).text()).toMatch(new RegExp(`^dossier_event_streams ${before + 2}$`, 'm'));

    // B's intake queue, and again with its ETag: unchanged, a 304 without a body.
    const first = await list('queue=awaiting_intake', 'lq.motcua.b');
    expect(first.status).toBe(200);
    expect(codes(worklistResponse.parse(first.body))).toContain(code);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{32}"$/);
    const unchanged = await list('queue=awaiting_intake', 'lq.motcua.b', { 'If-None-Match': etag });
    expect([unchanged.status, unchanged.body, unchanged.headers.get('etag')]).toEqual([304, '', etag]);
    // The other agency's officer's list, to see that a change in Z leaves it alone.
    const otherList = await list('', 'lq.khac');
    const otherEtag = otherList.headers.get('etag')!;
    // Another query, another caller: other validators.
    expect((await list('queue=awaiting_intake&sort=code', 'lq.motcua.b')).headers.get('etag')).not.toBe(etag);
    expect((await list('queue=awaiting_intake', 'lq.motcua.a')).headers.get('etag')).not.toBe(etag);

    // A accepts at intake.
    expect((await client.officer(code, 'intake/accept', 'lq.motcua.a')).status).toBe(200);
    const accepted = Date.now();
    await b.waitFor(() => b.dossierEvents(code).some((e) => e.data.status !== 'SUBMITTED'), 5000);
    const heard = b.dossierEvents(code).find((e) => e.data.status !== 'SUBMITTED')!;
    expect(Date.now() - accepted).toBeLessThan(5000);
    expect(queueChangeEvent.parse(heard.data)).toMatchObject({ code, agency: Z.eid, status: 'RECEIVED' });
    expect(heard.data.version).toBeGreaterThan(0);

    // Re-fetched with the old ETag: a 200, the dossier gone from the intake queue, a new ETag.
    const after = await list('queue=awaiting_intake', 'lq.motcua.b', { 'If-None-Match': etag });
    expect(after.status).toBe(200);
    const body = worklistResponse.parse(after.body);
    expect(codes(body)).not.toContain(code);
    expect(body.queues.find((q) => q.key === 'awaiting_intake')!.count).toBe(worklistResponse.parse(first.body).queues.find((q) => q.key === 'awaiting_intake')!.count - 1);
    const newEtag = after.headers.get('etag')!;
    expect(newEtag).not.toBe(etag);
    // Its automatic assignment (IN_REVIEW) follows; once the stream is quiet, the new list is a 304 again.
    await b.waitFor(() => b.dossierEvents(code).some((e) => e.data.status === 'IN_REVIEW'), 30_000);
    await eventually(
      async () => (await list('queue=awaiting_intake', 'lq.motcua.b', { 'If-None-Match': (await list('queue=awaiting_intake', 'lq.motcua.b')).headers.get('etag')! })).status,
      (status) => status === 304,
      10_000,
    );
    // Each event carries the agency's counter: they rise.
    const versions = b.dossierEvents(code).map((e) => e.data.version as number);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));

    // The officer of the other agency heard nothing of it, and their list is still a 304.
    await new Promise((r) => setTimeout(r, 300));
    expect(other.state.events.filter((e) => e.event === 'dossier')).toEqual([]);
    expect((await list('', 'lq.khac', { 'If-None-Match': otherEtag })).status).toBe(304);

    // Heartbeats: comment lines, on every stream.
    await b.waitFor(() => b.state.comments.includes(': ping'), HEARTBEAT_MS * 5);
    await other.waitFor(() => other.state.comments.includes(': ping'), HEARTBEAT_MS * 5);

    // Closing a stream releases its subscriber.
    await b.close();
    await eventually(async () => hub.subscriberCount(), (n) => n === before + 1, 5000);
    await other.close();
    await eventually(async () => hub.subscriberCount(), (n) => n === before, 5000);
  });

  it('tells B of a new dossier in the intake queue as it is submitted', async () => {
    const b = await openStream(events(), await officerToken('lq.motcua.b'));
    await b.waitFor(() => b.state.events.some((e) => e.event === 'ready'));
    const code = await submit();
    await b.waitFor(() => b.dossierEvents(code).length > 0);
    expect(b.dossierEvents(code)[0]!.data).toMatchObject({ code, agency: Z.eid, status: 'SUBMITTED' });
    await b.close();
  });

  it('refuses the stream as it refuses the list: nobody (401), a citizen (403), another agency (403), unknown parameters (422)', async () => {
    const ask = async (path: string, headers: Record<string, string>) => {
      const r = await fetch(`${api.baseUrl}${path}`, { headers });
      const text = await r.text();
      return { status: r.status, type: r.headers.get('content-type'), body: JSON.parse(text) };
    };
    const officer = { Authorization: `Bearer ${await officerToken('lq.motcua.b')}` };
    expect((await ask('/api/v1/dossiers/events', {})).status).toBe(401);
    expect((await ask('/api/v1/dossiers/events', { Authorization: `Bearer ${await citizenToken('079800000001')}` })).status).toBe(403);
    const named = await ask(`/api/v1/dossiers/events?agency=${W.eid}`, officer);
    expect([named.status, named.type, named.body.reason]).toEqual([403, 'application/problem+json; charset=utf-8', 'NoRoleInAgency']);
    const unknown = await ask('/api/v1/dossiers/events?since=5', officer);
    expect([unknown.status, unknown.body.reason, unknown.body.errors[0].field]).toEqual([422, 'InvalidListQuery', 'query.since']);
    expect(unknown.body.detail).toMatch(/^Tham số lọc danh sách hồ sơ chưa hợp lệ/);
    // Naming one's own agency is the same stream.
    const own = await openStream(`${api.baseUrl}/api/v1/dossiers/events?agency=${Z.eid}`, officer.Authorization.slice(7));
    await own.waitFor(() => own.state.events.some((e) => e.event === 'ready'));
    await own.close();
  });

  it('ends the stream when the token expires, saying so', async () => {
    const auth = authConfig({});
    const claims = (await officerClaims(api.db, 'lq.motcua.b'))!;
    const s = await openStream(events(), await signOfficerToken(auth.officer, claims, 2));
    await s.waitFor(() => s.state.ended, 8000);
    expect(s.state.events.map((e) => e.event)).toEqual(['ready', 'expired']);
    expect(s.state.events[1]!.data).toMatchObject({ reason: 'TokenExpired' });
  });

  it('ends the streams when the LISTEN connection is lost (changes may have been missed); the next stream listens again', async () => {
    const token = await officerToken('lq.motcua.b');
    const s = await openStream(events(), token);
    await s.waitFor(() => s.state.events.some((e) => e.event === 'ready'));
    await api.db.raw(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'dossier-api-live-queues' and datname = current_database()`);
    await s.waitFor(() => s.state.ended, 5000);
    expect(liveQueuesOf(api.app).subscriberCount()).toBe(0);
    const again = await openStream(events(), token);
    await again.waitFor(() => again.state.events.some((e) => e.event === 'ready'));
    const code = await submit();
    await again.waitFor(() => again.dossierEvents(code).length > 0);
    await again.close();
  });

  it('ends every stream and closes its LISTEN connection when the API closes: close() does not hang', async () => {
    const second = await startApi(`live-queues-close-${process.pid}`);
    const s = await openStream(`${second.baseUrl}/api/v1/dossiers/events`, await officerToken('lq.motcua.b'));
    await s.waitFor(() => s.state.events.some((e) => e.event === 'ready'));
    const listeners = async () =>
      Number((await api.db.raw(`select count(*)::int as n from pg_stat_activity where application_name = 'dossier-api-live-queues' and datname = current_database()`)).rows[0].n);
    expect(await listeners()).toBeGreaterThanOrEqual(1);
    const started = Date.now();
    await second.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await s.waitFor(() => s.state.ended, 5000);
    expect(liveQueuesOf(second.app).subscriberCount()).toBe(0);
    expect(liveQueuesOf(second.app).listening()).toBe(false);
  });
});
