import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, officerToken, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 14, finding 7: anyone can send a request without a token, as often as they like, so
 * the append-only audit log keeps nothing such a request says: a refusal is recorded with the
 * actor `anonymous`, the route template, outcome and status, and at most a hash of its
 * reason; no path as typed, no reason, no request id of its choosing, no link to a dossier.
 */
describe('audit log and anonymous requests', () => {
  const { api } = useStack({ name: 'audit-anon', worker: false });
  let code: string;
  const SECRET = 'CCCD 079301771234 <script>alert(1)</script> gọi 0909000111';

  beforeAll(async () => {
    const r = await submitSample(api.baseUrl, '079301771234', {}, 'audit-anon');
    expect(r.status).toBe(201);
    code = r.body.code;
  });

  const lastId = async () => Number((await api.db('audit_log').max('id as id').first())?.id ?? 0);
  const rowsAfter = (id: number) => api.db('audit_log').where('id', '>', id).orderBy('id').select('*');
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  /** Rows written after `after` (by the request under test) that contain `text` anywhere. */
  const containing = async (text: string, after = 0) =>
    Number((await api.db.raw(`select count(*)::int as n from audit_log where id > ? and row_to_json(audit_log)::text like ?`, [after, `%${text}%`])).rows[0].n);

  it('records a refused anonymous action by route template, outcome and status, with a hash of its reason at most', async () => {
    const before = await lastId();
    const res = await post(`/api/v1/dossiers/${code}/cancel`, { reason: SECRET }, { 'X-Request-Id': 'attacker-chose-this-id-0909000111' });
    expect(res.status).toBe(401);
    const rows = await eventually(() => rowsAfter(before), (r) => r.length >= 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_kind: 'anonymous',
      actor_id: null,
      actor_label: 'anonymous',
      actor_role: null,
      agency_id: null,
      dossier_id: null,
      action: 'POST /api/v1/dossiers/:code/cancel',
      target: '/api/v1/dossiers/:code/cancel',
      reason: null,
      before: null,
      request_id: null,
      after: { status: 401, outcome: 'refused', reasonSha256: createHash('sha256').update(SECRET).digest('hex') },
    });
    // Nothing the anonymous request said (the dossier's own submission row, written before, names its code).
    for (const piece of ['079301771234', '0909000111', '<script>', code, 'attacker-chose']) expect([piece, await containing(piece, before)]).toEqual([piece, 0]);
  });

  it('keeps no path as typed: a path the contract does not know is recorded as such; our own request id is kept', async () => {
    const before = await lastId();
    const res = await post('/api/v1/079301771234-free-text-in-the-path', { note: 'x' });
    expect(res.status).toBe(404);
    const [row] = await eventually(() => rowsAfter(before), (r) => r.length >= 1);
    expect(row).toMatchObject({ actor_kind: 'anonymous', action: 'POST (unknown route)', target: '(unknown route)', reason: null, request_id: res.headers.get('x-request-id') });
    expect(await containing('free-text-in-the-path')).toBe(0);
  });

  it('still records what a signed-in officer asked and why, refusals included', async () => {
    const before = await lastId();
    const res = await post(`/api/v1/dossiers/${code}/cancel`, { reason: 'Lý do của cán bộ' }, { Authorization: `Bearer ${await officerToken('motcua.tphcm')}` });
    expect(res.status).toBe(404); // another agency's dossier reads as unknown
    const [row] = await eventually(() => rowsAfter(before), (r) => r.length >= 1);
    expect(row).toMatchObject({ actor_kind: 'officer', actor_label: 'motcua.tphcm', action: 'POST /api/v1/dossiers/:code/cancel', target: `/api/v1/dossiers/${code}/cancel`, reason: 'Lý do của cán bộ', after: { status: 404 } });
  });
});
