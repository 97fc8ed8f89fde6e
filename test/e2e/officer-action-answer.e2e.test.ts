import { describe, expect, it } from 'vitest';
import { dossierFacts } from '../../dossiers/actions';
import { loadActionDossier, viewFacts } from '../../dossiers/action-answer';
import { dossierViewQuery } from '../../workflows/contracts/dossier-v1';
import { applicantIds, eventually, http, officerToken, payFeeAtCounter, submitSample, uniqueKey, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 18, target 1 (the API half): an officer's action is answered from the Update's own view
 * (the dossier row loaded with the caller's roles before it, the facts the workflow returns for
 * `allowedActions`), with as few statements as the request needs; and the acting officer reads
 * their own write: a GET right after each action's 200 shows the status, the assignee and the
 * appointment the answer gave (the Update answers once the event and the read model are
 * committed, README "Read-your-writes").
 */
describe('officer actions: answered from the Update’s view, few round trips, read-your-writes', () => {
  const { api } = useStack({ name: 'officer-action-answer' });
  const idNumber = applicantIds('0731');
  const ONE_STOP = 'motcua.saigon';
  const LEADER = 'lanhdao.saigon';

  /** The statements the API process sends while `run` is answered (and its after-answer audit row is written). */
  async function statementsOf(run: () => Promise<HttpAnswer>): Promise<{ answer: HttpAnswer; sql: string[] }> {
    const sql: string[] = [];
    const listen = (q: { sql: string }) => sql.push(q.sql);
    api.db.on('query', listen);
    try {
      const answer = await run();
      // The audit row is written once the answer has gone out.
      await new Promise((r) => setTimeout(r, 300));
      return { answer, sql: [...sql] };
    } finally {
      api.db.removeListener('query', listen);
    }
  }

  async function act(code: string, path: string, user: string, body: unknown, key?: string) {
    const token = await officerToken(user);
    return statementsOf(() =>
      http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/${path}`, { body, headers: { Authorization: `Bearer ${token}`, ...(key ? { 'Idempotency-Key': key } : {}) } }),
    );
  }

  const detail = (code: string, user: string) => http('GET', `${api.baseUrl}/api/v1/dossiers/${code}`, { headers: { 'X-User-Id': user } });

  /** What both the answer and the officer's next read must agree on. */
  const seen = (b: any) => ({ status: b.status?.code, appointmentAt: b.appointmentAt, receivedAt: b.receivedAt, dueAt: b.deadline?.dueAt ?? null, assignee: b.assignee?.userId ?? null });

  async function freshDossier(): Promise<string> {
    const r = await submitSample(api.baseUrl, idNumber(), { deliveryMethod: 'counter' }, 'answer');
    expect(r.status).toBe(201);
    const code = r.body.code as string;
    await eventually(() => http('GET', `${api.baseUrl}/api/v1/status/${code}`), (s) => s.body.history?.length === 1);
    return code;
  }

  it('each action’s 200 is what the officer reads right after it, and what the read model gives', async () => {
    const code = await freshDossier();
    await payFeeAtCounter(api.baseUrl, code);
    const counts: Record<string, number> = {};
    const steps: Array<[string, string | (() => Promise<string>), unknown]> = [
      ['intake/accept', ONE_STOP, {}],
      ['release', async () => (await api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username')).username, {}],
      ['assignment', LEADER, { specialist: 'chuyenvien.saigon2' }],
      ['deadline/extension', LEADER, { workingDays: 1, reason: 'Cần lấy ý kiến cơ quan thuế', legalBasis: 'Điều 5 Nghị định 297/2025/NĐ-CP' }],
      ['clock/pause', LEADER, { reason: 'Chờ ý kiến cơ quan thuế', legalBasis: 'Điều 22 Nghị định 101/2024/NĐ-CP' }],
      ['clock/resume', LEADER, {}],
      ['review/proposal', 'chuyenvien.saigon2', { proposal: 'approve' }],
      ['decision', LEADER, { decision: 'approve' }],
      ['result/handover', ONE_STOP, { receivedBy: 'Nguyễn Văn An' }],
    ];
    for (const [path, who, body] of steps) {
      const user = typeof who === 'string' ? who : await who();
      const { answer, sql } = await act(code, path, user, body, uniqueKey('answer'));
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200);
      // Where its time went (api/server-timing.ts): before the Update, the Update, the answer, the key's storage.
      expect(answer.headers.get('server-timing')).toMatch(/^before;dur=\d+\.\d, update;dur=\d+\.\d, answer;dur=\d+\.\d, stored;dur=\d+\.\d$/);
      counts[path] = sql.length;
      // Read-your-writes: the acting officer's GET right after the 200.
      const read = await detail(code, user);
      expect(read.status).toBe(200);
      if (path === 'result/handover') {
        // Handed over, the dossier completes after the answer (eventually visible): delivered, or already completed.
        expect(['RESULT_DELIVERED', 'COMPLETED'], path).toContain(read.body.status.code);
        expect(answer.body.status.code, path).toBe('RESULT_DELIVERED');
        continue;
      }
      const row = await loadActionDossier(api.db, code);
      // The facts the workflow gives are the read model's, as the API reads them (dossiers/action-answer.ts
      // viewFacts; the assignee's name aside, which the read model does not keep), once what continues
      // after the answer (an assignment after the acceptance) has been projected too.
      const comparable = (f: any) => f && { ...f, assignee: f.assignee ? { userId: f.assignee.userId } : null };
      const pair = await eventually(
        async () => [comparable(viewFacts(await api.temporal.workflow.getHandle(row.workflow_id).query(dossierViewQuery), row)), comparable(await dossierFacts(api.db, row.id))],
        ([fromView, stored]) => {
          try {
            expect(fromView).toEqual(stored);
            return true;
          } catch {
            return false;
          }
        },
        10_000,
      ).catch(() => null);
      if (pair === null) {
        const fromView = comparable(viewFacts(await api.temporal.workflow.getHandle(row.workflow_id).query(dossierViewQuery), row));
        expect(fromView, `${path}: the workflow's facts`).toEqual(comparable(await dossierFacts(api.db, row.id)));
      }
      if (path === 'intake/accept' && answer.body.assignee === null) {
        // The specialist's assignment continues after the acceptance's answer: received, or already in review with its assignee.
        expect(['RECEIVED', 'IN_REVIEW'], path).toContain(read.body.status.code);
        expect(answer.body.status.code, path).toBe('RECEIVED');
        await eventually(() => detail(code, user), (r) => r.body.status?.code === 'IN_REVIEW');
        continue;
      }
      expect(seen(read.body), path).toEqual(seen(answer.body));
      // The answer's summary and allowedActions are what the read model says now.
      const { allowedActions, assignee: _a, resultNumber: _r, ...summary } = answer.body;
      const { allowedActions: readAllowed, ...readBody } = read.body;
      for (const [k, v] of Object.entries(summary)) expect(readBody[k], `${path}: ${k}`).toEqual(v);
      expect(allowedActions, path).toEqual(readAllowed);
    }
    process.stdout.write(`statements per officer action (idempotency key, API process): ${JSON.stringify(counts)}\n`);
  });

  it('an officer action sends few statements: with a key, without one, and its replay', async () => {
    const code = await freshDossier();
    const key = uniqueKey('rt');
    const first = await act(code, 'intake/supplement-request', ONE_STOP, { items: ['Bản sao hợp đồng thuê địa điểm'], reason: 'Thiếu giấy tờ', deadlineWorkingDays: 5 }, key);
    expect(first.answer.status, JSON.stringify(first.answer.body)).toBe(200);
    const replay = await act(code, 'intake/supplement-request', ONE_STOP, { items: ['Bản sao hợp đồng thuê địa điểm'], reason: 'Thiếu giấy tờ', deadlineWorkingDays: 5 }, key);
    expect(replay.answer.status).toBe(200);
    expect(replay.answer.body).toEqual(first.answer.body);
    const other = await freshDossier();
    const unkeyed = await act(other, 'cancel', LEADER, { reason: 'Công dân đề nghị dừng' });
    expect(unkeyed.answer.status, JSON.stringify(unkeyed.answer.body)).toBe(200);
    process.stdout.write(
      `statements: keyed ${first.sql.length} ${JSON.stringify(first.sql.map((s) => s.slice(0, 90)))}\nreplay ${replay.sql.length}\nunkeyed ${unkeyed.sql.length} ${JSON.stringify(unkeyed.sql.map((s) => s.slice(0, 90)))}\n`,
    );
    // The token's account is kept in the API process once read (platform/identity.ts): not counted here.
    const counted = (sql: string[]) => sql.filter((q) => !/from "users"/.test(q)).length;
    // With a key: the dossier with its agency (the caller's roles) and the key's claim in one statement, and the answer kept with the audit row.
    expect(counted(first.sql)).toBeLessThanOrEqual(2);
    // Without one: the dossier, the audit row (after the answer).
    expect(counted(unkeyed.sql)).toBeLessThanOrEqual(2);
    // Each request audited once, with its dossier and agency: the first (written with its answer) and the replay.
    const id = (await api.db('dossiers').where({ code }).first('id', 'agency_id'))!;
    const rows = await api.db('audit_log').where({ dossier_id: id.id }).andWhere('action', 'like', '%/intake/supplement-request').select('actor_label', 'agency_id', 'after', 'reason');
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toMatchObject({ actor_label: ONE_STOP, agency_id: id.agency_id, after: { status: 200 }, reason: 'Thiếu giấy tờ' });
    const cancelled = await api.db('audit_log as l').join('dossiers as d', 'd.id', 'l.dossier_id').where('d.code', other).andWhere('l.action', 'like', '%/cancel').select('l.actor_label');
    expect(cancelled).toEqual([{ actor_label: LEADER }]);
  });

  it('a citizen’s action is answered from the view too, as the read model then says', async () => {
    const code = await freshDossier();
    const asked = await act(code, 'intake/supplement-request', ONE_STOP, { items: ['Bản sao hợp đồng thuê địa điểm'], reason: 'Thiếu giấy tờ', deadlineWorkingDays: 5 });
    expect(asked.answer.status).toBe(200);
    const { applicant_id_number: idNumber } = await api.db('dossiers').where({ code }).first('applicant_id_number');
    const sql: string[] = [];
    const listen = (q: { sql: string }) => sql.push(q.sql);
    api.db.on('query', listen);
    const withdrawn = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/withdraw`, { body: { idNumber, reason: 'Tôi không kinh doanh nữa' } });
    api.db.removeListener('query', listen);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.status.code).toBe('WITHDRAWN');
    // No read of the read model after the Update: the dossier (with its applicant) once, before it.
    expect(sql.filter((q) => /from "dossiers"/.test(q))).toHaveLength(1);
    const read = await detail(code, ONE_STOP);
    const { allowedActions: _x, ...readBody } = read.body;
    for (const [k, v] of Object.entries(withdrawn.body)) expect(readBody[k], k).toEqual(v);
  });
});
