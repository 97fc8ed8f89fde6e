import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { meResponse, officersResponse, worklistResponse } from '../../api/worklist-schemas';
import { OPEN_STATUSES } from '../../domain/status';
import { applicantIds, citizenToken, dossierClient, eventually, http, submitSample, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15, the API the staff console reads: GET /me, the worklist GET /dossiers and GET
 * /agencies/{eid}/officers, on the real stack (API, worker, Temporal, PostgreSQL).
 *
 * Two agencies of this suite's own (other suites file dossiers in the seeded ones at the same
 * time): X, with real dossiers driven through the workflow (submitted, accepted and assigned,
 * asked for a supplement and supplemented) and 30 read-model rows written straight into the
 * table with equal sort keys in groups (what paging must tell apart by id); and Y, whose
 * officer must see none of X's. Every 200 answer is validated against the response schema
 * the contract declares.
 */
const X = { eid: '000.99.81.H29', name: 'Ủy ban nhân dân Phường Thử Nghiệm Bảng Việc' };
const Y = { eid: '000.99.82.H29', name: 'Ủy ban nhân dân Phường Thử Nghiệm Khác' };
const PROC = 'TP-SAOSOGOC';

type SeedRow = {
  code: string;
  status: string;
  assignee: 'bv.cv1' | 'bv.cv2' | null;
  channel: 'counter' | 'online' | 'postal';
  delivery: 'counter' | 'online' | 'postal';
  received: string;
  due: string | null;
  step: string | null;
  name: string;
  idNumber: string;
};

const NAMES = ['Lê Thị Hồng', 'Phạm Đức Thắng', 'Võ Minh Đạt', 'Hoàng Thị Ánh', 'Bùi Văn Đông'];
/** 30 rows in 6 statuses; received in two instants, due in three (or none): many ties. */
const SEED: SeedRow[] = Array.from({ length: 30 }, (_, i) => {
  const kind = i % 6;
  const [status, assignee, step, delivery] = (
    [
      ['RECEIVED', null, 'assignment', 'counter'],
      ['IN_REVIEW', 'bv.cv1', 'review', 'counter'],
      ['AWAITING_DECISION', 'bv.cv2', 'decision', 'counter'],
      ['APPROVED', 'bv.cv1', 'result', 'counter'],
      ['RESULT_RETURNED', 'bv.cv2', 'result', 'postal'],
      ['COMPLETED', 'bv.cv1', null, 'online'],
    ] as const
  )[kind]!;
  return {
    code: `${X.eid}-260310-${String(100 + i).padStart(4, '0')}`,
    status,
    assignee,
    channel: delivery === 'postal' ? 'postal' : i % 2 ? 'online' : 'counter',
    delivery,
    received: i < 15 ? '2026-03-10T08:00:00+07:00' : '2026-03-11T09:30:00+07:00',
    due: i % 4 === 3 ? null : ['2026-03-13T17:00:00+07:00', '2026-03-16T10:00:00+07:00', '2026-03-20T17:00:00+07:00'][i % 3]!,
    step,
    name: NAMES[i % NAMES.length]!,
    idNumber: `0799000001${String(i).padStart(2, '0')}`,
  };
});

describe('the staff console’s API: /me, the worklist, officers with their load', () => {
  const { api } = useStack({ name: 'console-api' });
  const client = dossierClient(() => api);
  const nextId = applicantIds('0799');
  const users: Record<string, number> = {};
  /** The real dossiers: [code, what was done to it]. */
  const real: Record<'an' | 'dao' | 'binh' | 'anh', { code: string; idNumber: string }> = {} as never;

  const get = (path: string, user: string | null, headers: Record<string, string> = {}) =>
    http('GET', `${api.baseUrl}/api/v1${path}`, { headers: { ...(user ? { 'X-User-Id': user } : {}), ...headers } });
  /** A 200 answer, validated against the contract's schema. */
  const ok = <S extends z.ZodType>(r: HttpAnswer, schema: S): z.output<S> => {
    expect([r.status, r.body?.detail]).toEqual([200, undefined]);
    return schema.parse(r.body);
  };
  const list = async (query: string, user = 'bv.lanhdao') => ok(await get(`/dossiers?agency=${X.eid}&limit=200&${query}`, user), worklistResponse);
  const codes = (body: { dossiers: Array<{ code: string }> }) => body.dossiers.map((d) => d.code).sort();
  const seeded = (pred: (r: SeedRow) => boolean) => SEED.filter(pred).map((r) => r.code);

  beforeAll(async () => {
    const db = api.db;
    const calendar = await db('work_calendars').where({ code: 'VN-STATE' }).orderBy('version', 'desc').first('id');
    const agency: Record<string, number> = {};
    for (const a of [X, Y]) {
      const [row] = await db('agencies').insert({ eid: a.eid, name: a.name, level: 'commune', calendar_id: calendar.id }).returning('id');
      agency[a.eid] = row.id;
    }
    const proc = await db('procedures').where({ code: PROC }).first('id');
    await db('procedure_agencies').insert({ procedure_id: proc.id, agency_id: agency[X.eid] });
    const officers: Array<[string, string, Array<[string, string]>]> = [
      ['bv.motcua', 'Trần Thị Quầy', [[X.eid, 'one_stop_officer']]],
      ['bv.cv1', 'Chuyên Viên Một', [[X.eid, 'specialist']]],
      ['bv.cv2', 'Chuyên Viên Hai', [[X.eid, 'specialist'], [Y.eid, 'one_stop_officer']]],
      ['bv.lanhdao', 'Lãnh Đạo Bảng Việc', [[X.eid, 'leader']]],
      ['bv.khac', 'Cán Bộ Phường Khác', [[Y.eid, 'leader'], [Y.eid, 'specialist']]],
    ];
    for (const [username, fullName, roles] of officers) {
      const [row] = await db('users').insert({ username, full_name: fullName }).returning('id');
      users[username] = row.id;
      await db('user_roles').insert(roles.map(([eid, role]) => ({ user_id: row.id, agency_id: agency[eid], role })));
    }
    for (const r of SEED) {
      await db('dossiers').insert({
        code: r.code,
        workflow_id: `dossier-${r.code}`,
        procedure_id: proc.id,
        agency_id: agency[X.eid],
        channel: r.channel,
        delivery_method: r.delivery,
        status: r.status,
        applicant_full_name: r.name,
        applicant_id_number: r.idNumber,
        submitted_at: new Date(r.received),
        received_at: new Date(r.received),
        due_at: r.due ? new Date(r.due) : null,
        appointment_at: r.due ? new Date(r.due) : null,
        assignee_id: r.assignee ? users[r.assignee] : null,
        current_step: r.step,
        calendar_code: 'VN-STATE',
      });
    }

    // Real dossiers, through the API and the workflow.
    const submit = async (fullName: string) => {
      const idNumber = nextId();
      // The procedure's required documents (papers brought to the counter): intake checks the checklist.
      const documents = [{ name: 'Đơn đề nghị cấp bản sao từ sổ gốc' }, { name: 'Giấy tờ tùy thân của người yêu cầu' }];
      const r = await submitSample(api.baseUrl, idNumber, { procedureCode: PROC, agencyEid: X.eid, deliveryMethod: 'online', applicant: { fullName, idNumber, phone: '0912345678' }, documents }, 'console');
      expect([r.status, r.body.detail]).toEqual([201, undefined]);
      await eventually(() => client.lookup(r.body.code), (s) => s.body.history?.length === 1);
      return { code: r.body.code as string, idNumber };
    };
    real.an = await submit('Nguyễn Văn An');
    real.dao = await submit('Đỗ Thị Đào');
    real.binh = await submit('Trần Văn Bình');
    real.anh = await submit('NGUYỄN VĂN ANH');
    // Đào: accepted, assigned automatically to the least loaded specialist.
    expect((await client.officer(real.dao.code, 'intake/accept', 'bv.motcua')).status).toBe(200);
    // Bình: asked for a supplement at intake, which the citizen sends: back for a second check.
    expect((await client.officer(real.binh.code, 'intake/supplement-request', 'bv.motcua', { items: ['Bản sao giấy khai sinh'] })).status).toBe(200);
    expect((await client.citizen(real.binh.code, 'supplement', { idNumber: real.binh.idNumber, documents: [{ name: 'Bản sao giấy khai sinh' }] })).status).toBe(200);
    await eventually(() => db('dossiers').whereIn('code', [real.dao.code, real.binh.code]).select('code', 'status', 'current_step'), (rows) =>
      rows.some((r) => r.code === real.dao.code && r.status === 'IN_REVIEW' && r.current_step === 'review') &&
      rows.some((r) => r.code === real.binh.code && r.status === 'SUBMITTED' && r.current_step === 'intake'),
    );
  }, 120_000);

  describe('GET /me', () => {
    it('tells an officer their roles per agency, with the agencies’ names', async () => {
      expect(ok(await get('/me', 'bv.cv2'), meResponse)).toEqual({
        kind: 'officer',
        id: users['bv.cv2'],
        username: 'bv.cv2',
        fullName: 'Chuyên Viên Hai',
        agencies: [
          { eid: X.eid, name: X.name, roles: [{ role: 'specialist', label: 'Chuyên viên xử lý' }] },
          { eid: Y.eid, name: Y.name, roles: [{ role: 'one_stop_officer', label: 'Cán bộ Bộ phận Một cửa' }] },
        ],
      });
      const khac = ok(await get('/me', 'bv.khac'), meResponse);
      expect(khac.kind === 'officer' && khac.agencies).toEqual([{ eid: Y.eid, name: Y.name, roles: [{ role: 'leader', label: 'Lãnh đạo' }, { role: 'specialist', label: 'Chuyên viên xử lý' }] }]);
    });

    it('tells a citizen who they signed in as; nobody without a token', async () => {
      const me = await get('/me', null, { Authorization: `Bearer ${await citizenToken('079900000999', 'Nguyễn Văn An')}` });
      expect(ok(me, meResponse)).toEqual({ kind: 'citizen', idNumber: '079900000999', fullName: 'Nguyễn Văn An' });
      const nobody = await get('/me', null);
      expect(nobody.status).toBe(401);
      expect(nobody.headers.get('content-type')).toMatch(/application\/problem\+json/);
    });
  });

  describe('GET /dossiers: scope', () => {
    it('lists the agency’s dossiers to its officers, whatever their role', async () => {
      const all = [...SEED.map((r) => r.code), ...Object.values(real).map((r) => r.code)].sort();
      for (const user of ['bv.motcua', 'bv.cv1', 'bv.lanhdao']) {
        const body = ok(await get('/dossiers?limit=200', user), worklistResponse);
        expect(body.agencies).toEqual([X]);
        expect(codes(body)).toEqual(all);
        expect(body.total).toBe(34);
      }
    });

    it('shows an officer of another agency none of them; asking for the agency is refused', async () => {
      const body = ok(await get('/dossiers?limit=200', 'bv.khac'), worklistResponse);
      expect(body.agencies).toEqual([Y]);
      expect(body.total).toBe(0);
      expect(body.dossiers).toEqual([]);
      expect(body.queues.every((q) => q.count === 0)).toBe(true);
      const named = await get(`/dossiers?agency=${X.eid}`, 'bv.khac');
      expect(named.status).toBe(403);
      expect(named.body).toMatchObject({ reason: 'NoRoleInAgency', detail: expect.stringContaining('không có vai trò tại cơ quan') });
      // Searching by a name or a code of X finds nothing either.
      expect(ok(await get(`/dossiers?q=${encodeURIComponent('nguyen van an')}`, 'bv.khac'), worklistResponse).total).toBe(0);
      expect(ok(await get(`/dossiers?q=${encodeURIComponent(real.an.code)}`, 'bv.khac'), worklistResponse).total).toBe(0);
      // An officer with roles in both sees both agencies, each dossier with its agency.
      const both = ok(await get('/dossiers?limit=200', 'bv.cv2'), worklistResponse);
      expect(both.agencies).toEqual([X, Y]);
      expect(both.total).toBe(34);
      expect(new Set(both.dossiers.map((d) => d.agency.eid))).toEqual(new Set([X.eid]));
    });

    it('lets an administrator name any agency, as the supervisor reports do', async () => {
      const body = ok(await get(`/dossiers?agency=${X.eid}&limit=1`, 'quantri'), worklistResponse);
      expect(body.total).toBe(34);
    });

    it('refuses citizens (403) and callers without a token (401)', async () => {
      expect((await get('/dossiers', null)).status).toBe(401);
      const citizen = await get('/dossiers', null, { Authorization: `Bearer ${await citizenToken(real.an.idNumber)}` });
      expect(citizen.status).toBe(403);
    });
  });

  describe('GET /dossiers: filters', () => {
    it('by status, queue, step, channel and procedure', async () => {
      expect(codes(await list('status=IN_REVIEW'))).toEqual([...seeded((r) => r.status === 'IN_REVIEW'), real.dao.code].sort());
      expect(codes(await list('status=AWAITING_DECISION,RESULT_RETURNED'))).toEqual(seeded((r) => ['AWAITING_DECISION', 'RESULT_RETURNED'].includes(r.status)).sort());
      expect(codes(await list('queue=awaiting_intake'))).toEqual([real.an.code, real.anh.code].sort());
      expect(codes(await list('queue=supplements_received'))).toEqual([real.binh.code]);
      expect(codes(await list('queue=results_to_hand_over'))).toEqual(seeded((r) => r.status === 'APPROVED').sort());
      expect(codes(await list('queue=returned_by_post'))).toEqual(seeded((r) => r.status === 'RESULT_RETURNED').sort());
      expect(codes(await list('step=decision'))).toEqual(seeded((r) => r.step === 'decision').sort());
      expect(codes(await list('step=intake'))).toEqual([real.an.code, real.binh.code, real.anh.code].sort());
      expect(codes(await list('channel=postal'))).toEqual(seeded((r) => r.channel === 'postal').sort());
      // The seeded rows share the real ones' procedure; another procedure has none here.
      expect((await list(`procedure=${PROC}`)).total).toBe(34);
      expect((await list('procedure=KT-HKD')).total).toBe(0);
    });

    it('by assignee: me, none, a username, a user id', async () => {
      const cv1 = [...seeded((r) => r.assignee === 'bv.cv1'), ...(await api.db('dossiers').where({ code: real.dao.code, assignee_id: users['bv.cv1'] }).pluck('code'))].sort();
      expect(codes(await list('assignee=me', 'bv.cv1'))).toEqual(cv1);
      expect(codes(await list('assignee=bv.cv1'))).toEqual(cv1);
      const cv2 = [...seeded((r) => r.assignee === 'bv.cv2'), ...(await api.db('dossiers').where({ code: real.dao.code, assignee_id: users['bv.cv2'] }).pluck('code'))].sort();
      expect(codes(await list(`assignee=${users['bv.cv2']}`))).toEqual(cv2);
      expect(codes(await list('assignee=none'))).toEqual([...seeded((r) => r.assignee === null), real.an.code, real.binh.code, real.anh.code].sort());
    });

    it('by received and due dates (a date is its whole local day), and all of it combined', async () => {
      expect(codes(await list('receivedFrom=2026-03-11'))).toEqual([...seeded((r) => r.received.startsWith('2026-03-11')), real.dao.code].sort());
      expect(codes(await list('receivedFrom=2026-03-10&receivedTo=2026-03-10'))).toEqual(seeded((r) => r.received.startsWith('2026-03-10')).sort());
      expect(codes(await list(`receivedTo=${encodeURIComponent('2026-03-11T09:30:00+07:00')}`))).toEqual(seeded((r) => r.received.startsWith('2026-03-10')).sort());
      expect(codes(await list('dueFrom=2026-03-14&dueTo=2026-03-16'))).toEqual(seeded((r) => r.due === '2026-03-16T10:00:00+07:00').sort());
      const combined = await list('status=IN_REVIEW,AWAITING_DECISION,APPROVED&channel=online&receivedTo=2026-03-10&dueTo=2026-03-19&assignee=bv.cv1');
      const expected = seeded(
        (r) => ['IN_REVIEW', 'AWAITING_DECISION', 'APPROVED'].includes(r.status) && r.channel === 'online' && r.received.startsWith('2026-03-10') && r.due !== null && r.due < '2026-03-19' && r.assignee === 'bv.cv1',
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(codes(combined)).toEqual(expected.sort());
      expect(combined.total).toBe(expected.length);
    });
  });

  describe('GET /dossiers: search ignores case and diacritics', () => {
    const search = async (q: string) => codes(await list(`q=${encodeURIComponent(q)}`));

    it('finds names typed without accents, in any case, đ read as d', async () => {
      // "Nguyễn Văn An" and, containing the phrase, "NGUYỄN VĂN ANH".
      expect(await search('nguyen van an')).toEqual([real.an.code, real.anh.code].sort());
      expect(await search('Nguyễn Văn Anh')).toEqual([real.anh.code]);
      expect(await search('do thi dao')).toEqual([real.dao.code]);
      expect(await search('ĐỖ THỊ')).toEqual([real.dao.code]);
      expect(await search('  tran   van   binh ')).toEqual([real.binh.code]);
      expect(await search('duc thang')).toEqual(seeded((r) => r.name === 'Phạm Đức Thắng').sort());
    });

    it('finds a dossier code, or part of it, and an ID number', async () => {
      expect(await search(real.dao.code)).toEqual([real.dao.code]);
      expect(await search(real.dao.code.toLowerCase())).toEqual([real.dao.code]);
      expect(await search(real.binh.idNumber)).toEqual([real.binh.code]);
      expect(await search('260310-0107')).toEqual([`${X.eid}-260310-0107`]);
    });

    it('takes % and _ literally, and matches no phrase across two fields', async () => {
      expect(await search('%')).toEqual([]);
      expect(await search('_')).toEqual([]);
      expect(await search(`${real.an.idNumber} nguyen`)).toEqual([]);
    });
  });

  describe('GET /dossiers: sort and keyset pages', () => {
    /** Every page of a list, by its nextCursor; the codes in order. */
    const walk = async (query: string, limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const body: z.output<typeof worklistResponse> = ok(await get(`/dossiers?agency=${X.eid}&limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`, 'bv.lanhdao'), worklistResponse);
        expect(body.dossiers.length).toBeLessThanOrEqual(limit);
        seen.push(...body.dossiers.map((d) => d.code));
        cursor = body.nextCursor;
        pages += 1;
        expect(pages).toBeLessThan(100);
      } while (cursor);
      return seen;
    };

    it('walks every page without a duplicate or a gap, rows with equal keys told apart', async () => {
      for (const query of ['sort=received', 'sort=received&order=desc', 'sort=due', 'sort=due&order=desc', 'sort=submitted&order=desc', 'sort=code', 'status=IN_REVIEW,APPROVED,RECEIVED&sort=due']) {
        const whole = (await list(query)).dossiers.map((d) => d.code);
        for (const limit of [1, 4, 7]) {
          const paged = await walk(query, limit);
          expect([query, limit, paged]).toEqual([query, limit, whole]);
        }
        expect(new Set(whole).size).toBe(whole.length);
      }
    });

    it('orders by the key asked for, rows without it last, ties by creation', async () => {
      const due = (await list('sort=due')).dossiers;
      const keys = due.map((d) => d.dueAt);
      const dated = keys.filter((k) => k !== null) as string[];
      expect(keys.slice(0, dated.length)).toEqual(dated);
      expect(dated).toEqual([...dated].sort());
      const desc = (await list('sort=due&order=desc')).dossiers.map((d) => d.dueAt);
      expect(desc.slice(0, dated.length)).toEqual([...dated].sort().reverse());
      expect(desc.slice(dated.length).every((k) => k === null)).toBe(true);
      const byCode = (await list('sort=code&order=desc')).dossiers.map((d) => d.code);
      expect(byCode).toEqual([...byCode].sort().reverse());
    });

    it('refuses a cursor of another list or another sort, and one it never handed out', async () => {
      const first = ok(await get(`/dossiers?agency=${X.eid}&limit=5&sort=received`, 'bv.lanhdao'), worklistResponse);
      const other = await get(`/dossiers?agency=${X.eid}&limit=5&sort=received&status=IN_REVIEW&cursor=${first.nextCursor}`, 'bv.lanhdao');
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({ reason: 'CursorMismatch', detail: expect.stringContaining('Con trỏ trang') });
      // Another page size is the same list.
      expect((await get(`/dossiers?agency=${X.eid}&limit=9&sort=received&cursor=${first.nextCursor}`, 'bv.lanhdao')).status).toBe(200);
      for (const bad of ['abc', Buffer.from('{"k":"x","i":1,"f":"0123456789abcdef"}').toString('base64url'), 'a'.repeat(801)]) {
        const r = await get(`/dossiers?limit=5&sort=received&cursor=${bad}`, 'bv.lanhdao');
        expect([bad.slice(0, 20), r.status, r.body.reason]).toEqual([bad.slice(0, 20), 422, 'InvalidListQuery']);
      }
    });
  });

  describe('GET /dossiers: queue counts', () => {
    it('counts every queue as the list filtered by it totals, and the caller’s own share', async () => {
      for (const user of ['bv.cv1', 'bv.cv2', 'bv.lanhdao']) {
        const { queues } = await list('', user);
        for (const q of queues) {
          const listed = await list(`queue=${q.key}`, user);
          expect([user, q.key, q.count]).toEqual([user, q.key, listed.total]);
          expect(listed.dossiers).toHaveLength(listed.total);
          expect(listed.dossiers.every((d) => d.queue === q.key)).toBe(true);
          const mine = await list(`queue=${q.key}&assignee=me`, user);
          expect([user, q.key, 'mine', q.mine]).toEqual([user, q.key, 'mine', mine.total]);
        }
      }
      const { queues } = await list('');
      expect(Object.fromEntries(queues.map((q) => [q.key, q.count]))).toEqual({
        awaiting_intake: 2,
        supplements_received: 1,
        awaiting_citizen: 0,
        awaiting_assignment: 5,
        in_review: 6,
        awaiting_decision: 5,
        results_to_hand_over: 5,
        in_transit: 0,
        returned_by_post: 5,
      });
      // The labels are what the console shows.
      expect(queues.find((q) => q.key === 'awaiting_intake')).toMatchObject({ label: 'Chờ tiếp nhận', statuses: ['SUBMITTED'] });
    });

    it('moves a dossier accepted at intake out of the intake queue', async () => {
      const before = await list('queue=awaiting_intake');
      expect(codes(before)).toContain(real.an.code);
      expect((await client.officer(real.an.code, 'intake/accept', 'bv.motcua')).status).toBe(200);
      const after = await eventually(() => list('queue=awaiting_intake'), (b) => !codes(b).includes(real.an.code));
      expect(after.queues.find((q) => q.key === 'awaiting_intake')!.count).toBe(before.total - 1);
      // Assigned automatically: in review, with the specialist.
      const moved = await eventually(() => list(`q=${encodeURIComponent(real.an.code)}`), (b) => b.dossiers[0]?.status.code === 'IN_REVIEW');
      expect(moved.dossiers[0]).toMatchObject({ status: { code: 'IN_REVIEW', label: 'Đang xử lý' }, queue: 'in_review', currentStep: { step: 'review' }, assignee: { username: 'bv.cv2' } });
    });
  });

  describe('GET /dossiers: invalid filters', () => {
    const refused = async (query: string, field: string) => {
      const r = await get(`/dossiers?${query}`, 'bv.lanhdao');
      expect([query, r.status, r.headers.get('content-type')]).toEqual([query, 422, 'application/problem+json; charset=utf-8']);
      expect(r.body.reason).toBe('InvalidListQuery');
      expect(r.body.detail).toMatch(/^Tham số lọc danh sách hồ sơ chưa hợp lệ: /);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      return r.body;
    };

    it('answers 422 with a Vietnamese detail, the reason and each field', async () => {
      expect((await refused('status=RECEIVED,FOO', 'query.status')).errors[0].message).toContain('"FOO" không phải mã trạng thái');
      await refused('queue=mine', 'query.queue');
      await refused('step=lunch', 'query.step');
      await refused('channel=fax', 'query.channel');
      expect((await refused('procedure=NO-SUCH', 'query.procedure')).errors[0].message).toBe('không có thủ tục có mã "NO-SUCH"');
      await refused('assignee=nobody.here', 'query.assignee');
      await refused(`agency=000.99.99.H99`, 'query.agency');
      await refused('receivedFrom=2026-02-30', 'query.receivedFrom');
      await refused('dueFrom=yesterday', 'query.dueFrom');
      await refused('receivedFrom=2026-03-12&receivedTo=2026-03-11', 'query.receivedTo');
      await refused('sort=name', 'query.sort');
      await refused('order=up', 'query.order');
      await refused('limit=0', 'query.limit');
      await refused('limit=201', 'query.limit');
      await refused('status=RECEIVED&status=IN_REVIEW', 'query.status');
      await refused(`q=${'x'.repeat(101)}`, 'query.q');
      expect((await refused('orderBy=1;drop', 'query.orderBy')).errors[0].message).toContain('orderBy');
    });
  });

  describe('GET /agencies/{eid}/officers', () => {
    it('lists the specialists with their open load, least loaded first, to the agency’s officers', async () => {
      const open = (OPEN_STATUSES as readonly string[]);
      const load = async (username: string) =>
        Number((await api.db('dossiers').where('assignee_id', users[username]).whereIn('status', [...open]).count<{ n: string }[]>('* as n'))[0]!.n);
      const expected = [
        { username: 'bv.cv1', load: await load('bv.cv1') },
        { username: 'bv.cv2', load: await load('bv.cv2') },
      ].sort((a, b) => a.load - b.load || users[a.username]! - users[b.username]!);
      // The seeded rows alone: cv1 holds 5 in review (of its open ones), cv2 5 awaiting decision.
      expect(expected.every((e) => e.load >= 5)).toBe(true);
      for (const user of ['bv.lanhdao', 'bv.motcua', 'bv.cv1']) {
        const body = ok(await get(`/agencies/${X.eid}/officers?role=specialist`, user), officersResponse);
        expect(body.agency).toEqual(X);
        expect(body.role).toBe('specialist');
        expect(body.officers.map((o) => [o.username, o.openLoad, o.openLoadInAgency])).toEqual(expected.map((e) => [e.username, e.load, e.load]));
      }
      const everyone = ok(await get(`/agencies/${X.eid}/officers`, 'bv.lanhdao'), officersResponse);
      expect(everyone.officers.map((o) => o.username).sort()).toEqual(['bv.cv1', 'bv.cv2', 'bv.lanhdao', 'bv.motcua']);
      expect(everyone.officers.find((o) => o.username === 'bv.lanhdao')).toMatchObject({ roles: [{ role: 'leader', label: 'Lãnh đạo' }], openLoad: 0 });
    });

    it('refuses officers of other agencies (403), unknown agencies (404), citizens (403), nobody (401), bad roles (422)', async () => {
      const other = await get(`/agencies/${X.eid}/officers?role=specialist`, 'bv.khac');
      expect([other.status, other.body.reason]).toEqual([403, 'NoRoleInAgency']);
      const unknown = await get('/agencies/000.99.99.H99/officers', 'bv.lanhdao');
      expect([unknown.status, unknown.body.reason, unknown.body.detail]).toEqual([404, 'AgencyNotFound', 'Không có cơ quan có mã "000.99.99.H99".']);
      const citizen = await get(`/agencies/${X.eid}/officers`, null, { Authorization: `Bearer ${await citizenToken(real.an.idNumber)}` });
      expect(citizen.status).toBe(403);
      expect((await get(`/agencies/${X.eid}/officers`, null)).status).toBe(401);
      const bad = await get(`/agencies/${X.eid}/officers?role=boss`, 'bv.lanhdao');
      expect([bad.status, bad.body.reason, bad.body.errors[0].field]).toEqual([422, 'InvalidOfficerQuery', 'query.role']);
    });
  });
});
